// Finishing a read or write (io_uring/rw.c: __io_complete_rw_common(), io_fixup_rw_res(),
// kiocb_done(), io_rw_done(), io_complete_rw(), io_req_rw_complete(), io_complete_rw_iopoll(),
// io_rw_fail()). A transfer that finished at issue completes inline; one that failed inside the
// file's write, or finished on a device, completes through task_work; on an IOPOLL ring every
// finished transfer is only marked done, and io_do_iopoll() posts it when the ring is polled.

import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, REQ_F, reqSetFail, type Req } from '../core/req.js';
import { completeDefer } from '../core/complete.js';
import { taskWorkAdd } from '../core/tw.js';
import { putKbufs } from '../core/kbuf.js';
import { rwCmd } from './cmd.js';
import type { BrSel } from './import.js';

/** -EIOCBQUEUED: the transfer was queued and completes later. */
export const EIOCBQUEUED = -529;

/**
 * __io_complete_rw_common(): a result other than the full length asked for (req.res holds
 * iov_iter_count() from issue) fails the request, so a short read breaks its link. (The -EAGAIN
 * reissue of block and regular files is not modelled: no model file fails that way.)
 */
function completeRwCommon(req: Req, res: number): void {
  if (res === req.res) return;
  reqSetFail(req);
  req.res = res;
}

/** io_fixup_rw_res(): add what earlier attempts transferred. */
export function fixupRwRes(req: Req, res: number): number {
  // A request that failed before its prep ran (bad SQE flags) has no command area yet.
  const done = req.cmd ? rwCmd(req).bytesDone : 0;
  if (done > 0) return res < 0 ? done : res + done;
  return res;
}

/** io_req_rw_complete(): task_work after a transfer finished away from the submitter. */
function reqRwComplete(req: Req): void {
  if (req.flags & (REQ_F.BUFFER_SELECTED | REQ_F.BUFFER_RING)) req.cflags |= putKbufs(req, Math.max(req.res, 0), null, 1, 0);
  completeDefer(req);
}

/** io_complete_rw(): ->ki_complete of a ring without IOPOLL. */
export function completeRw(req: Req, res: number): void {
  completeRwCommon(req, res);
  req.res = fixupRwRes(req, res);
  req.cflags = 0;
  taskWorkAdd(req.ctx, () => reqRwComplete(req));
}

/**
 * io_complete_rw_iopoll(): ->ki_complete on an IOPOLL ring. Nothing is posted and nothing
 * fails the request (a short or failed polled transfer does not break its link): the result
 * waits for io_do_iopoll().
 */
export function completeRwIopoll(req: Req, res: number): void {
  const final = fixupRwRes(req, res);
  if (final !== req.res) req.res = final;
  req.iopollCompleted = true;
}

/** io_rw_done(): hand a result that did not complete inline to ->ki_complete. */
function rwDone(req: Req, ret: number): void {
  if (ret === EIOCBQUEUED) return;
  if (req.flags & REQ_F.IOPOLL) completeRwIopoll(req, ret);
  else completeRw(req, ret);
}

/** kiocb_done(): the issue's return for a transfer result (or a write's error). */
export function kiocbDone(req: Req, ret: number, sel: BrSel | null, issueFlags: number): number {
  const final = fixupRwRes(req, ret);
  if (ret >= 0 && !(req.flags & REQ_F.IOPOLL)) {
    completeRwCommon(req, ret);
    req.cflags = sel ? putKbufs(req, ret, sel.list, 1, issueFlags) : 0;
    req.res = final;
    return IOU_COMPLETE;
  }
  rwDone(req, ret);
  return IOU_ISSUE_SKIP_COMPLETE;
}

/** io_rw_fail(): ->fail of every read and write opcode. */
export function rwFail(req: Req): void {
  req.res = fixupRwRes(req, req.res);
}
