// The class of a divergence: what kind of step, which event, which fields. Shrinking keeps a
// candidate only when it diverges in the same class, so it cannot slide into another bug; and
// classes are what the summary counts as distinct.

import { diffTraces, type Scenario, type TraceEvent } from '@uringlab/ring';
import type { ScenarioVerdict } from '../judge.js';

const norm = (s: string) => s.replace(/\b(0x[0-9a-f]+|\d+)\b/gi, 'N').replace(/\s+/g, ' ').trim();

/** What a step does, for a key: `sqe READ`, `kbuf.recv`, `enter`. */
function stepKind(s: Scenario['steps'][number] | undefined): string {
  if (!s) return 'end';
  if (s.op === 'sqe') return `sqe ${String((s.sqe as { opcode?: unknown }).opcode ?? '?')}`;
  return s.op;
}

/** The step that made the SQE whose CQE this is (by user_data), for CQE divergences. */
function cqeOrigin(sc: Scenario, e: TraceEvent | undefined): string | undefined {
  if (!e || e.ev !== 'cqe') return undefined;
  const ud = BigInt(e.user_data);
  for (const s of sc.steps) {
    const sqe = s.op === 'sqe' ? (s.sqe as { user_data?: number | string }) : (s as { user_data?: number | string });
    if (sqe.user_data === undefined) continue;
    const first = BigInt(sqe.user_data);
    const n = BigInt(s.op === 'sqe' ? ((s.repeat as number | undefined) ?? 1) : 1);
    if (ud >= first && ud < first + n) return stepKind(s);
  }
  return undefined;
}

export function divergenceKey(v: ScenarioVerdict, sc: Scenario): string {
  const ex = v.explanation ?? '';
  if (ex.startsWith('the model failed')) return `model failed: ${norm(ex.slice(18, 140))}`;
  const bad = v.kernel.find((e) => e.ev === 'crash' || e.ev === 'timeout' || e.ev === 'error');
  if (bad) return `runner ${bad.ev}${bad.ev === 'error' ? `: ${norm(String(bad.message).replace(/^\S+ /, '')).slice(0, 80)}` : ''}`;
  if (ex.startsWith('the runner') || ex.startsWith('the kernel run')) return norm(ex);
  const d = diffTraces(v.model, v.kernel, sc).divergence;
  if (!d) return 'agree';
  const a = d.actual;
  const e = d.expected;
  const origin = cqeOrigin(sc, a) ?? cqeOrigin(sc, e);
  const where = `${stepKind(sc.steps[d.step])}${origin ? ` (${origin})` : ''}`;
  if (a && e && a.ev === e.ev) {
    const ka = a as Record<string, unknown>;
    const ke = e as Record<string, unknown>;
    const fields = [...new Set([...Object.keys(ka), ...Object.keys(ke)])]
      .filter((k) => JSON.stringify(ka[k]) !== JSON.stringify(ke[k]) && k !== 'step')
      .sort();
    return `${where}: ${a.ev} ${fields.join(',')}`;
  }
  return `${where}: kernel ${a?.ev ?? 'nothing'}, model ${e?.ev ?? 'nothing'}`;
}
