// IORING_OP_SEND and IORING_OP_SENDMSG on stream sockets (io_uring/net.c): io_send(),
// io_send_select_buffer(), io_send_finish() and io_sendmsg(). SEND may take a provided buffer
// (IOSQE_BUFFER_SELECT; several with IORING_RECVSEND_BUNDLE, one CQE with F_MORE per round), a
// registered one (IORING_RECVSEND_FIXED_BUF), or an iovec array (IORING_SEND_VECTORIZED).

import { ERRNO } from '../uapi/errno.js';
import { IORING_CQE_F, IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { UringError } from '../errors.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_RETRY, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import { reqPostCqe } from '../core/complete.js';
import { buffersSelect, doBufferSelect, putKbufs } from '../core/kbuf.js';
import { KBUF_MODE, bufSelArg } from '../extension/types.js';
import { isSocket } from '../files/stream.js';
import { MsgIter, bundleNbufs } from './iter.js';
import { MSG } from './msg-flags.js';
import { importUbuf } from './msghdr.js';
import { netmsgRecycle, type Kmsg } from './netmsg.js';
import { sockSend } from './sock.js';
import { importFixed, minNotZero, mshotPrepRetry, netKbufRecycle, netRetry, srMsg, type SrMsg } from './sr-msg.js';
import { sendmsgPrep } from './send-prep.js';
import { iowqMultishot, isMultishot } from './iowq-multishot.js';

const INT_MAX = 0x7fffffff;

interface Sel {
  val: number;
  /** sel.buf_list: the provider's list, opaque to the core. */
  bl: unknown;
}

/** io_send_select_buffer(): map provided buffers as the source; 0 or -errno. */
function sendSelectBuffer(req: Req, sr: SrMsg, sel: Sel, issueFlags: number): number {
  const kmsg = sr.kmsg;
  const arg = bufSelArg(sr.bufGroup, 1, 0, minNotZero(sr.len, INT_MAX));
  if (kmsg.vecNr) {
    arg.nrIovs = kmsg.vecNr;
    arg.mode = KBUF_MODE.FREE;
  }
  if (!(sr.flags & IORING_RECVSEND.BUNDLE)) arg.nrIovs = 1;
  else arg.mode |= KBUF_MODE.EXPAND;
  const { ret, list } = buffersSelect(req, arg, issueFlags);
  sel.bl = list;
  if (ret < 0) return ret;
  if (arg.expanded) kmsg.vecNr = ret;
  sr.len = arg.outLen;
  if (ret === 1) {
    sr.buf = arg.iovs[0]!.addr;
    const it = importUbuf(req.ctx.kernel.memory, sr.buf, sr.len);
    if (typeof it === 'number') return it;
    kmsg.iter = it;
  } else {
    kmsg.iter = new MsgIter(arg.iovs, 'iovec');
  }
  return 0;
}

/**
 * io_send_finish(): put the buffers and fill the CQE. A bundle that sent everything it mapped
 * posts a CQE with F_MORE and goes again (false), unless the group ran dry or the send had to
 * wait for poll.
 */
function sendFinish(req: Req, sr: SrMsg, sel: Sel, issueFlags: number): boolean {
  const bundleFinished = sel.val <= 0;
  let cflags: number;
  if (!(sr.flags & IORING_RECVSEND.BUNDLE)) {
    cflags = putKbufs(req, sel.val, sel.bl, 1, issueFlags);
  } else {
    cflags = putKbufs(req, sel.val, sel.bl, bundleNbufs(sr.kmsg.iter, sel.val), issueFlags);
    if (!bundleFinished && !(req.flags & (REQ_F.BL_EMPTY | REQ_F.POLLED))) {
      if (reqPostCqe(req, sel.val, (cflags | IORING_CQE_F.MORE) >>> 0)) {
        mshotPrepRetry(req, sr);
        return false;
      }
    }
  }
  req.res = sel.val;
  req.cflags = cflags >>> 0;
  sel.val = IOU_COMPLETE;
  return true;
}

/** io_send() */
function sendIssue(req: Req, issueFlags: number): number {
  const sr = srMsg(req);
  // io_wq_submit_work() diverts a bundle (REQ_F_MULTISHOT) before ->issue() runs.
  if (issueFlags & ISSUE_F.IOWQ && isMultishot(req)) return iowqMultishot(req);
  const sock = isSocket(req.file) ? req.file : undefined;
  if (!sock) return -ERRNO.ENOTSOCK;
  if (!(req.flags & REQ_F.POLLED) && sr.flags & IORING_RECVSEND.POLL_FIRST) return -ERRNO.EAGAIN;
  if (sr.importBuffer) {
    const r = importFixed(req, sr, 'out', issueFlags);
    if (r) return r;
  }
  const k = req.ctx.kernel;
  const nonblock = (issueFlags & ISSUE_F.NONBLOCK) !== 0;
  const flags = nonblock ? sr.msgFlags | MSG.DONTWAIT : sr.msgFlags;
  for (;;) {
    const sel: Sel = { val: 0, bl: null };
    if (doBufferSelect(req)) {
      const r = sendSelectBuffer(req, sr, sel, issueFlags);
      if (r) return r;
    }
    const it = iterOf(sr.kmsg);
    // MSG_WAITALL, or a bundle: the whole mapped amount, or this is a short send.
    const minRet = flags & MSG.WAITALL || sr.flags & IORING_RECVSEND.BUNDLE ? it.count : 0;
    let ret = sockSend(k, sock, it, sr.kmsg.namelen);
    if (ret < minRet) {
      if (ret === -ERRNO.EAGAIN && nonblock) return -ERRNO.EAGAIN;
      // A blocking send on an io-wq worker sleeps until there is room; the core re-issues it.
      if (ret === -ERRNO.EAGAIN && !(flags & MSG.DONTWAIT)) return -ERRNO.EAGAIN;
      if (ret > 0 && netRetry(sock, flags)) {
        sr.len -= ret;
        sr.buf += ret;
        sr.doneIo += ret;
        return netKbufRecycle(req, sel.bl, sr.kmsg, ret);
      }
      reqSetFail(req);
    }
    if (ret >= 0) ret += sr.doneIo;
    else if (sr.doneIo) ret = sr.doneIo;
    sel.val = ret;
    if (!sendFinish(req, sr, sel, issueFlags)) continue;
    netmsgRecycle(req, sr.kmsg, issueFlags);
    return sel.val;
  }
}

/** io_sendmsg() */
function sendmsgIssue(req: Req, issueFlags: number): number {
  const sr = srMsg(req);
  const sock = isSocket(req.file) ? req.file : undefined;
  if (!sock) return -ERRNO.ENOTSOCK;
  if (!(req.flags & REQ_F.POLLED) && sr.flags & IORING_RECVSEND.POLL_FIRST) return -ERRNO.EAGAIN;
  const k = req.ctx.kernel;
  const kmsg = sr.kmsg;
  const nonblock = (issueFlags & ISSUE_F.NONBLOCK) !== 0;
  const flags = nonblock ? sr.msgFlags | MSG.DONTWAIT : sr.msgFlags;
  const it = iterOf(kmsg);
  const minRet = flags & MSG.WAITALL ? it.count : 0;
  kmsg.controlUser = sr.msgControl;
  let ret = sysSendmsgSock(req, kmsg);
  if (ret === 0) ret = sockSend(k, sock, it, kmsg.namelen);
  if (ret < minRet) {
    if (ret === -ERRNO.EAGAIN && nonblock) return -ERRNO.EAGAIN;
    if (ret === -ERRNO.EAGAIN && !(flags & MSG.DONTWAIT)) return -ERRNO.EAGAIN;
    if (ret > 0 && netRetry(sock, flags)) {
      // The control data went out with the first part.
      kmsg.controllen = 0;
      kmsg.controlUser = 0;
      sr.doneIo += ret;
      return IOU_RETRY;
    }
    reqSetFail(req);
  }
  netmsgRecycle(req, kmsg, issueFlags);
  if (ret >= 0) ret += sr.doneIo;
  else if (sr.doneIo) ret = sr.doneIo;
  req.res = ret;
  req.cflags = 0;
  return IOU_COMPLETE;
}

/** ____sys_sendmsg()'s control-data handling before the protocol sees the message. */
function sysSendmsgSock(req: Req, kmsg: Kmsg): number {
  if (kmsg.controllen > INT_MAX) return -ERRNO.ENOBUFS;
  if (!kmsg.controllen) return 0;
  if (!req.ctx.kernel.memory.read(kmsg.controlUser, kmsg.controllen)) return -ERRNO.EFAULT;
  throw new UringError('NOT_MODELLED', 'ancillary data (msg_control) on SENDMSG is not modelled');
}

function iterOf(kmsg: Kmsg): MsgIter {
  if (!kmsg.iter) throw new UringError('INTERNAL', 'a send reached the socket without a source iterator');
  return kmsg.iter;
}

export const SEND: OpDef = { opcode: IORING_OP.SEND, name: 'SEND', ...opFlags('SEND'), prep: sendmsgPrep, issue: sendIssue };
export const SENDMSG: OpDef = {
  opcode: IORING_OP.SENDMSG, name: 'SENDMSG', ...opFlags('SENDMSG'), prep: sendmsgPrep, issue: sendmsgIssue,
};
