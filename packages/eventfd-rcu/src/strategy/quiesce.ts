// The pre-seed design (up to 5.17): IORING_REGISTER_EVENTFD and UNREGISTER_EVENTFD were among
// the opcodes io_register_op_must_quiesce() said yes to. io_ctx_quiesce() killed ctx->refs
// (percpu_ref_kill(): the switch to atomic mode completes after an RCU grace period) and slept
// until every request holding a reference was gone, running task work as it woke; the opcode ran
// on an idle ring, then percpu_ref_reinit() brought the ring back. Model only: no kernel the
// testbed boots does this, and the cost depends on how long the slowest request in flight takes.

import { ERRNO, WATCHDOG_NS, counter, runLocalWorkSig, type RingCtx } from '@uringlab/ring/extend';
import type { EventfdStrategy } from './types.js';

const C_REF_KILL = counter('atomic', 'percpu_ref_kill');
const C_REF_REINIT = counter('atomic', 'percpu_ref_reinit');
const C_WAKEUP = counter('event', 'quiesce_wakeup');

/** What the last quiesce of a ring waited for (tests and the benchmark read it). */
export interface QuiesceReport {
  waitedNs: number;
  inflightAtStart: number;
  interrupted: boolean;
}

const LAST = new WeakMap<RingCtx, QuiesceReport>();

export function lastQuiesce(ctx: RingCtx): QuiesceReport | undefined {
  return LAST.get(ctx);
}

/** io_ctx_quiesce(): 0 once ctx->refs dropped to zero, -EINTR if the sleep was interrupted. */
function ctxQuiesce(ctx: RingCtx): number {
  const k = ctx.kernel;
  const sched = k.sched;
  const start = sched.now;
  const inflightAtStart = ctx.inflight;
  // percpu_ref_kill(): the per-CPU counts fold into the atomic one in an RCU callback; only then
  // can the count reach zero and complete ctx->ref_comp.
  k.costs.add(C_REF_KILL, sched.nrCpus);
  let atomicMode = false;
  sched.callRcu(() => {
    atomicMode = true;
  });
  const done = () => atomicMode && ctx.inflight === 0;
  const deadline = start + WATCHDOG_NS;
  // wait_for_completion_interruptible(): task work wakes the sleeper (TWA_SIGNAL), it runs it
  // (io_run_task_work_sig(), local work too on DEFER_TASKRUN rings) and sleeps again.
  for (;;) {
    k.task.run();
    if (ctx.deferTaskrun) runLocalWorkSig(ctx);
    if (done()) break;
    if (sched.now >= deadline) {
      // Interrupted: percpu_ref_resurrect(), and the register call fails.
      LAST.set(ctx, { waitedNs: sched.now - start, inflightAtStart, interrupted: true });
      return -ERRNO.EINTR;
    }
    k.costs.add(C_WAKEUP);
    if (!sched.settle() && !sched.advance(deadline)) sched.now = deadline;
  }
  LAST.set(ctx, { waitedNs: sched.now - start, inflightAtStart, interrupted: false });
  return 0;
}

export const QUIESCE_STRATEGY: EventfdStrategy = Object.freeze({
  name: 'quiesce',
  summary: 'up to 5.17: kill ctx->refs and sleep until every request in flight is gone (model only)',
  before: ctxQuiesce,
  after(ctx: RingCtx) {
    ctx.kernel.costs.add(C_REF_REINIT, ctx.kernel.sched.nrCpus);
  },
  // The ring was idle, so nothing can be signalling: free at once.
  release: (_host, free) => free(),
  rcuReaders: false,
} satisfies EventfdStrategy);
