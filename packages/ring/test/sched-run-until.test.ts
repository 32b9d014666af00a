// runUntil(): the quiesce primitive. It lets the world run until a condition holds and says
// how much virtual time that took.

import { describe, expect, it } from 'vitest';
import { Scheduler } from '../src/sched.js';

const GP = 1_000;
const code = (c: string) => expect.objectContaining({ code: c });

describe('runUntil()', () => {
  it('returns 0 without running anything when the condition already holds', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    let ran = false;
    s.punt(() => (ran = true));
    expect(s.runUntil(() => true)).toBe(0);
    expect(ran).toBe(false);
  });

  it('measures a quiesce: waits until the last in-flight reference drops', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    let refs = 3;
    for (const t of [70, 10, 30]) s.after(t, () => refs--, { context: 'hardirq' });
    s.after(500, () => {}); // unrelated later timer: must not be waited for
    expect(s.runUntil(() => refs === 0)).toBe(70);
    expect(s.now).toBe(70);
    expect(s.pendingTimers).toBe(1);
  });

  it('counts time from where the clock stands', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    s.now = 5_000;
    let done = false;
    s.after(250, () => (done = true));
    expect(s.runUntil(() => done)).toBe(250);
    expect(s.now).toBe(5_250);
  });

  it('runs io-wq work, timers and RCU callbacks in order along the way', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    const log: string[] = [];
    let freed = false;
    s.punt(() => {
      log.push(`iowq@${s.now}`);
      s.after(100, () => {
        log.push(`irq@${s.now}`);
        s.callRcu(() => {
          log.push(`rcu@${s.now}`);
          freed = true;
        });
      }, { context: 'hardirq' });
    });
    expect(s.runUntil(() => freed)).toBe(100 + GP);
    expect(log).toEqual(['iowq@0', 'irq@100', `rcu@${100 + GP}`]);
  });

  it('is undefined when nothing else can happen, and leaves the clock alone', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    s.after(40, () => {});
    expect(s.runUntil(() => false)).toBeUndefined();
    expect(s.now).toBe(40);
    // Stuck behind an open reader: the grace period can never end.
    s.rcuReadLock();
    let freed = false;
    s.callRcu(() => (freed = true));
    expect(s.runUntil(() => freed)).toBeUndefined();
    expect(freed).toBe(false);
    expect(s.now).toBe(40 + GP);
    s.rcuReadUnlock();
    expect(s.runUntil(() => freed)).toBe(1);
  });

  it('is undefined when the limit passes first, with the clock at the limit', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    let done = false;
    s.after(300, () => (done = true));
    expect(s.runUntil(() => done, 299)).toBeUndefined();
    expect(s.now).toBe(299);
    expect(done).toBe(false);
    expect(s.runUntil(() => done, 1)).toBe(1);
    expect(s.runUntil(() => false, 50)).toBeUndefined();
    expect(s.now).toBe(350);
  });

  it('reaches a timer exactly at the limit', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    let done = false;
    s.after(300, () => (done = true));
    expect(s.runUntil(() => done, 300)).toBe(300);
  });

  it('rejects a negative limit and reports a livelock instead of spinning forever', () => {
    const s = new Scheduler({ gracePeriodNs: GP });
    expect(() => s.runUntil(() => true, -1)).toThrow(code('EINVAL'));
    const again = (): void => s.punt(again);
    again();
    expect(() => s.runUntil(() => false)).toThrow(/livelock/);
  });
});
