// struct hrtimer on the virtual clock: started relative (HRTIMER_MODE_REL) or at an absolute
// time of its clock (HRTIMER_MODE_ABS), cancelled with hrtimer_try_to_cancel(). The scheduler's
// timers cannot be withdrawn, so a cancelled or restarted timer's old expiry finds itself stale.

import type { Scheduler } from '../sched.js';

/**
 * Where CLOCK_MONOTONIC (and BOOTTIME, REALTIME) stand when the model's clock reads 0: the
 * model's machine booted well before the scenario, so a small absolute expiry lies in the past.
 */
export const CLOCK_BASE_NS = 1000 * 1e9;

export class HrTimer {
  private gen = 0;
  private active = false;

  constructor(private readonly sched: Scheduler, private readonly fn: () => void) {}

  /** hrtimer_start(): expires `ns` from now, or at clock time `ns` when `abs`. */
  start(ns: number, abs: boolean): void {
    const g = ++this.gen;
    this.active = true;
    const delay = abs ? ns - (this.sched.now + CLOCK_BASE_NS) : ns;
    this.sched.after(Math.max(0, delay), () => {
      if (!this.active || g !== this.gen) return;
      this.active = false;
      this.fn();
    });
  }

  /**
   * hrtimer_try_to_cancel(): 1 when a pending expiry was cancelled, 0 when none was pending.
   * (-1, the callback running on another CPU, never happens here: callbacks run whole.)
   */
  tryToCancel(): number {
    if (!this.active) return 0;
    this.active = false;
    this.gen++;
    return 1;
  }

  get pending(): boolean {
    return this.active;
  }
}
