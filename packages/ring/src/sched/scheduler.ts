// The models' world: a virtual clock in nanoseconds, timers, io-wq workers, RCU, and the
// context (CPU and kind) every piece of work runs in. Nothing here reads the wall clock; every
// choice the kernel leaves to timing is drawn from a seeded PRNG.

import { TIME_CONSTANTS } from '../cost.js';
import { ContextStack, checkContext, type ExecContext } from './context.js';
import { badArg, misuse } from './misuse.js';
import { Rcu } from './rcu.js';
import { Rng } from './rng.js';
import { TimerQueue, type Work } from './timers.js';

export interface SchedulerOptions {
  seed?: number;
  nrCpus?: number;
  /** Virtual length of an RCU grace period; default TIME_CONSTANTS.rcu_grace_period_ns. */
  gracePeriodNs?: number;
}

export interface TimerOptions {
  /** Default 'softirq' (a timer); device completions pass 'hardirq'. */
  context?: ExecContext;
  /** Default: the task's CPU when the timer is armed. */
  cpu?: number;
}

/** Work items one settle() or runUntil() may run without the clock moving before it calls it a livelock. */
const MAX_STEPS_PER_INSTANT = 1_000_000;

export class Scheduler {
  readonly rng: Rng;
  readonly nrCpus: number;
  /** Virtual duration of one RCU grace period. */
  readonly gracePeriodNs: number;
  private now_ = 0;
  private readonly timers = new TimerQueue();
  private iowq: { fn: Work; context: 'iowq' | 'kworker' }[] = [];
  private readonly ctx: ContextStack;
  private readonly rcu: Rcu;

  constructor(opts: SchedulerOptions = {}) {
    const nrCpus = opts.nrCpus ?? 2;
    if (!Number.isInteger(nrCpus) || nrCpus < 1) throw badArg(`nrCpus must be a positive integer, not ${nrCpus}`);
    const gp = opts.gracePeriodNs ?? TIME_CONSTANTS.rcu_grace_period_ns.ns;
    if (!Number.isFinite(gp) || gp <= 0) throw badArg(`gracePeriodNs must be positive, not ${gp}`);
    this.rng = new Rng(opts.seed ?? 1);
    this.nrCpus = nrCpus;
    this.gracePeriodNs = gp;
    this.ctx = new ContextStack(nrCpus, (n) => this.rcu.readersLeft(n));
    this.rcu = new Rcu(this, gp);
  }

  // ---- the clock ----

  /** Virtual time in nanoseconds. It only moves forward. */
  get now(): number {
    return this.now_;
  }

  set now(ns: number) {
    if (!(ns >= this.now_)) throw misuse(`virtual time cannot go back from ${this.now_} to ${ns}`);
    this.now_ = ns;
  }

  // ---- where code runs ----

  /** CPU the running code is on. */
  get cpu(): number {
    return this.ctx.cpu;
  }

  /** Kind of context the running code is in. */
  get context(): ExecContext {
    return this.ctx.context;
  }

  /** CPU the task runs on (task-context code runs there). */
  get taskCpu(): number {
    return this.ctx.taskCpu;
  }

  /** in_interrupt() */
  inInterrupt(): boolean {
    const c = this.ctx.context;
    return c === 'hardirq' || c === 'softirq';
  }

  /** in_task(): process context, the task's or an io-wq worker's. */
  inTask(): boolean {
    return !this.inInterrupt();
  }

  /** sched_setaffinity() to one CPU: the task runs on `cpu` from now on. */
  migrateTask(cpu: number): void {
    if (this.inInterrupt()) throw misuse(`sched_setaffinity() from ${this.context} context`);
    this.ctx.migrateTask(cpu);
  }

  /** Runs fn now in `context` on `cpu`, then restores the caller's context and CPU. */
  runIn<T>(context: ExecContext, cpu: number, fn: () => T): T {
    return this.ctx.run(context, cpu, fn);
  }

  /** Runs fn in the current context as if on another CPU, restoring the current one afterwards. */
  onCpu<T>(cpu: number, fn: () => T): T {
    return this.ctx.onCpu(cpu, fn);
  }

  // ---- deferred work ----

  /**
   * Runs fn at now + delayNs (timers with equal deadlines run in the order they were set), by
   * default in softirq context on the task's CPU (hrtimer_start()).
   */
  after(delayNs: number, fn: Work, opts: TimerOptions = {}): void {
    if (!Number.isFinite(delayNs)) throw badArg(`timer delay must be finite, not ${delayNs}`);
    const context = checkContext(opts.context ?? 'softirq');
    let cpu: number | undefined;
    if (context === 'task') {
      if (opts.cpu !== undefined && opts.cpu !== this.taskCpu) throw misuse(`task context runs on the task's CPU ${this.taskCpu}, not ${opts.cpu}`);
    } else {
      cpu = this.ctx.checkCpu(opts.cpu ?? this.taskCpu);
    }
    this.timers.add(this.now_ + Math.max(0, delayNs), fn, context, cpu);
  }

  /**
   * Queues work for an io-wq worker (io_wq_enqueue()). It runs at the next settle, in 'iowq'
   * context on a CPU other than the task's (when there is one), drawn from the PRNG; 'kworker'
   * work (queue_work() on a workqueue) runs the same way but is not an io-wq worker.
   */
  punt(fn: Work, context: 'iowq' | 'kworker' = 'iowq'): void {
    this.iowq.push({ fn, context });
  }

