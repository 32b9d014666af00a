// Random mixes of timers, io-wq work, RCU readers and callbacks: the clock never goes back,
// every callback runs exactly once, after a full grace period with no reader open, and
// callbacks run in the order they were queued, grace period by grace period.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Scheduler } from '../src/sched.js';

const GP = 1_000;

type Op =
  | { k: 'call'; at: number; cpu: number; chain: boolean }
  | { k: 'punt'; at: number }
  | { k: 'read'; at: number; len: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('call' as const), at: fc.integer({ min: 0, max: 4 * GP }), cpu: fc.integer({ min: 0, max: 3 }), chain: fc.boolean() }),
  fc.record({ k: fc.constant('punt' as const), at: fc.integer({ min: 0, max: 4 * GP }) }),
  fc.record({ k: fc.constant('read' as const), at: fc.integer({ min: 0, max: 4 * GP }), len: fc.integer({ min: 0, max: 3 * GP }) }),
);

interface Cb {
  queuedAt: number;
  gpsAtQueue: number;
  runs: number;
  ranAt?: number;
  gpsAtRun?: number;
}

describe('scheduler properties', () => {
  it('keeps time monotonic and runs every RCU callback once, in grace-period order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 1000 }), (ops, seed) => {
        const s = new Scheduler({ gracePeriodNs: GP, nrCpus: 4, seed });
        const cbs: Cb[] = [];
        const order: number[] = [];
        let lastSeen = 0;
        let openReads = 0;
        const tick = () => {
          expect(s.now).toBeGreaterThanOrEqual(lastSeen);
          lastSeen = s.now;
        };
        const queue = (chain: boolean) => {
          const id = cbs.length;
          cbs.push({ queuedAt: s.now, gpsAtQueue: s.gracePeriods, runs: 0 });
          s.callRcu(() => {
            tick();
            expect(s.context).toBe('softirq');
            expect(openReads).toBe(0);
            const cb = cbs[id]!;
            cb.runs++;
            cb.ranAt = s.now;
            cb.gpsAtRun = s.gracePeriods;
            order.push(id);
            if (chain) queue(false);
          });
        };
        for (const o of ops) {
          if (o.k === 'call') {
            s.after(o.at, () => { tick(); queue(o.chain); }, { cpu: o.cpu });
          } else if (o.k === 'punt') {
            s.after(o.at, () => { tick(); s.punt(() => { tick(); queue(false); }); }, { context: 'hardirq' });
          } else {
            s.after(o.at, () => { tick(); openReads++; s.rcuReadLock(); }, { context: 'task' });
            s.after(o.at + o.len, () => { tick(); openReads--; s.rcuReadUnlock(); }, { context: 'task' });
          }
        }
        const elapsed = s.runUntil(() => s.pendingTimers === 0 && s.pendingWorkers === 0);
        expect(elapsed).toBe(s.now);
        expect(s.pendingRcuCallbacks).toBe(0);
        expect(s.rcuBarrier()).toBe(0);

        expect(cbs.map((c) => c.runs)).toEqual(cbs.map(() => 1));
        // FIFO across grace periods: run order is queue order.
        expect(order).toEqual(cbs.map((_, i) => i));
        let prevGps = 0;
        for (const c of cbs) {
          expect(c.ranAt! - c.queuedAt).toBeGreaterThanOrEqual(GP);
          expect(c.gpsAtRun!).toBeGreaterThan(c.gpsAtQueue);
          expect(c.gpsAtRun!).toBeGreaterThanOrEqual(prevGps);
          prevGps = c.gpsAtRun!;
        }
        expect(s.gracePeriods).toBeLessThanOrEqual(cbs.length);
        expect(s.gracePeriods > 0).toBe(cbs.length > 0);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same program and seed give the same run', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 * GP }), { maxLength: 20 }), fc.integer(), (delays, seed) => {
        const run = () => {
          const s = new Scheduler({ gracePeriodNs: GP, nrCpus: 4, seed });
          const log: string[] = [];
          for (const d of delays) {
            s.after(d, () => s.punt(() => s.callRcu(() => log.push(`${s.now}:${s.cpu}`))));
            s.punt(() => log.push(`w${d}:${s.cpu}`));
          }
          s.runUntil(() => false);
          return log;
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 50 },
    );
  });
});
