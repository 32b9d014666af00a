// RCU grace periods in virtual time (after kernel/rcu/tree.c and include/linux/rcu_segcblist.h).
//
// A grace period starts when a callback is queued and none is in progress, and ends
// gracePeriodNs later, unless a read-side section is still open then: it ends once the last one
// closes, on the next tick of the virtual clock. Callbacks queued while a grace period runs
// (after the instant it began) belong to the next one. At the end, the callbacks it covered run in softirq context, each on
// the CPU that queued it, and the next grace period starts at once if callbacks wait for it.

import type { ExecContext } from './context.js';
import { misuse } from './misuse.js';
import type { Work } from './timers.js';

/** What RCU needs from the scheduler. */
export interface RcuHost {
  readonly now: number;
  readonly cpu: number;
  after(delayNs: number, fn: Work, opts: { context: ExecContext; cpu: number }): void;
  runIn(context: ExecContext, cpu: number, fn: Work): void;
}

interface Callback {
  readonly fn: Work;
  /** CPU whose callback list it went on (the caller's). */
  readonly cpu: number;
}

/**
 * Delay between the last rcu_read_unlock() of a grace period that is overdue and its end: the
 * smallest step of the virtual clock, so the end is never seen without time moving.
 */
const QS_REPORT_DELAY_NS = 1;

export class Rcu {
  /** Completed grace periods. */
  gracePeriods = 0;
  /** Callbacks ever queued, and how many of them have been invoked. */
  queued = 0;
  invoked = 0;
  private readers = 0;
  private inProgress = false;
  /** The grace period ran its time but a reader was open: it ends when the last one closes. */
  private overdue = false;
  private startedAt = 0;
  private endsAt = 0;
  // The segments of struct rcu_segcblist the model needs.
  /** RCU_WAIT_TAIL: callbacks the current grace period covers. */
  private wait: Callback[] = [];
  /** RCU_NEXT_TAIL: callbacks queued during it, for the next one. */
  private next: Callback[] = [];
  /** RCU_DONE_TAIL: their grace period is over; waiting to be invoked. */
  private done: Callback[] = [];
  private invoking = false;

  constructor(
    private readonly host: RcuHost,
    readonly gracePeriodNs: number,
  ) {}

  /** Read-side sections open anywhere. */
  get openReaders(): number {
    return this.readers;
  }

  /** Callbacks queued and not yet invoked. */
  get pending(): number {
    return this.queued - this.invoked;
  }

  /** When the grace period in progress ends at the earliest; undefined when none is. */
  get gracePeriodEndsAt(): number | undefined {
    return this.inProgress ? this.endsAt : undefined;
  }

  /** call_rcu() */
  call(fn: Work): void {
    const cb: Callback = { fn, cpu: this.host.cpu };
    this.queued++;
    if (!this.inProgress) {
      this.wait.push(cb);
      this.startGp();
    } else if (this.host.now === this.startedAt) {
      // Queued at the very instant the grace period began: before rcu_gp_init() could have
      // run, so it still belongs to that one (rcu_accelerate_cbs()).
      this.wait.push(cb);
    } else {
      this.next.push(cb);
    }
  }

  /** __rcu_read_lock() */
  readerEntered(): void {
    this.readers++;
  }

  /** __rcu_read_unlock(), or readers lost with work that returned holding them. */
  readersLeft(n: number): void {
    if (n > this.readers) throw misuse(`${n} RCU readers left but only ${this.readers} were open`);
    this.readers -= n;
    if (this.readers === 0 && this.overdue) {
      // rcu_read_unlock_special(): the deferred quiescent state is reported; the grace period
      // machinery notices it on the next step of the clock.
      this.overdue = false;
      const gp = this.gracePeriods;
      this.host.after(QS_REPORT_DELAY_NS, () => this.tryEnd(gp), { context: 'softirq', cpu: this.host.cpu });
    }
  }

  /** rcu_gp_init(): a grace period starts now. */
  private startGp(): void {
    this.inProgress = true;
    this.startedAt = this.host.now;
    this.endsAt = this.startedAt + this.gracePeriodNs;
    const gp = this.gracePeriods;
    this.host.after(this.gracePeriodNs, () => this.tryEnd(gp), { context: 'softirq', cpu: this.host.cpu });
  }

  /** rcu_gp_fqs_loop(): the grace period ends only once every reader has left. */
  private tryEnd(gp: number): void {
    if (!this.inProgress || gp !== this.gracePeriods) return;
    if (this.readers > 0) {
      this.overdue = true;
      return;
    }
    this.endGp();
  }

  /** rcu_gp_cleanup(), then rcu_advance_cbs(): the segments move up one. */
  private endGp(): void {
    this.inProgress = false;
    this.gracePeriods++;
    this.done.push(...this.wait);
    this.wait = this.next;
    this.next = [];
    if (this.wait.length > 0) this.startGp();
    this.invokeDone();
  }

  /** rcu_do_batch(): invokes every callback whose grace period is over, in queueing order. */
  private invokeDone(): void {
    if (this.invoking) return;
    this.invoking = true;
    try {
      for (let cb = this.done.shift(); cb; cb = this.done.shift()) {
        this.invoked++;
        this.host.runIn('softirq', cb.cpu, cb.fn);
      }
    } finally {
      this.invoking = false;
      // A callback threw: the rest still run, from a later softirq.
      if (this.done.length > 0) this.host.after(0, () => this.invokeDone(), { context: 'softirq', cpu: this.host.cpu });
    }
  }
}
