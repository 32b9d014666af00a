// RCU in virtual time: grace periods take gracePeriodNs, readers hold them open, callbacks
// queued during one wait for the next, synchronize_rcu() and rcu_barrier() sleep.

import { describe, expect, it } from 'vitest';
import { TIME_CONSTANTS } from '../src/cost.js';
import { Scheduler } from '../src/sched.js';

const GP = 1_000;
const code = (c: string) => expect.objectContaining({ code: c });

/** Runs timers up to and including `t`, leaving the clock at `t`. */
function runTo(s: Scheduler, t: number): void {
  while (s.advance(t)) { /* next timer */ }
  if (s.now < t) s.now = t;
}

describe('grace periods', () => {
  it('takes its length from the assumed cost constant unless overridden', () => {
    expect(TIME_CONSTANTS.rcu_grace_period_ns.source).toBe('assumed');
    expect(TIME_CONSTANTS.rcu_grace_period_ns.basis).toMatch(/HZ=250/);
    expect(new Scheduler().gracePeriodNs).toBe(TIME_CONSTANTS.rcu_grace_period_ns.ns);
    expect(new Scheduler({ gracePeriodNs: GP }).gracePeriodNs).toBe(GP);
  });

  it('does not run a callback at settle, only once exactly gracePeriodNs has passed', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const ranAt: number[] = [];
    s.callRcu(() => ranAt.push(s.now));
    expect(s.gracePeriodEndsAt).toBe(GP);
    s.settle();
    expect(ranAt).toEqual([]);
    runTo(s, GP - 1);
    expect(ranAt).toEqual([]);
    expect(s.gracePeriods).toBe(0);
    expect(s.advance()).toBe(true);
    expect(ranAt).toEqual([GP]);
    expect(s.gracePeriods).toBe(1);
    expect(s.pendingRcuCallbacks).toBe(0);
    expect(s.gracePeriodEndsAt).toBeUndefined();
  });

  it('runs each callback in softirq on the CPU that queued it', () => {
    const s = new Scheduler({ gracePeriodNs: GP, nrCpus: 4 });
    const seen: string[] = [];
    const cb = () => seen.push(`${s.context}@${s.cpu}`);
    s.callRcu(cb);
    s.onCpu(3, () => s.callRcu(cb));
    s.runIn('hardirq', 2, () => s.callRcu(cb));
    s.advance();
    expect(seen).toEqual(['softirq@0', 'softirq@3', 'softirq@2']);
  });

  it('lets a reader that holds rcu_read_lock past the deadline delay the end', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const ranAt: number[] = [];
    s.rcuReadLock();
    s.callRcu(() => ranAt.push(s.now));
    runTo(s, 5 * GP);
    expect(ranAt).toEqual([]);
    expect(s.gracePeriods).toBe(0);
    s.rcuReadUnlock();
    s.settle();
    expect(ranAt).toEqual([]);
    expect(s.advance()).toBe(true);
    // The end is seen at the first step of the clock after the last unlock.
    expect(ranAt).toEqual([5 * GP + 1]);
    expect(s.gracePeriods).toBe(1);
  });

  it('waits for every reader: nested and on other CPUs', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    let ran = false;
    s.rcuReadLock();
    s.rcuReadLock();
    s.callRcu(() => (ran = true));
    runTo(s, 2 * GP);
    s.rcuReadUnlock();
    runTo(s, 3 * GP);
    expect(ran).toBe(false);
    s.rcuReadUnlock();
    runTo(s, 3 * GP + 1);
    expect(ran).toBe(true);
  });

  it('is not delayed by a reader that left before the deadline', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    let ranAt = -1;
    s.rcuReadLock();
    s.callRcu(() => (ranAt = s.now));
    s.after(GP / 2, () => s.rcuReadUnlock(), { context: 'task' });
    while (s.advance()) { /* run all */ }
    expect(ranAt).toBe(GP);
  });

  it('makes a callback queued during a grace period wait for the next one', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const ranAt: Record<string, number> = {};
    s.callRcu(() => (ranAt.a = s.now));
    s.after(GP / 4, () => s.callRcu(() => (ranAt.b = s.now)));
    s.after(GP / 2, () => s.callRcu(() => (ranAt.c = s.now)));
    while (s.advance()) { /* run all */ }
    expect(ranAt).toEqual({ a: GP, b: 2 * GP, c: 2 * GP });
    expect(s.gracePeriods).toBe(2);
  });

  it('starts a fresh grace period for a callback queued by a callback', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const ranAt: number[] = [];
    s.callRcu(() => {
      ranAt.push(s.now);
      s.callRcu(() => ranAt.push(s.now));
    });
    while (s.advance()) { /* run all */ }
    expect(ranAt).toEqual([GP, 2 * GP]);
    expect(s.gracePeriods).toBe(2);
  });

  it('still runs the rest of a batch, once each, when a callback throws', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const ran: number[] = [];
    s.callRcu(() => ran.push(1));
    s.callRcu(() => { throw new Error('cb'); });
    s.callRcu(() => ran.push(3));
    expect(() => s.advance()).toThrow('cb');
    expect(s.context).toBe('task');
    s.settle();
    expect(ran).toEqual([1, 3]);
    expect(s.pendingRcuCallbacks).toBe(0);
    while (s.advance()) { /* nothing left */ }
    expect(ran).toEqual([1, 3]);
  });
});