  get pendingWorkers(): number {
    return this.iowq.length;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  // ---- RCU ----

  /** Completed RCU grace periods, for tests and cost reports. */
  get gracePeriods(): number {
    return this.rcu.gracePeriods;
  }

  /** RCU callbacks queued and not yet invoked. */
  get pendingRcuCallbacks(): number {
    return this.rcu.pending;
  }

  /** Earliest end of the grace period in progress; undefined when none is. */
  get gracePeriodEndsAt(): number | undefined {
    return this.rcu.gracePeriodEndsAt;
  }

  /** call_rcu(): fn runs in softirq context on this CPU once a grace period has elapsed. */
  callRcu(fn: Work): void {
    this.rcu.call(fn);
  }

  /** rcu_read_lock() */
  rcuReadLock(): void {
    this.ctx.owner.readers++;
    this.rcu.readerEntered();
  }

  /** rcu_read_unlock() */
  rcuReadUnlock(): void {
    const owner = this.ctx.owner;
    if (owner.readers === 0) throw misuse(`rcu_read_unlock() without rcu_read_lock() in ${this.context} context`);
    owner.readers--;
    this.rcu.readersLeft(1);
  }

  /**
   * synchronize_rcu(): sleeps, letting the world run, until a full grace period has elapsed
   * (wait_rcu_gp(): it queues a callback of its own and waits for it). Returns the virtual ns slept.
   */
  synchronizeRcu(): number {
    this.mustSleepOk('synchronize_rcu()');
    let woken = false;
    this.rcu.call(() => {
      woken = true;
    });
    return this.sleepUntil('synchronize_rcu()', () => woken);
  }

  /** rcu_barrier(): sleeps until every callback queued so far has run. Returns the virtual ns slept. */
  rcuBarrier(): number {
    this.mustSleepOk('rcu_barrier()');
    const target = this.rcu.queued;
    return this.sleepUntil('rcu_barrier()', () => this.rcu.invoked >= target);
  }

  private mustSleepOk(what: string): void {
    if (this.inInterrupt()) throw misuse(`${what} sleeps: not allowed in ${this.context} context`);
    // An open reader would hold the grace period forever: nothing can close it while we wait.
    if (this.rcu.openReaders > 0) throw misuse(`${what} inside an RCU read-side section would deadlock`);
  }

  private sleepUntil(what: string, cond: () => boolean): number {
    const ns = this.runUntil(cond);
    if (ns === undefined) throw misuse(`${what} never returned: nothing left to run`);
    return ns;
  }

  // ---- running the world ----

  /**
   * Runs io-wq work and the timers that are due, until nothing is runnable without the clock
   * moving. Timers in the future (RCU grace periods among them) stay queued. Whether anything ran.
   */
  settle(): boolean {
    let ran = false;
    let steps = 0;
    while (this.step(this.now_)) {
      ran = true;
      if (++steps > MAX_STEPS_PER_INSTANT) throw misuse(`settle(): livelock, ${steps} work items at ${this.now_} ns`);
    }
    return ran;
  }

  /** Advances the clock to the next timer and runs it; false when no timer is pending or it lies past `limit`. */
  advance(limit = Infinity): boolean {
    const t = this.timers.peek();
    if (!t || t.at > limit) return false;
    this.now_ = Math.max(this.now_, t.at);
    this.settle();
    return true;
  }

  /**
   * Lets the world run — io-wq work, then timers in deadline order, moving the clock to each —
   * until cond() holds, and returns the virtual ns that took. Undefined when nothing is left
   * that could make cond() true, or limitNs passes first (the clock then stands at the limit).
   */
  runUntil(cond: () => boolean, limitNs = Infinity): number | undefined {
    if (!(limitNs >= 0)) throw badArg(`runUntil() limit must be >= 0, not ${limitNs}`);
    const start = this.now_;
    const limit = start + limitNs;
    let steps = 0;
    let instant = start;
    for (;;) {
      if (cond()) return this.now_ - start;
      if (!this.step(limit)) {
        if (limit !== Infinity) this.now_ = Math.max(this.now_, limit);
        return undefined;
      }
      if (this.now_ !== instant) {
        instant = this.now_;
        steps = 0;
      } else if (++steps > MAX_STEPS_PER_INSTANT) {
        throw misuse(`runUntil(): livelock, ${steps} work items at ${this.now_} ns`);
      }
    }
  }

  /** Runs one piece of work: io-wq first, else the first timer due by `limit`. Whether one ran. */
  private step(limit: number): boolean {
    const w = this.iowq.shift();
    if (w) {
      this.runIn(w.context, this.workerCpu(), w.fn);
      return true;
    }
    const t = this.timers.peek();
    if (!t || t.at > limit) return false;
    this.timers.shift();
    this.now_ = Math.max(this.now_, t.at);
    this.runIn(t.context, t.cpu ?? this.taskCpu, t.fn);
    return true;
  }

  /** io-wq worker's CPU: one of the others, counted on from the task's. */
  private workerCpu(): number {
    const n = this.nrCpus;
    return (this.taskCpu + 1 + this.rng.below(Math.max(1, n - 1))) % n;
  }
}
