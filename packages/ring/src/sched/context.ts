// Where model code runs: on which CPU and in which kind of context. The kernel keeps this in
// the per-CPU preempt count (include/linux/preempt.h); the model keeps a stack of frames, one
// per piece of work that is running, so nested work (an interrupt arriving while a worker runs)
// sees its own context and the interrupted code gets its own back when it returns.

import { badArg, misuse } from './misuse.js';

/**
 * Process context is 'task' (the task that owns the ring, on its CPU), 'iowq' (an io-wq worker
 * thread, PF_IO_WORKER) or 'kworker' (a workqueue thread, such as the ring's exit work on
 * iou_wq: not an io-wq worker); interrupt context is 'hardirq' (device completions) or
 * 'softirq' (timers, RCU callbacks).
 */
export type ExecContext = 'task' | 'iowq' | 'kworker' | 'hardirq' | 'softirq';

export const EXEC_CONTEXTS: readonly ExecContext[] = ['task', 'iowq', 'kworker', 'hardirq', 'softirq'];

/**
 * Holder of an RCU read-side nesting count. The task has one that lives as long as the task
 * (current->rcu_read_lock_nesting under CONFIG_PREEMPT_RCU); every other piece of work has its
 * own, which must be back at zero when the work returns.
 */
export interface ReaderOwner {
  readers: number;
}

interface Frame {
  readonly context: ExecContext;
  /** undefined: the task's CPU, wherever the task is now. */
  readonly cpu: number | undefined;
  readonly owner: ReaderOwner;
  /** Whether this frame created its owner (and so must leave it balanced). */
  readonly ownsReaders: boolean;
}

export function checkContext(context: unknown): ExecContext {
  if (!EXEC_CONTEXTS.includes(context as ExecContext)) throw badArg(`unknown execution context ${String(context)}`);
  return context as ExecContext;
}

export class ContextStack {
  private readonly frames: Frame[] = [];
  private taskCpu_ = 0;
  /** The task's own RCU nesting count (code at the bottom of the stack is the task's). */
  readonly task: ReaderOwner = { readers: 0 };

  constructor(
    readonly nrCpus: number,
    /** Told how many read-side sections vanished with a frame that returned holding them. */
    private readonly onDroppedReaders: (n: number) => void,
  ) {}

  private get top(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  get context(): ExecContext {
    return this.top?.context ?? 'task';
  }

  get cpu(): number {
    return this.top?.cpu ?? this.taskCpu_;
  }

  get taskCpu(): number {
    return this.taskCpu_;
  }

  get owner(): ReaderOwner {
    return this.top?.owner ?? this.task;
  }

  checkCpu(cpu: unknown): number {
    if (typeof cpu !== 'number' || !Number.isInteger(cpu) || cpu < 0 || cpu >= this.nrCpus) {
      throw badArg(`no CPU ${String(cpu)} (nr_cpus ${this.nrCpus})`);
    }
    return cpu;
  }

  /** sched_setaffinity() to one CPU: task-context code runs there from now on. */
  migrateTask(cpu: number): void {
    this.taskCpu_ = this.checkCpu(cpu);
  }

  /** Runs fn in `context` on `cpu` (task context only on the task's CPU). */
  run<T>(context: ExecContext, cpu: number, fn: () => T): T {
    checkContext(context);
    this.checkCpu(cpu);
    if (context === 'task') {
      if (cpu !== this.taskCpu_) throw misuse(`task context runs on the task's CPU ${this.taskCpu_}, not ${cpu}`);
      return this.enter({ context, cpu: undefined, owner: this.task, ownsReaders: false }, fn);
    }
    return this.enter({ context, cpu, owner: { readers: 0 }, ownsReaders: true }, fn);
  }

  /** Runs fn in the current context as if on another CPU, sharing the current RCU nesting. */
  onCpu<T>(cpu: number, fn: () => T): T {
    this.checkCpu(cpu);
    return this.enter({ context: this.context, cpu, owner: this.owner, ownsReaders: false }, fn);
  }

  private enter<T>(frame: Frame, fn: () => T): T {
    this.frames.push(frame);
    let returned = false;
    try {
      const v = fn();
      returned = true;
      return v;
    } finally {
      this.frames.pop();
      const left = frame.ownsReaders ? frame.owner.readers : 0;
      if (left > 0) {
        frame.owner.readers = 0;
        this.onDroppedReaders(left);
        // A throw already on its way out says more than the imbalance it caused.
        if (returned) throw misuse(`${frame.context} work on CPU ${frame.cpu} returned holding ${left} rcu_read_lock()`);
      }
    }
  }
}
