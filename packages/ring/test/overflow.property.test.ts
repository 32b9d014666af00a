// Model-based test: random submit/reap/wait sequences against a plain FIFO reference. No CQE is
// lost, duplicated or reordered, and SQ_CQ_OVERFLOW is set exactly while a backlog exists.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IORING_SQ, ModelExecutor, compileScenario, decodeRecords, parseScenario } from '../src/index.js';

type Action = { kind: 'submit'; n: number } | { kind: 'reap'; n: number } | { kind: 'wait' };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('submit' as const), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('reap' as const), n: fc.integer({ min: 0, max: 5 }) }),
  fc.constant({ kind: 'wait' as const }),
);

describe('CQ overflow', () => {
  it('never loses, duplicates or reorders a CQE', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(action, { minLength: 1, maxLength: 40 }), (log2, actions) => {
        const entries = 1 << log2;
        const steps: Record<string, unknown>[] = [{ op: 'setup', ring: 'r', entries }];
        let ud = 1;
        for (const a of actions) {
          if (a.kind === 'submit') {
            const n = Math.min(a.n, entries);
            steps.push({ op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: ud }, repeat: n });
            steps.push({ op: 'enter', ring: 'r', to_submit: n });
            ud += n;
          } else if (a.kind === 'reap') {
            steps.push({ op: 'reap', ring: 'r', max: a.n });
          } else {
            steps.push({ op: 'enter', ring: 'r', min_complete: 0, flags: ['GETEVENTS'] });
          }
          steps.push({ op: 'observe', ring: 'r' });
        }
        // Drain everything at the end.
        for (let i = 0; i < 64; i++) steps.push({ op: 'enter', ring: 'r', flags: ['GETEVENTS'] }, { op: 'reap', ring: 'r' });
        const sc = parseScenario({ name: 'prop', pins: 'overflow property run', steps });
        const p = compileScenario(sc);
        const ex = new ModelExecutor();
        const trace = decodeRecords(p, ex.run(p));
        const got = trace.flatMap((e) => (e.ev === 'cqe' ? [Number(e.user_data)] : []));
        expect(got).toEqual(Array.from({ length: ud - 1 }, (_, i) => i + 1));
        const ctx = [...ex.kernel.rings][0]!;
        for (const e of trace) if (e.ev === 'ring') expect(e.cq_tail - e.cq_head).toBeLessThanOrEqual(ctx.cqEntries);
        expect(ctx.overflow.length === 0).toBe((ctx.sqFlags & IORING_SQ.CQ_OVERFLOW) === 0);
      }),
      { numRuns: 300 },
    );
  });
});
