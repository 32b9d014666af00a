// DEFINE_PER_CPU(): one slot per CPU, reached through the CPU the code is running on.

import { badArg } from './misuse.js';
import type { Scheduler } from './scheduler.js';

export class PerCpu<T> {
  private readonly slots: T[];
  constructor(private readonly sched: Scheduler, init: (cpu: number) => T) {
    this.slots = Array.from({ length: sched.nrCpus }, (_, i) => init(i));
  }
  /** this_cpu_ptr() */
  get this_cpu(): T {
    return this.slots[this.sched.cpu]!;
  }
  /** per_cpu_ptr() */
  on(cpu: number): T {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.slots.length) throw badArg(`no CPU ${cpu} (nr_cpus ${this.slots.length})`);
    return this.slots[cpu]!;
  }
  all(): readonly T[] {
    return this.slots;
  }
}
