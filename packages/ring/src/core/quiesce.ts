// Ring quiesce, the design io_uring used for register operations before RCU and resource nodes
// (io_ctx_quiesce(): percpu_ref_kill(&ctx->refs), then wait_for_completion(&ctx->ref_comp) while
// running the task's task_work, then percpu_ref_resurrect()). The model waits in virtual time
// until the ring has no request in flight. The refs are not left dying, so the ring's task_work
// keeps running normally (the old kernels' tw did not look at the refs either).

import { UringError } from '../errors.js';
import type { RingCtx } from './ctx.js';
import { runLocalWorkSig } from './tw-run.js';
import { WATCHDOG_NS } from './enter.js';

/**
 * Runs the simulated system until `ctx` has no request in flight; returns the virtual
 * nanoseconds that took. The quiescing task is the ring's submitter, so it runs its own
 * task_work and the ring's local work while it waits. Throws STALLED when nothing the model can
 * run within `limitNs` (by default the testbed runner's watchdog) brings the count to zero: a
 * kernel would sleep there until a signal.
 */
export function quiesceRing(ctx: RingCtx, limitNs: number = WATCHDOG_NS): number {
  const k = ctx.kernel;
  const start = k.sched.now;
  const quiet = (): boolean => {
    if (!ctx.dead) runLocalWorkSig(ctx);
    k.task.run();
    return ctx.inflight === 0;
  };
  if (k.sched.runUntil(quiet, limitNs) === undefined) {
    throw new UringError(
      'STALLED',
      `ring fd ${ctx.fd} still has ${ctx.inflight} request(s) in flight after ${k.sched.now - start} ns, and nothing the model can run within ${limitNs} ns completes them`,
      { details: { inflight: ctx.inflight, waitedNs: k.sched.now - start } },
    );
  }
  return k.sched.now - start;
}
