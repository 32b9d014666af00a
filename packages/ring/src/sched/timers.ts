// The virtual clock's timer list: ordered by deadline, and by arming order among equal
// deadlines, so that runs are reproducible.

import type { ExecContext } from './context.js';

export type Work = () => void;

export interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: Work;
  readonly context: ExecContext;
  /** undefined: wherever the task is when the timer fires (task-context timers only). */
  readonly cpu: number | undefined;
}

export class TimerQueue {
  private readonly q: Timer[] = [];
  private seq = 0;

  get size(): number {
    return this.q.length;
  }

  add(at: number, fn: Work, context: ExecContext, cpu: number | undefined): void {
    const t: Timer = { at, seq: this.seq++, fn, context, cpu };
    // First index whose deadline is later: equal deadlines keep arming order.
    let lo = 0;
    let hi = this.q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.q[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    this.q.splice(lo, 0, t);
  }

  peek(): Timer | undefined {
    return this.q[0];
  }

  shift(): Timer | undefined {
    return this.q.shift();
  }
}
