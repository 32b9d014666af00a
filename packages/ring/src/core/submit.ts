// Submission side: io_submit_sqes(), io_get_sqe(), io_init_req(), io_submit_sqe(),
// io_submit_fail_init(), io_queue_sqe(), io_queue_sqe_fallback(), io_issue_sqe(),
// io_queue_async() and io_wq_submit_work() (io_uring/io_uring.c).

import { ERRNO } from '../uapi/errno.js';
import { IORING_SETUP as S, IOSQE } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { INT_F, type RingCtx } from './ctx.js';
import {
  IO_REQ_LINK_FLAGS, IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, ISSUE_F, REQ_F, reqFailLinkNode, type Req,
} from './req.js';
import { completeDefer, completePost, flushCompletions, reqDeferFailed, reqTaskQueueFail } from './complete.js';
import { reqTaskQueue } from './tw.js';
import { drainReq } from './drain.js';
import { armPollHandler, APOLL } from './poll.js';
import { iowqEnqueue, iowqSleep, type IoWqWork } from './io-wq.js';
import { iopollReqIssued } from './iopoll.js';
import { prepLinkedTimeout, queueLinkedTimeout } from './link-timeout.js';
import { SqeReader } from './sqe.js';
import type { OpDef } from './opdef.js';

const SQE_COMMON_FLAGS = IOSQE.FIXED_FILE | IOSQE.IO_LINK | IOSQE.IO_HARDLINK | IOSQE.ASYNC;
const SQE_VALID_FLAGS = 0x7f;
const C_URING_LOCK = counter('lock', 'uring_lock');
const C_IOWQ = counter('event', 'iowq_enqueue');

/** io_submit_sqes(): consume up to `nr` SQEs; returns how many were submitted. */
export function submitSqes(ctx: RingCtx, nr: number): number {
  let entries = ctx.flags & S.SQ_REWIND ? ctx.sqEntries : ctx.sqringEntries();
  if (nr < entries) entries = nr;
  if (!entries) return 0;
  ctx.kernel.costs.add(C_URING_LOCK);
  let ret = entries;
  let left = entries;
  ctx.linkHead = null;
  const reader = ctx.kernel.sqeReader(ctx);
  do {
    const req = ctx.allocReq();
    const off = getSqe(ctx);
    if (off < 0) {
      ctx.freeReq(req);
      break;
    }
    reader.off = off;
    const leftRef = { left };
    const failed = submitSqe(ctx, req, reader, leftRef) !== 0;
    left = leftRef.left;
    if (failed && !(ctx.flags & S.SUBMIT_ALL)) {
      left--;
      break;
    }
  } while (--left);
  if (left) ret -= left;
  // io_submit_state_end()
  if (ctx.linkHead) {
    const head = ctx.linkHead;
    ctx.linkHead = null;
    queueSqeFallback(head);
  }
  flushCompletions(ctx);
  ctx.commitSq();
  return ret;
}

/** io_get_sqe(): byte offset of the next SQE, or -1 when the SQ array entry is out of range. */
export function getSqe(ctx: RingCtx): number {
  let head = ctx.cachedSqHead & (ctx.sqEntries - 1);
  ctx.cachedSqHead = (ctx.cachedSqHead + 1) >>> 0;
  if (!(ctx.flags & S.NO_SQARRAY)) {
    head = ctx.u32[(ctx.layout.sq_array_offset >> 2) + head]!;
    if (head >= ctx.sqEntries) {
      ctx.sqDropped = (ctx.sqDropped + 1) >>> 0;
      return -1;
    }
  }
  if (ctx.flags & S.SQE128) head <<= 1;
  return head * 64;
}

