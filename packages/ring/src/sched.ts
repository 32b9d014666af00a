// Deterministic execution environment for the models: virtual clock, timers, io-wq workers,
// execution contexts and CPUs, RCU grace periods, per-CPU state. See src/sched/.

export { Scheduler, type SchedulerOptions, type TimerOptions } from './sched/scheduler.js';
export { EXEC_CONTEXTS, type ExecContext } from './sched/context.js';
export { PerCpu } from './sched/percpu.js';
export { Rng } from './sched/rng.js';
export type { Work } from './sched/timers.js';
