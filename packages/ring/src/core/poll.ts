// io_arm_poll_handler() (io_uring/poll.c), for requests that got -EAGAIN on a pollable file:
// wait for readiness, then retry the issue from task context. Armed requests sit in the ring's
// cancel table, where io_poll_remove_all() finds them when the ring goes away.

import { ERRNO } from '../uapi/errno.js';
import { counter } from '../cost.js';
import { REQ_F, type Req } from './req.js';
import type { RingCtx } from './ctx.js';
import { TWQ, taskWorkAdd } from './tw.js';
import { reqDeferFailed } from './complete.js';

export const APOLL = { OK: 0, ABORTED: 1, READY: 2 } as const;
export type ApollResult = (typeof APOLL)[keyof typeof APOLL];

/** What req->poll_refs says about an armed request: cancelled (IO_POLL_CANCEL_FLAG), task_work queued (owned). */
export interface ApollState {
  cancelled: boolean;
  queued: boolean;
}

const C_APOLL = counter('alloc', 'apoll_cache:async_poll');

export function armPollHandler(req: Req): ApollResult {
  const ctx = req.ctx;
  const def = ctx.kernel.opdef(req.opcode);
  const file = req.file;
  if (!file || !file.pollable || !(def.pollin || def.pollout)) return APOLL.ABORTED;
  const dir = def.pollin ? 'in' : 'out';
  if (file.ready(dir)) return APOLL.READY;
  ctx.kernel.costs.add(C_APOLL);
  req.flags |= REQ_F.POLLED;
  const st: ApollState = { cancelled: false, queued: false };
  // io_poll_req_insert()
  ctx.cancelTable.set(req, st);
  // __io_queue_proc(): add_wait_queue() puts the entry at the head, so the newest poll wakes first.
  req.pollCancel = file.waitOnce(dir, () => {
    req.pollCancel = null;
    // io_poll_wake() -> __io_poll_execute(), task_work queued from the waitqueue (IOU_F_TWQ_IN_WAKE)
    pollExecute(req, st, TWQ.IN_WAKE);
  }, { head: true });
  return APOLL.OK;
}

/** io_poll_execute(): the first to take ownership queues the task_work; later kicks find it queued. */
function pollExecute(req: Req, st: ApollState, twqFlags = 0): void {
  if (st.queued) return;
  st.queued = true;
  taskWorkAdd(req.ctx, () => apollTaskFunc(req, st), twqFlags);
}

/** io_apoll_task_func(): reissue the request, unless it was cancelled or its ring is dying. */
function apollTaskFunc(req: Req, st: ApollState): void {
  const ctx = req.ctx;
  // io_poll_check_events(): io_should_terminate_tw() or IO_POLL_CANCEL_FLAG.
  const cancelled = ctx.dead || st.cancelled;
  // io_poll_remove_entries(), io_poll_tw_hash_eject()
  req.pollCancel?.();
  req.pollCancel = null;
  if (ctx.cancelTable.get(req) === st) ctx.cancelTable.delete(req);
  if (cancelled) reqDeferFailed(req, -ERRNO.ECANCELED);
  else ctx.kernel.taskSubmit(req);
}

/**
 * io_poll_remove_all(): every armed request of the ring leaves the cancel table, is marked
 * cancelled (io_poll_cancel_req()) and completes with -ECANCELED from its task_work. Whether any
 * was found.
 */
export function pollRemoveAll(ctx: RingCtx): boolean {
  if (ctx.cancelTable.size === 0) return false;
  for (const [req, st] of [...ctx.cancelTable]) {
    ctx.cancelTable.delete(req);
    st.cancelled = true;
    pollExecute(req, st);
  }
  return true;
}