/** io_init_req(): 0, or the negative errno the request fails with. */
function initReq(ctx: RingCtx, req: Req, sqe: SqeReader, leftRef: { left: number }): number {
  const k = ctx.kernel;
  req.opcode = sqe.u8(0);
  const sqeFlags = sqe.u8(1);
  req.flags = sqeFlags;
  req.udLo = sqe.u32(32);
  req.udHi = sqe.u32(36);
  req.file = null;
  req.seq = ctx.seqCounter++;
  if (req.opcode >= k.profile.opLast) {
    req.opcode = 0;
    return -ERRNO.EINVAL;
  }
  const def = k.opdef(req.opcode);
  if (def.is128 && !(ctx.flags & S.SQE128)) {
    if (!(ctx.flags & S.SQE_MIXED) || sqe.off / 64 >= ctx.sqEntries - 1) return -ERRNO.EINVAL;
    if (leftRef.left >= 2) leftRef.left--;
    else return -ERRNO.EINVAL;
    ctx.cachedSqHead = (ctx.cachedSqHead + 1) >>> 0;
  }
  if (sqeFlags & ~SQE_COMMON_FLAGS) {
    if (sqeFlags & ~SQE_VALID_FLAGS) return -ERRNO.EINVAL;
    if (sqeFlags & IOSQE.BUFFER_SELECT) {
      if (!def.bufferSelect) return -ERRNO.EOPNOTSUPP;
      req.bufIndex = sqe.u16(40);
    }
    if (sqeFlags & IOSQE.CQE_SKIP_SUCCESS) ctx.intFlags |= INT_F.DRAIN_DISABLED;
    if (sqeFlags & IOSQE.IO_DRAIN) {
      if (ctx.intFlags & INT_F.DRAIN_DISABLED) return -ERRNO.EOPNOTSUPP;
      initDrain(ctx);
    }
  }
  if (ctx.intFlags & (INT_F.DRAIN_ACTIVE | INT_F.DRAIN_NEXT)) {
    if (ctx.intFlags & INT_F.DRAIN_ACTIVE) req.flags |= REQ_F.FORCE_ASYNC;
    if (ctx.intFlags & INT_F.DRAIN_NEXT && !ctx.linkHead) {
      ctx.intFlags &= ~INT_F.DRAIN_NEXT;
      ctx.intFlags |= INT_F.DRAIN_ACTIVE;
      req.flags |= REQ_F.IO_DRAIN | REQ_F.FORCE_ASYNC;
    }
  }
  if (!def.ioprio && sqe.u16(2)) return -ERRNO.EINVAL;
  if (!def.iopoll && ctx.flags & S.IOPOLL) return -ERRNO.EINVAL;
  if (def.needsFile) req.fd = sqe.s32(4);
  // No personalities are registered in the model, so any id is unknown.
  if (sqe.u16(42)) return -ERRNO.EINVAL;
  return def.prep(req, sqe);
}

/** io_init_drain() */
function initDrain(ctx: RingCtx): void {
  ctx.intFlags |= INT_F.DRAIN_ACTIVE;
  if (ctx.linkHead) {
    ctx.linkHead.flags |= REQ_F.IO_DRAIN | REQ_F.FORCE_ASYNC;
    ctx.intFlags |= INT_F.DRAIN_NEXT;
  }
}

/** io_submit_sqe(): returns nonzero when an init failure should stop the batch. */
function submitSqe(ctx: RingCtx, req: Req, sqe: SqeReader, leftRef: { left: number }): number {
  const ret = initReq(ctx, req, sqe, leftRef);
  if (ret) return submitFailInit(ctx, req, ret);
  if (ctx.linkHead) {
    ctx.linkLast!.link = req;
    ctx.linkLast = req;
    if (req.flags & IO_REQ_LINK_FLAGS) return 0;
    const head = ctx.linkHead;
    ctx.linkHead = null;
    if (head.flags & (REQ_F.FORCE_ASYNC | REQ_F.FAIL)) queueSqeFallback(head);
    else queueSqe(head, ISSUE_F.INLINE);
    return 0;
  }
  if (req.flags & (IO_REQ_LINK_FLAGS | REQ_F.FORCE_ASYNC | REQ_F.FAIL)) {
    if (req.flags & IO_REQ_LINK_FLAGS) {
      ctx.linkHead = req;
      ctx.linkLast = req;
    } else {
      queueSqeFallback(req);
    }
    return 0;
  }
  queueSqe(req, ISSUE_F.INLINE);
  return 0;
}

/** io_submit_fail_init(): keep assembling the link, failing its head, so links stay whole. */
function submitFailInit(ctx: RingCtx, req: Req, ret: number): number {
  const head = ctx.linkHead;
  reqFailLinkNode(req, ret);
  if (head && !(head.flags & REQ_F.FAIL)) reqFailLinkNode(head, -ERRNO.ECANCELED);
  if (!(req.flags & IO_REQ_LINK_FLAGS)) {
    let first = req;
    if (head) {
      ctx.linkLast!.link = req;
      ctx.linkHead = null;
      first = head;
    }
    queueSqeFallback(first);
    return ret;
  }
  if (head) ctx.linkLast!.link = req;
  else ctx.linkHead = req;
  ctx.linkLast = req;
  return 0;
}

/** io_queue_sqe_fallback() */
function queueSqeFallback(req: Req): void {
  if (req.flags & REQ_F.FAIL) {
    req.flags &= ~REQ_F.HARDLINK;
    req.flags |= REQ_F.LINK;
    reqDeferFailed(req, req.res);
  } else if (req.ctx.intFlags & INT_F.DRAIN_ACTIVE) {
    drainReq(req);
  } else {
    queueIowq(req);
  }
}

