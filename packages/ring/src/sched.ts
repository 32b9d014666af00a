// Deterministic execution context for the models: a virtual clock, timers, the task's
// task_work list, io-wq workers, RCU grace periods and per-CPU state. Nothing here reads the
// wall clock; every choice that the kernel leaves to timing is taken from a seeded PRNG.

export type Work = () => void;

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: Work;
}

/** xorshift32: small, fast, and the same sequence on every platform. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** Integer in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }
}

export class Scheduler {
  /** Virtual time in nanoseconds. */
  now = 0;
  readonly rng: Rng;
  readonly nrCpus: number;
  /** CPU the current code runs on (task context starts on CPU 0). */
  cpu = 0;
  private timers: Timer[] = [];
  private timerSeq = 0;
  private iowq: Work[] = [];
  private rcuPending: Work[] = [];
  private rcuReaders = 0;
  /** Completed RCU grace periods, for tests and cost reports. */
  gracePeriods = 0;
  /** Virtual duration of one grace period. */
  readonly gracePeriodNs: number;

  constructor(opts: { seed?: number; nrCpus?: number; gracePeriodNs?: number } = {}) {
    this.rng = new Rng(opts.seed ?? 1);
    this.nrCpus = opts.nrCpus ?? 2;
    this.gracePeriodNs = opts.gracePeriodNs ?? 1_000_000;
  }

  /** Runs fn at now + delayNs (timers with equal deadlines run in the order they were set). */
  after(delayNs: number, fn: Work): void {
    const t: Timer = { at: this.now + Math.max(0, delayNs), seq: this.timerSeq++, fn };
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1]!.at > t.at || (this.timers[i - 1]!.at === t.at && this.timers[i - 1]!.seq > t.seq))) i--;
    this.timers.splice(i, 0, t);
  }

  /** Queues work for an io-wq worker (io_wq_enqueue). It runs on a worker's CPU at the next settle. */
  punt(fn: Work): void {
    this.iowq.push(fn);
  }

  get pendingWorkers(): number {
    return this.iowq.length;
  }

  /** call_rcu(): fn runs after the next grace period. */
  callRcu(fn: Work): void {
    this.rcuPending.push(fn);
  }

  rcuReadLock(): void {
    this.rcuReaders++;
  }

  rcuReadUnlock(): void {
    if (this.rcuReaders === 0) throw new Error('rcu_read_unlock without rcu_read_lock');
    this.rcuReaders--;
  }

  /** synchronize_rcu(): waits out a grace period in virtual time and runs pending callbacks. */
  synchronizeRcu(): void {
    if (this.rcuReaders > 0) throw new Error('synchronize_rcu inside an RCU read-side section would deadlock');
    this.now += this.gracePeriodNs;
    this.endGracePeriod();
  }

  /** Runs fn as if on another CPU, restoring the current one afterwards. */
  onCpu<T>(cpu: number, fn: () => T): T {
    const saved = this.cpu;
    this.cpu = cpu % this.nrCpus;
    try {
      return fn();
    } finally {
      this.cpu = saved;
    }
  }

  /**
   * Runs io-wq work, and RCU callbacks once no reader holds the read lock, until nothing is
   * runnable now. Timers in the future stay queued. Returns whether anything ran.
   */
  settle(): boolean {
    let ran = false;
    for (;;) {
      if (this.iowq.length > 0) {
        const fn = this.iowq.shift()!;
        this.onCpu(1 + this.rng.below(Math.max(1, this.nrCpus - 1)), fn);
        ran = true;
        continue;
      }
      if (this.timers.length > 0 && this.timers[0]!.at <= this.now) {
        this.timers.shift()!.fn();
        ran = true;
        continue;
      }
      if (this.rcuPending.length > 0 && this.rcuReaders === 0) {
        this.endGracePeriod();
        ran = true;
        continue;
      }
      return ran;
    }
  }

  /** Advances the clock to the next timer and runs it; false when no timer is pending or it lies past `limit`. */
  advance(limit = Infinity): boolean {
    const t = this.timers[0];
    if (!t || t.at > limit) return false;
    this.now = Math.max(this.now, t.at);
    this.settle();
    return true;
  }

  private endGracePeriod(): void {
    const cbs = this.rcuPending;
    this.rcuPending = [];
    this.gracePeriods++;
    for (const cb of cbs) cb();
  }
}

/** Per-CPU variable: one slot per CPU, accessed through the scheduler's current CPU. */
export class PerCpu<T> {
  private readonly slots: T[];
  constructor(private readonly sched: Scheduler, init: (cpu: number) => T) {
    this.slots = Array.from({ length: sched.nrCpus }, (_, i) => init(i));
  }
  get this_cpu(): T {
    return this.slots[this.sched.cpu]!;
  }
  on(cpu: number): T {
    return this.slots[cpu]!;
  }
  all(): readonly T[] {
    return this.slots;
  }
}
