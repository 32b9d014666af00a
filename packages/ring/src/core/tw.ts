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

/** IORING_SQ_TASKRUN mirrors whether a DEFER_TASKRUN ring has local work pending. */
export function updateTaskrunFlag(ctx: RingCtx): void {
  if (!(ctx.flags & S.TASKRUN_FLAG)) return;
  ctx.sqFlags = ctx.localWork.length ? ctx.sqFlags | IORING_SQ.TASKRUN : ctx.sqFlags & ~IORING_SQ.TASKRUN;
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
    ctx.localWork.push(fn);
    updateTaskrunFlag(ctx);
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
