// io_try_cancel() and __io_async_cancel() (io_uring/cancel.c): look for a request in io-wq,
// then among poll requests, then among timeouts. ASYNC_CANCEL (ops/cancel-op.ts) and an
// expiring LINK_TIMEOUT (core/link-timeout.ts) cancel through here.

import { ERRNO } from '../uapi/errno.js';
import { IORING_ASYNC_CANCEL as C } from '../uapi/constants.js';
import { IO_WQ_CANCEL, iowqCancelCb } from './io-wq.js';
import { pollCancel } from './poll.js';
import { timeoutCancel } from './timeout.js';
import { cancelReqMatch, type CancelData } from './cancel-match.js';

/** io_async_cancel_one(): io-wq's answer as 0, -EALREADY (a worker is inside it) or -ENOENT. */
export function asyncCancelOne(cd: CancelData): number {
  const all = (cd.flags & (C.ALL | C.ANY)) !== 0;
  switch (iowqCancelCb(cd.ctx, (req) => cancelReqMatch(req, cd), all)) {
    case IO_WQ_CANCEL.OK: return 0;
    case IO_WQ_CANCEL.RUNNING: return -ERRNO.EALREADY;
    default: return -ERRNO.ENOENT;
  }
}

/**
 * io_try_cancel(): 0 when something was cancelled, else an errno. io-wq's -EALREADY falls
 * through to the poll and timeout lookups (a poll may need unarming), whose -ENOENT then wins.
 */
export function tryCancel(cd: CancelData): number {
  if (asyncCancelOne(cd) === 0) return 0;
  const ret = pollCancel(cd.ctx, cd);
  if (ret !== -ERRNO.ENOENT) return ret;
  // io_waitid_cancel() and io_futex_cancel() find nothing: neither opcode is modelled.
  if (cd.flags & C.FD) return -ERRNO.ENOENT;
  return timeoutCancel(cd.ctx, (req) => cancelReqMatch(req, cd));
}

/**
 * __io_async_cancel(): with ALL or ANY, cancel until nothing matches and return how many; else
 * the first answer. What the task's own lookup misses is tried once more in io-wq (the slow
 * path over every task of the ring, here the one task), which sees workers still inside a call.
 */
export function asyncCancel(cd: CancelData): number {
  const all = (cd.flags & (C.ALL | C.ANY)) !== 0;
  let nr = 0;
  for (;;) {
    const ret = tryCancel(cd);
    if (ret === -ERRNO.ENOENT) break;
    if (!all) return ret;
    nr++;
  }
  const ret = asyncCancelOne(cd);
  if (ret !== -ERRNO.ENOENT && all) nr++;
  return all ? nr : ret;
}
