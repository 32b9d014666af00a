// Queueing task_work (io_uring/tw.c: io_req_task_work_add(), io_req_local_work_add(),
// io_req_normal_work_add()) and io_req_task_queue(). Running it lives in tw-run.ts, which needs
// the completion side; this half is a leaf so completion code can queue work without a cycle.

import { IORING_SETUP as S, IORING_SQ } from '../uapi/constants.js';
import { counter } from '../cost.js';
import type { RingCtx } from './ctx.js';
import type { Req } from './req.js';

const C_TW = counter('event', 'task_work');

/** IOU_F_TWQ_* (include/linux/io_uring_types.h): how task work is being queued. */
export const TWQ = { LAZY_WAKE: 1, IN_WAKE: 2 } as const;

/** io_local_work_pending(): anything on work_llist or retry_llist. */
export function localWorkPending(ctx: RingCtx): boolean {
  return ctx.localWork.length > 0 || ctx.retryWork.length > 0;
}

/**
 * io_ctx_mark_taskrun(): with TASKRUN_FLAG, raise IORING_SQ_TASKRUN. Only a run of the local
 * work (__io_run_local_work()) lowers it, and only once, at its start: it is a hint that work
 * was queued, not a mirror of the list (work queued while a run is under way raises it again).
 */
export function markTaskrun(ctx: RingCtx): void {
  if (ctx.flags & S.TASKRUN_FLAG) ctx.sqFlags |= IORING_SQ.TASKRUN;
}

/**
 * io_req_task_work_add(): DEFER_TASKRUN rings keep work on the ring (run only by the submitter
 * waiting on it); other rings hand it to the task, which runs it on its way back to user space.
 * `twqFlags` (TWQ.*) say how it is queued; the local-work hook sees them.
 */
export function taskWorkAdd(ctx: RingCtx, fn: () => void, twqFlags = 0): void {
  const k = ctx.kernel;
  k.costs.add(C_TW);
  if (ctx.deferTaskrun) {
    // io_req_local_work_add(): the push that finds work_llist empty (retry_llist does not
    // count) marks the ring and signals the eventfd (the hook).
    ctx.localWork.push(fn);
    if (ctx.localWork.length === 1) markTaskrun(ctx);
    k.hooks.localWorkQueued(ctx, twqFlags);
    // A closed ring's local work is no longer run by its submitter: the exit work moves it.
    ctx.exitWork?.kick();
  } else {
    k.task.add(ctx, fn);
  }
}

/** io_req_task_queue(): (re)issue from task context, through io_req_task_submit(). */
export function reqTaskQueue(req: Req, twqFlags = 0): void {
  const ctx = req.ctx;
  taskWorkAdd(ctx, () => ctx.kernel.taskSubmit(req), twqFlags);
}
