// io_uring_try_cancel_requests() (io_uring/cancel.c) for a ring that is going away: tctx NULL,
// cancel_all, called from the exit work. One pass over everything the ring keeps in flight that
// can be cancelled; what cannot be (device I/O in progress) finishes on its own.

import { ERRNO } from '../uapi/errno.js';
import { IORING_SETUP } from '../uapi/constants.js';
import type { RingCtx } from './ctx.js';
import { reqTaskQueueFail } from './complete.js';
import { linkedNr } from './drain.js';
import { iowqCancelCtx } from './io-wq.js';
import { pollRemoveAll } from './poll.js';
import { iopollReapAll } from './iopoll.js';
import { killTimeouts } from './timeout.js';

/** Whether the pass found anything to cancel (the exit work repeats it until it finds nothing). */
export function tryCancelRequests(ctx: RingCtx): boolean {
  let ret = false;
  // io_uring_try_cancel_iowq()
  if (iowqCancelCtx(ctx)) ret = true;
  // IOPOLL without SQPOLL (the SQ thread polls for itself): nobody else will poll for what is
  // still in flight, so io_iopoll_try_reap_events() reaps it, waiting for the device.
  if (!(ctx.flags & IORING_SETUP.SQPOLL) && ctx.iopollList.length) {
    iopollReapAll(ctx);
    ret = true;
  }
  // DEFER_TASKRUN: local work is not run here, since the exit work is not the submitter task
  // (io_allowed_defer_tw_run()); it moves that work instead.
  if (cancelDeferFiles(ctx)) ret = true;
  if (pollRemoveAll(ctx)) ret = true;
  // io_waitid_remove_all(), io_futex_remove_all(), io_uring_try_cancel_uring_cmd(): what the
  // extensions keep in flight.
  ctx.kernel.hooks.ringCancel(ctx);
  if (killTimeouts(ctx)) ret = true;
  return ret;
}

/** io_cancel_defer_files(): drained requests still on the defer list fail with -ECANCELED. */
function cancelDeferFiles(ctx: RingCtx): boolean {
  if (ctx.deferList.length === 0) return false;
  for (const req of ctx.deferList.splice(0)) {
    ctx.nrDrained -= linkedNr(req);
    reqTaskQueueFail(req, -ERRNO.ECANCELED);
  }
  return true;
}
