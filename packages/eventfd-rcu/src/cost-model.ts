// The stated cost model: what a register/unregister and a signal cost under each design. CPU work
// is priced from the counters the model bumps (the core's DEFAULT_COST_MODEL plus the prices
// below, all assumed); waiting is virtual time the model really spends (an RCU grace period,
// requests in flight completing). The testbed measures the RCU side on real kernels.

import { DEFAULT_COST_MODEL, TIME_CONSTANTS, type CostModel } from '@uringlab/ring/extend';

/** Prices (ns) for the counters this package adds; kinds not listed use the core's defaults. */
export const EVENTFD_COST_MODEL: CostModel = {
  // call_rcu(): queue an rcu_head on this CPU's segmented list, irqs off.
  'event:call_rcu': 40,
  // eventfd_signal_mask(): irq save/restore, the count, the wake-up call itself (waiters apart).
  'event:eventfd_signal': 30,
  // A sleep and a wake-up of the registering task (two context switches).
  'event:quiesce_wakeup': 1500,
};

export const COST_NOTES: readonly string[] = [
  `CPU work is priced from counters: syscall ${DEFAULT_COST_MODEL.syscall} ns, lock ${DEFAULT_COST_MODEL.lock} ns, ` +
    `atomic ${DEFAULT_COST_MODEL.atomic} ns, kmalloc ${DEFAULT_COST_MODEL.alloc} ns, kfree ${DEFAULT_COST_MODEL.free} ns (core defaults), ` +
    `call_rcu ${EVENTFD_COST_MODEL['event:call_rcu']} ns, eventfd_signal ${EVENTFD_COST_MODEL['event:eventfd_signal']} ns, ` +
    `a sleep/wake cycle ${EVENTFD_COST_MODEL['event:quiesce_wakeup']} ns: all assumed, rough x86 figures.`,
  `Waiting is virtual time: an RCU grace period is ${TIME_CONSTANTS.rcu_grace_period_ns.ns / 1e6} ms ` +
    `(${TIME_CONSTANTS.rcu_grace_period_ns.source}: idle 2-CPU machine, HZ=250), and requests in flight complete when their devices say.`,
  'quiesce = max(one grace period for percpu_ref_kill(), until the last request in flight completes) + the wake-ups + CPU work; ' +
    'RCU = CPU work only: it never waits.',
];

export interface QuiesceLoad {
  /** Requests in flight when the register call starts. */
  inflight: number;
  /** The longest time one of them still needs to complete, ns (0 when none is in flight). */
  maxRemainingNs: number;
  /** RCU grace period, ns (default: the core's assumed constant). */
  gracePeriodNs?: number;
}

/**
 * The closed form of the quiesce wait (no CPU work): the switch to atomic mode needs one grace
 * period, and the count can only reach zero once the last request is gone. Infinity when a
 * request will never complete on its own.
 */
export function quiesceWaitNs(load: QuiesceLoad): number {
  const gp = load.gracePeriodNs ?? TIME_CONSTANTS.rcu_grace_period_ns.ns;
  return Math.max(gp, load.inflight > 0 ? load.maxRemainingNs : 0);
}
