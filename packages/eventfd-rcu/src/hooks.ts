// Where io_uring signals the eventfd: after a CQ commit (__io_commit_cqring_flush(), the CQE
// path) and when a DEFER_TASKRUN ring's local work list goes from empty to non-empty
// (io_req_local_work_add(), the task-work path). Both are gated on IO_RING_F_HAS_EVFD. The ring's
// teardown unregisters (io_ring_ctx_free()).

import { TWQ, type RingCtx } from '@uringlab/ring/extend';
import { eventfdSignal, eventfdUnregister } from './evfd.js';
import { EVFD, configOf, evfdRing } from './state.js';

/** __io_commit_cqring_flush() */
export function onCqCommit(ctx: RingCtx): void {
  if (ctx.hasState(EVFD) && evfdRing(ctx).hasEvfd) eventfdSignal(ctx, true, false);
}

/**
 * io_req_local_work_add(): only the push that found the list empty signals (mpscq_push() /
 * llist's `!head`). 7.3 defers it when queued from a wakeup (IOU_F_TWQ_IN_WAKE).
 */
export function onLocalWorkQueued(ctx: RingCtx, twqFlags: number): void {
  if (ctx.localWork.length !== 1) return;
  if (!ctx.hasState(EVFD) || !evfdRing(ctx).hasEvfd) return;
  const defer = configOf(ctx.kernel).knobs.deferInWake && (twqFlags & TWQ.IN_WAKE) !== 0;
  eventfdSignal(ctx, false, defer);
}

/** io_ring_ctx_free() -> io_eventfd_unregister() */
export function onRingFree(ctx: RingCtx): void {
  if (ctx.hasState(EVFD)) eventfdUnregister(ctx);
}