/** io_queue_sqe(): issue inline; anything but completion goes to io_queue_async(). */
export function queueSqe(req: Req, extra: number): void {
  const flags = ISSUE_F.NONBLOCK | ISSUE_F.COMPLETE_DEFER | extra;
  const ret = issueSqe(req, flags);
  if (ret) queueAsync(req, ret);
}

/** io_req_task_submit(): the task_work that (re)issues a request. */
export function taskSubmit(req: Req): void {
  // tw.cancel (io_should_terminate_tw()): a dying ring's request fails instead of being issued.
  if (req.ctx.dead) reqDeferFailed(req, -ERRNO.EFAULT);
  else if (req.flags & REQ_F.FORCE_ASYNC) queueIowq(req);
  else queueSqe(req, 0);
}

/** io_assign_file(): look the request's fd up now (fixed files are not modelled in the core). */
export function assignFile(req: Req, def: OpDef): boolean {
  if (req.file || !def.needsFile) return true;
  if (req.flags & REQ_F.FIXED_FILE) return false;
  const f = req.ctx.kernel.fget(req.fd);
  if (!f) return false;
  // io_file_get_normal(): fget() takes a reference, put when the request is freed.
  req.file = f.get();
  if (f.isReg) req.flags |= REQ_F.ISREG;
  return true;
}

/** io_issue_sqe() */
export function issueSqe(req: Req, issueFlags: number): number {
  const k = req.ctx.kernel;
  const def = k.opdef(req.opcode);
  if (!assignFile(req, def)) return -ERRNO.EBADF;
  // __io_issue_sqe(): a linked timeout is armed around the issue, whatever its outcome.
  const lt = req.flags & REQ_F.ARM_LTIMEOUT ? prepLinkedTimeout(req) : null;
  const ret = def.issue(req, issueFlags);
  if (lt) queueLinkedTimeout(lt);
  if (ret === IOU_COMPLETE) {
    if (issueFlags & ISSUE_F.COMPLETE_DEFER) completeDefer(req);
    else completePost(req);
    return 0;
  }
  if (ret === IOU_ISSUE_SKIP_COMPLETE) {
    // Issued polled I/O can now be found by io_do_iopoll().
    if (req.flags & REQ_F.IOPOLL) iopollReqIssued(req);
    return 0;
  }
  return ret;
}

/** io_queue_async(): -EAGAIN arms poll (or punts to io-wq); any other error fails the request. */
function queueAsync(req: Req, ret: number): void {
  if (ret !== -ERRNO.EAGAIN || req.flags & REQ_F.NOWAIT) {
    reqDeferFailed(req, ret);
    return;
  }
  switch (armPollHandler(req)) {
    case APOLL.READY:
      reqTaskQueue(req);
      break;
    case APOLL.ABORTED:
      queueIowq(req);
      break;
    case APOLL.OK:
      break;
  }
}

/** io_queue_iowq(): hand the request to an io-wq worker. */
export function queueIowq(req: Req): void {
  const k = req.ctx.kernel;
  k.costs.add(C_IOWQ);
  assignFile(req, k.opdef(req.opcode));
  iowqEnqueue(req, iowqSubmitWork);
}

/** io_wq_submit_work(): blocking issue on a worker; pollable files first try nonblocking + poll. */
function iowqSubmitWork(work: IoWqWork): void {
  const req = work.req;
  const k = req.ctx.kernel;
  const def = k.opdef(req.opcode);
  if (!assignFile(req, def)) {
    reqTaskQueueFail(req, -ERRNO.EBADF);
    return;
  }
  let flags = ISSUE_F.UNLOCKED | ISSUE_F.IOWQ;
  let needsPoll = false;
  if (req.flags & REQ_F.FORCE_ASYNC && (def.pollin || def.pollout) && req.file?.pollable) {
    needsPoll = true;
    flags |= ISSUE_F.NONBLOCK;
  }
  for (;;) {
    const ret = issueSqe(req, flags);
    if (ret !== -ERRNO.EAGAIN) {
      if (ret) reqTaskQueueFail(req, ret);
      return;
    }
    if (req.flags & REQ_F.NOWAIT) {
      reqTaskQueueFail(req, ret);
      return;
    }
    if (!needsPoll) {
      // A blocking issue that would still block: the worker sleeps until the file is ready.
      const file = req.file;
      if (!file || !file.pollable) {
        reqTaskQueueFail(req, ret);
        return;
      }
      iowqSleep(work, file, def.pollout ? 'out' : 'in', iowqSubmitWork);
      return;
    }
    if (armPollHandler(req) === APOLL.OK) return;
    needsPoll = false;
    flags &= ~ISSUE_F.NONBLOCK;
  }
}
