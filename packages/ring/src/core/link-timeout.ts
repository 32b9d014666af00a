// Linked timeouts (io_uring/timeout.c, io_uring.c): a LINK_TIMEOUT after a request in a chain
// is armed when that request is issued; if its timer expires first, the request is cancelled
// by user_data (io_try_cancel()) and the timeout completes -ETIME; if the request finishes
// first, the completion side disarms it (timeout-state.ts) and it completes -ECANCELED.

import { ERRNO } from '../uapi/errno.js';
import { REQ_F, reqSetRes, type Req } from './req.js';
import { completeDefer } from './complete.js';
import { taskWorkAdd } from './tw.js';
import { TIMEOUTS, listDel, removeNextLinked, timeoutCmd } from './timeout-state.js';
import { cancelDataFor } from './cancel-match.js';
import { tryCancel } from './try-cancel.js';

/** __io_prep_linked_timeout(): the request now has an armed linked timeout; returns it. */
export function prepLinkedTimeout(req: Req): Req | null {
  req.flags &= ~REQ_F.ARM_LTIMEOUT;
  return req.link;
}

/** io_queue_linked_timeout(): start the timer, unless the request already finished. */
export function queueLinkedTimeout(lt: Req): void {
  const t = timeoutCmd(lt);
  if (!t.head) return;
  t.timer.start(t.tsNs, t.abs);
  lt.ctx.state(TIMEOUTS).ltList.push(lt);
}

/** io_link_timeout_fn(): the timer expired; take the timeout out of the chain and cancel from task_work. */
export function linkTimeoutFn(lt: Req): void {
  const t = timeoutCmd(lt);
  const prev = t.head;
  t.head = null;
  if (prev) removeNextLinked(prev);
  listDel(lt.ctx.state(TIMEOUTS).ltList, lt);
  t.prev = prev;
  // The reference taken on prev keeps its user_data, even if it completes meanwhile.
  const ud = prev ? { lo: prev.udLo, hi: prev.udHi } : null;
  taskWorkAdd(lt.ctx, () => reqTaskLinkTimeout(lt, ud));
}

/** io_req_task_link_timeout(): cancel the request by its user_data; -ETIME unless that failed. */
function reqTaskLinkTimeout(lt: Req, ud: { lo: number; hi: number } | null): void {
  const t = timeoutCmd(lt);
  let ret = -ERRNO.ETIME;
  if (ud) {
    // io_should_terminate_tw(): a dying ring cancels nothing more.
    const r = lt.ctx.dead ? -ERRNO.ECANCELED : tryCancel(cancelDataFor(lt.ctx, ud.lo, ud.hi));
    if (r) ret = r;
    t.prev = null;
  }
  reqSetRes(lt, ret, 0);
  completeDefer(lt);
}
