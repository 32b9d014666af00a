// IORING_OP_RECV (io_uring/net.c): io_recv(), io_recv_buf_select() and
// io_recv_finish(). Covers plain receives, legacy and ring buffers, multishot (a CQE with
// F_MORE per receive until one fails, ENOBUFS included) and bundles (several buffers per CQE).

import { ERRNO } from '../uapi/errno.js';
import { IORING_CQE_F, IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, IOU_RETRY, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { APOLL, armPollHandler } from '../core/poll.js';
import { reqTaskQueue } from '../core/tw.js';
import { reqPostCqe } from '../core/complete.js';
import { bufferSelect, buffersPeek, doBufferSelect, kbufCommit, kbufIsIncremental, kbufRecycle, putKbufs } from '../core/kbuf.js';
import { KBUF_MODE, bufSelArg } from '../extension/types.js';
import { TASK_SIZE } from '../memory.js';
import { isSocket } from '../files/stream.js';
import { MAX_RW_COUNT } from '../rw/limits.js';
import { RecvIter, bundleNbufs } from './iter.js';
import { netmsgRecycle } from './netmsg.js';
import { sockRecv } from './sock.js';
import { MSG_DONTWAIT, MSG_WAITALL, SR, SR_NO_RETRY, SR_RETRY_CLEAR, recvCmd, recvPrep, type RecvCmd } from './recv-prep.js';

/** Multishot receives in a row before the request yields to others. */
const MULTISHOT_MAX_RETRY = 32;
/** CQE flags a bundle retry recomputes rather than keeps. */
const CQE_F_MASK = IORING_CQE_F.SOCK_NONEMPTY | IORING_CQE_F.MORE | IORING_CQE_F.BUF_MORE;

interface Sel {
  val: number;
  /** sel.buf_list: the provider's list, opaque to the core. */
  bl: unknown;
}

function minNotZero(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}

/** io_recv_buf_select(): map provided buffers for this receive; the length, or -errno. */
function recvBufSelect(req: Req, sr: RecvCmd, sel: Sel, issueFlags: number): number {
  const kmsg = sr.kmsg;
  // Unlocked (io-wq) callers would drop the lock between peek and commit: one buffer only.
  if (!(issueFlags & ISSUE_F.UNLOCKED) && sr.flags & IORING_RECVSEND.BUNDLE) {
    let maxLen = 0;
    if (sel.val) maxLen = sel.val;
    else if (kmsg.inq > 1) maxLen = kmsg.inq;
    if (sr.flags & SR.MSHOT_LIM) maxLen = minNotZero(maxLen, sr.mshotTotalLen);
    const arg = kmsg.vecNr
      ? bufSelArg(sr.bufGroup, kmsg.vecNr, KBUF_MODE.EXPAND | KBUF_MODE.FREE, maxLen)
      : bufSelArg(sr.bufGroup, 1, KBUF_MODE.EXPAND, maxLen);
    const { ret, list } = buffersPeek(req, arg, issueFlags);
    sel.bl = list;
    if (ret < 0) return ret;
    if (arg.expanded) kmsg.vecNr = ret;
    if (arg.partialMap) sr.flags |= SR.PARTIAL_MAP;
    if (ret === 1) {
      sr.buf = arg.iovs[0]!.addr;
      sr.len = arg.iovs[0]!.len;
      kmsg.iter = new RecvIter([{ addr: sr.buf, len: sr.len }]);
      return sr.len;
    }
    kmsg.iter = new RecvIter(arg.iovs);
    return arg.outLen;
  }
  const s = bufferSelect(req, sel.val, sr.bufGroup, issueFlags);
  if (!s) return -ERRNO.ENOBUFS;
  sel.bl = s.list;
  sr.buf = s.addr;
  sr.len = Math.min(s.len, MAX_RW_COUNT);
  // import_ubuf(): access_ok() of what the ring entry says (6.18 did not check at selection).
  if (sr.buf + sr.len > TASK_SIZE) return -ERRNO.EFAULT;
  kmsg.iter = new RecvIter([{ addr: sr.buf, len: sr.len }]);
  return sr.len;
}

/** io_mshot_prep_retry() */
function mshotPrepRetry(req: Req, sr: RecvCmd): void {
  req.flags &= ~REQ_F.BL_EMPTY;
  sr.doneIo = 0;
  sr.flags &= ~SR_RETRY_CLEAR;
  sr.len = sr.mshotLen;
}

/**
 * io_recv_finish(): put the buffers and fill the CQE. Returns false when the receive should run
 * again right away (a bundle that can take more, or multishot with data still queued).
 */
function recvFinish(req: Req, sr: RecvCmd, sel: Sel, mshotFinished: boolean, issueFlags: number, consumed: number): boolean {
  const kmsg = sr.kmsg;
  let cflags = 0;
  if (kmsg.inq > 0) cflags |= IORING_CQE_F.SOCK_NONEMPTY;
  if (sel.val > 0 && sr.flags & SR.MSHOT_LIM) {
    const thisLen = sel.val - sr.doneIo;
    sr.mshotTotalLen -= Math.min(thisLen, sr.mshotTotalLen);
    if (!sr.mshotTotalLen) {
      sr.flags |= SR.MSHOT_DONE;
      mshotFinished = true;
    }
  }
  let finish = false;
  if (sr.flags & IORING_RECVSEND.BUNDLE) {
    const thisRet = sel.val - sr.doneIo;
    cflags |= putKbufs(req, consumed, sel.bl, bundleNbufs(kmsg.iter, consumed), issueFlags);
    if (sr.flags & SR.RETRY) cflags = sr.cqeFlags | (cflags & CQE_F_MASK);
    if (sr.mshotLen && sel.val >= sr.mshotLen) sr.flags |= SR.MSHOT_CAP;
    if (req.flags & REQ_F.BL_EMPTY) {
      // No more buffers right now: this bundle is done.
      finish = true;
    } else if (!(sr.flags & SR_NO_RETRY) && kmsg.inq > 1 && thisRet > 0 && kmsg.iter?.count === 0) {
      // A full transfer with more queued: go again and append to this CQE.
      sr.cqeFlags = cflags & ~CQE_F_MASK;
      sr.len = kmsg.inq;
      sr.doneIo += thisRet;
      sr.flags |= SR.RETRY;
      return false;
    }
  } else {
    cflags |= putKbufs(req, consumed, sel.bl, 1, issueFlags);
  }
  if (!finish && req.flags & REQ_F.APOLL_MULTISHOT && !mshotFinished && reqPostMore(req, sel.val, cflags)) {
    sel.val = IOU_RETRY;
    mshotPrepRetry(req, sr);
    // Known non-empty, or unknown: receive again, but yield after MULTISHOT_MAX_RETRY rounds.
    if (cflags & IORING_CQE_F.SOCK_NONEMPTY || kmsg.inq < 0) {
      if (sr.nrMultishotLoops++ < MULTISHOT_MAX_RETRY && !(sr.flags & SR.MSHOT_CAP)) return false;
      sr.nrMultishotLoops = 0;
      sr.flags &= ~SR.MSHOT_CAP;
    }
    return true;
  }
  req.res = sel.val;
  req.cflags = cflags >>> 0;
  sel.val = IOU_COMPLETE;
  netmsgRecycle(req, kmsg, issueFlags);
  return true;
}

function reqPostMore(req: Req, res: number, cflags: number): boolean {
  return reqPostCqe(req, res, (cflags | IORING_CQE_F.MORE) >>> 0);
}

/** io_net_kbuf_can_retry(): a partial MSG_WAITALL receive may go on with what it has mapped. */
function netKbufCanRetry(req: Req, bl: unknown, it: RecvIter | null): boolean {
  if (!(req.flags & REQ_F.BUFFERS_COMMIT)) return true;
  return !kbufIsIncremental(req, bl) && !!it?.isUbuf;
}

/** io_recv() */
function recvIssue(req: Req, issueFlags: number): number {
  const sr = recvCmd(req);
  const k = req.ctx.kernel;
  const sock = isSocket(req.file) ? req.file : undefined;
  if (!sock) return -ERRNO.ENOTSOCK;
  if (issueFlags & ISSUE_F.IOWQ && req.flags & REQ_F.APOLL_MULTISHOT) return iowqMultishot(req);
  if (!(req.flags & REQ_F.POLLED) && sr.flags & IORING_RECVSEND.POLL_FIRST) return -ERRNO.EAGAIN;
  const forceNonblock = (issueFlags & ISSUE_F.NONBLOCK) !== 0;
  const dontwait = forceNonblock || (sr.msgFlags & MSG_DONTWAIT) !== 0;
  for (;;) {
    const sel: Sel = { val: 0, bl: null };
    let len = sr.len;
    let ret = 0;
    let failed = false;
    if (doBufferSelect(req)) {
      sel.val = sr.len;
      ret = recvBufSelect(req, sr, sel, issueFlags);
      if (ret < 0) {
        sr.kmsg.inq = -1;
        failed = true;
      } else {
        len = ret;
      }
    }
    if (!failed) {
      sr.kmsg.inq = -1;
      const it = sr.kmsg.iter!;
      const minRet = sr.msgFlags & MSG_WAITALL ? it.count : 0;
      const r = sockRecv(k, sock, it);
      ret = r.ret;
      sr.kmsg.inq = r.inq;
      if (ret < minRet) {
        if (ret === -ERRNO.EAGAIN && forceNonblock) {
          kbufRecycle(req, sel.bl, issueFlags);
          return IOU_RETRY;
        }
        if (ret === -ERRNO.EAGAIN && !dontwait) {
          // A blocking receive on an io-wq worker sleeps holding its buffer; the core re-issues it.
          return -ERRNO.EAGAIN;
        }
        if (ret > 0 && sr.msgFlags & MSG_WAITALL && netKbufCanRetry(req, sel.bl, it)) {
          sr.len -= ret;
          sr.buf += ret;
          sr.doneIo += ret;
          // io_net_kbuf_recyle(): keep what is mapped, commit what was filled.
          req.flags |= REQ_F.BL_NO_RECYCLE;
          if (req.flags & REQ_F.BUFFERS_COMMIT) kbufCommit(req, sel.bl, ret, bundleNbufs(it, ret));
          return IOU_RETRY;
        }
        reqSetFail(req);
      }
    } else {
      reqSetFail(req);
    }
    const mshotFinished = ret <= 0;
    const consumed = ret > 0 ? Math.min(ret, len) : ret;
    if (ret > 0) ret += sr.doneIo;
    else if (sr.doneIo) ret = sr.doneIo;
    else kbufRecycle(req, sel.bl, issueFlags);
    sel.val = ret;
    if (!recvFinish(req, sr, sel, mshotFinished, issueFlags, consumed)) continue;
    return sel.val;
  }
}

/**
 * io_wq_submit_work() does not run multishot requests on a worker: for a socket (FMODE_NOWAIT)
 * it arms poll instead. A multishot poll that finds the socket ready runs its handler through
 * task_work rather than report "ready", so the receive then happens inline, and so do later ones.
 */
function iowqMultishot(req: Req): number {
  req.flags &= ~REQ_F.FORCE_ASYNC;
  if (armPollHandler(req) === APOLL.READY) reqTaskQueue(req);
  return IOU_ISSUE_SKIP_COMPLETE;
}

export const RECV: OpDef = {
  opcode: IORING_OP.RECV, name: 'RECV', ...opFlags('RECV'),
  prep: recvPrep, issue: recvIssue,
};
