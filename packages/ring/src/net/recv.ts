// IORING_OP_RECV (io_uring/net.c): io_recv(), io_recv_buf_select() and io_recv_finish() (which
// RECVMSG shares). Covers plain receives, registered buffers (IORING_RECVSEND_FIXED_BUF), legacy
// and ring buffers, multishot (a CQE with F_MORE per receive until one fails, ENOBUFS included)
// and bundles (several buffers per CQE).

import { ERRNO } from '../uapi/errno.js';
import { IORING_CQE_F, IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { IOU_COMPLETE, IOU_REQUEUE, IOU_RETRY, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { reqPostCqe } from '../core/complete.js';
import { bufferSelect, buffersPeek, doBufferSelect, kbufRecycle, putKbufs } from '../core/kbuf.js';
import { KBUF_MODE, bufSelArg } from '../extension/types.js';
import { isSocket } from '../files/stream.js';
import { MAX_RW_COUNT } from '../rw/limits.js';
import { MsgIter, bundleNbufs } from './iter.js';
import { MSG } from './msg-flags.js';
import { importUbuf } from './msghdr.js';
import { netmsgRecycle } from './netmsg.js';
import { sockRecv } from './sock.js';
import { SR, SR_NO_RETRY, importFixed, minNotZero, mshotPrepRetry, netKbufCanRetry, netKbufRecycle, netRetry, srMsg, type SrMsg } from './sr-msg.js';
import { recvPrep } from './recv-prep.js';
import { iowqMultishot, isMultishot } from './iowq-multishot.js';

/** Multishot receives in a row before the request yields to others. */
const MULTISHOT_MAX_RETRY = 32;
/** CQE flags a bundle retry recomputes rather than keeps. */
const CQE_F_MASK = IORING_CQE_F.SOCK_NONEMPTY | IORING_CQE_F.MORE | IORING_CQE_F.BUF_MORE;

export interface Sel {
  val: number;
  /** sel.buf_list: the provider's list, opaque to the core. */
  bl: unknown;
}

/** io_recv_buf_select(): map provided buffers for this receive; the length, or -errno. */
function recvBufSelect(req: Req, sr: SrMsg, sel: Sel, issueFlags: number): number {
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
      const it = importUbuf(req.ctx.kernel.memory, sr.buf, sr.len);
      if (typeof it === 'number') return it;
      kmsg.iter = it;
      return sr.len;
    }
    kmsg.iter = new MsgIter(arg.iovs, 'iovec');
    return arg.outLen;
  }
  const s = bufferSelect(req, sel.val, sr.bufGroup, issueFlags);
  if (!s) return -ERRNO.ENOBUFS;
  sel.bl = s.list;
  sr.buf = s.addr;
  sr.len = Math.min(s.len, MAX_RW_COUNT);
  // import_ubuf(): access_ok() of what the ring entry says (6.18 did not check at selection).
  const it = importUbuf(req.ctx.kernel.memory, sr.buf, sr.len);
  if (typeof it === 'number') return it;
  kmsg.iter = it;
  return sr.len;
}

/**
 * What io_recv_finish() commits to the buffer ring: with MSG_TRUNC a datagram protocol reports
 * more than it stored; 7.3 commits what was stored, 6.18 the protocol's return.
 */
export function recvConsumed(req: Req, ret: number, stored: number): number {
  if (ret <= 0 || !req.ctx.kernel.profile.quirks.recvCommitsStored) return ret;
  return Math.min(ret, stored);
}

/**
 * io_recv_finish(): put the buffers and fill the CQE. Returns false when the receive should run
 * again right away (a bundle that can take more, or multishot with data still queued).
 */
export function recvFinish(req: Req, sr: SrMsg, sel: Sel, mshotFinished: boolean, issueFlags: number, consumed: number): boolean {
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
    // Known non-empty, or unknown: receive again, but after MULTISHOT_MAX_RETRY rounds, or once
    // a round filled the multishot length cap, requeue the poll task_work (others run first).
    if (cflags & IORING_CQE_F.SOCK_NONEMPTY || kmsg.inq < 0) {
      if (sr.nrMultishotLoops++ < MULTISHOT_MAX_RETRY && !(sr.flags & SR.MSHOT_CAP)) return false;
      sr.nrMultishotLoops = 0;
      sr.flags &= ~SR.MSHOT_CAP;
      if (issueFlags & ISSUE_F.MULTISHOT) sel.val = IOU_REQUEUE;
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

/** io_recv() */
function recvIssue(req: Req, issueFlags: number): number {
  const sr = srMsg(req);
  const k = req.ctx.kernel;
  // io_wq_submit_work() diverts multishot requests before ->issue() runs.
  if (issueFlags & ISSUE_F.IOWQ && isMultishot(req)) return iowqMultishot(req);
  const sock = isSocket(req.file) ? req.file : undefined;
  if (!sock) return -ERRNO.ENOTSOCK;
  if (!(req.flags & REQ_F.POLLED) && sr.flags & IORING_RECVSEND.POLL_FIRST) return -ERRNO.EAGAIN;
  const forceNonblock = (issueFlags & ISSUE_F.NONBLOCK) !== 0;
  const flags = forceNonblock ? sr.msgFlags | MSG.DONTWAIT : sr.msgFlags;
  let importErr = 0;
  if (sr.importBuffer) {
    importErr = importFixed(req, sr, 'in', issueFlags);
    if (importErr) sr.kmsg.inq = -1;
  }
  for (;;) {
    const sel: Sel = { val: 0, bl: null };
    let len = sr.len;
    let ret = importErr;
    let failed = importErr !== 0;
    if (!failed && doBufferSelect(req)) {
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
      const minRet = flags & MSG.WAITALL ? it.count : 0;
      const r = sockRecv(k, sock, it, flags);
      ret = r.ret;
      sr.kmsg.inq = r.inq;
      if (ret < minRet) {
        if (ret === -ERRNO.EAGAIN && forceNonblock) {
          kbufRecycle(req, sel.bl, issueFlags);
          return IOU_RETRY;
        }
        if (ret === -ERRNO.EAGAIN && !(flags & MSG.DONTWAIT)) {
          // A blocking receive on an io-wq worker sleeps holding its buffer; the core re-issues it.
          return -ERRNO.EAGAIN;
        }
        if (ret > 0 && netRetry(sock, flags) && netKbufCanRetry(req, sel.bl, it)) {
          sr.len -= ret;
          sr.buf += ret;
          sr.doneIo += ret;
          return netKbufRecycle(req, sel.bl, sr.kmsg, ret);
        }
        reqSetFail(req);
      }
    } else {
      reqSetFail(req);
    }
    const mshotFinished = ret <= 0;
    const consumed = recvConsumed(req, ret, len);
    if (ret > 0) ret += sr.doneIo;
    else if (sr.doneIo) ret = sr.doneIo;
    else kbufRecycle(req, sel.bl, issueFlags);
    sel.val = ret;
    if (!recvFinish(req, sr, sel, mshotFinished, issueFlags, consumed)) continue;
    return sel.val;
  }
}

export const RECV: OpDef = {
  opcode: IORING_OP.RECV, name: 'RECV', ...opFlags('RECV'),
  prep: recvPrep, issue: recvIssue,
};
