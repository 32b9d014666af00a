import { describe, expect, it } from 'vitest';
import { diffTraces, fromJsonl, toJsonl, TraceEvent } from '../src/index.js';
import { loadScenario, traceOf } from './helpers.js';
import { parseScenario } from '../src/index.js';

describe('trace diff', () => {
  it('agrees with itself and survives a JSONL round trip', () => {
    const t = traceOf('cq-overflow-order');
    expect(diffTraces(t, fromJsonl(toJsonl(t))).agree).toBe(true);
    for (const e of t) expect(TraceEvent.safeParse(e).success).toBe(true);
  });

  it('explains the first divergence with the scenario step', () => {
    const model = traceOf('link-failure-cancels');
    const kernel = model.map((e) => (e.ev === 'cqe' && e.user_data === '2' ? { ...e, res: 0, errno: undefined } : e)) as typeof model;
    const d = diffTraces(model, JSON.parse(JSON.stringify(kernel)), parseScenario(loadScenario('link-failure-cancels')));
    expect(d.agree).toBe(false);
    expect(d.divergence!.explanation).toMatch(/step 5 \(reap r\).*res: kernel 0, model -125/);
  });

  it('compares decoded struct fields, not only top-level keys', () => {
    const base = { ev: 'mem', region: 'r', offset: 0, step: 3 } as const;
    const model = [{ ...base, fields: { head: 1, buf_group: 2 } }] as TraceEvent[];
    expect(diffTraces(model, [{ ...base, fields: { buf_group: 2, head: 1 } }] as TraceEvent[]).agree).toBe(true);
    const d = diffTraces(model, [{ ...base, fields: { head: 2, buf_group: 2 } }] as TraceEvent[]);
    expect(d.agree).toBe(false);
    expect(d.divergence!.explanation).toMatch(/fields: kernel \{"head":2/);
  });

  it('reports events missing on either side', () => {
    const t = traceOf('nop-basic');
    expect(diffTraces(t, t.slice(0, -1)).divergence!.explanation).toMatch(/kernel produced nothing more/);
    expect(diffTraces(t.slice(0, -1), t).divergence!.explanation).toMatch(/which the model does not predict/);
  });
});