describe('synchronize_rcu() and rcu_barrier()', () => {
  it('synchronizeRcu() sleeps one grace period from idle and runs the callbacks due', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    let ran = false;
    s.callRcu(() => (ran = true));
    expect(s.synchronizeRcu()).toBe(GP);
    expect(s.now).toBe(GP);
    expect(ran).toBe(true);
    expect(s.gracePeriods).toBe(1);
  });

  it('synchronizeRcu() in the middle of a grace period waits out the next full one', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    s.callRcu(() => {});
    runTo(s, GP / 2);
    expect(s.synchronizeRcu()).toBe(GP / 2 + GP);
    expect(s.now).toBe(2 * GP);
    expect(s.gracePeriods).toBe(2);
  });

  it('lets the world run while synchronizeRcu() sleeps, and works from an io-wq worker', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const log: string[] = [];
    s.after(GP / 2, () => log.push(`timer@${s.now}`));
    s.punt(() => {
      log.push(`slept ${s.synchronizeRcu()} in ${s.context}`);
    });
    s.settle();
    expect(log).toEqual([`timer@${GP / 2}`, `slept ${GP} in iowq`]);
  });

  it('refuses synchronizeRcu() inside a read-side section or in interrupt context', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    s.rcuReadLock();
    expect(() => s.synchronizeRcu()).toThrow(/deadlock/);
    expect(() => s.synchronizeRcu()).toThrow(code('INTERNAL'));
    expect(() => s.rcuBarrier()).toThrow(/deadlock/);
    s.rcuReadUnlock();
    expect(() => s.runIn('softirq', 0, () => s.synchronizeRcu())).toThrow(/softirq/);
    expect(() => s.runIn('hardirq', 1, () => s.rcuBarrier())).toThrow(code('INTERNAL'));
    expect(s.now).toBe(0);
  });

  it('rcuBarrier() waits until every queued callback has run, and not for later ones', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const ran: string[] = [];
    s.callRcu(() => ran.push('a'));
    runTo(s, GP / 2);
    s.callRcu(() => {
      ran.push('b');
      s.callRcu(() => ran.push('c'));
    });
    expect(s.rcuBarrier()).toBe(2 * GP - GP / 2);
    expect(s.now).toBe(2 * GP);
    expect(ran).toEqual(['a', 'b']);
    expect(s.pendingRcuCallbacks).toBe(1);
    expect(s.rcuBarrier()).toBe(GP);
    expect(ran).toEqual(['a', 'b', 'c']);
  });

  it('rcuBarrier() with nothing queued returns at once', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    expect(s.rcuBarrier()).toBe(0);
    expect(s.now).toBe(0);
    expect(s.gracePeriods).toBe(0);
  });
});

describe('read-side misuse', () => {
  it('throws on rcu_read_unlock() without rcu_read_lock()', () => {
    const s = new Scheduler();
    expect(() => s.rcuReadUnlock()).toThrow(code('INTERNAL'));
    s.rcuReadLock();
    // An interrupt cannot release the task's read-side section.
    expect(() => s.runIn('hardirq', 0, () => s.rcuReadUnlock())).toThrow(/without rcu_read_lock/);
    s.rcuReadUnlock();
  });

  it('shares the task\'s nesting across task-context frames', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    s.runIn('task', 0, () => s.rcuReadLock());
    s.callRcu(() => {});
    runTo(s, 2 * GP);
    expect(s.gracePeriods).toBe(0);
    s.runIn('task', 0, () => s.rcuReadUnlock());
    runTo(s, 2 * GP + 1);
    expect(s.gracePeriods).toBe(1);
  });

  it('throws when work returns holding rcu_read_lock(), without blocking grace periods forever', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    s.callRcu(() => {});
    s.punt(() => s.rcuReadLock());
    expect(() => s.settle()).toThrow(/returned holding 1 rcu_read_lock/);
    expect(s.context).toBe('task');
    expect(s.runUntil(() => s.gracePeriods === 1)).toBe(GP);
  });
});
