// IORING_OP_RECVMSG on stream and datagram sockets (io_uring/net.c): io_recvmsg(), with
// __sys_recvmsg_sock() writing msg_namelen, msg_flags and msg_controllen back to the user's
// msghdr, and the multishot variant, which lays out every provided buffer as
// struct io_uring_recvmsg_out, room for the name and the control data, then the payload
// (io_recvmsg_prep_multishot(), io_recvmsg_multishot()).

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { IO_URING_RECVMSG_OUT, MSGHDR } from '../uapi/structs.js';
import { encode, offsetOf } from '../uapi/layout.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_RETRY, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import { bufferSelect, doBufferSelect, kbufRecycle } from '../core/kbuf.js';
import type { IoHost } from '../core/host.js';
import { isSocket, type StreamEnd } from '../files/stream.js';
import { MAX_RW_COUNT } from '../rw/limits.js';
import { MsgIter } from './iter.js';
import { MSG } from './msg-flags.js';
import type { Kmsg } from './netmsg.js';
import { sockRecv } from './sock.js';
import { netKbufCanRetry, netKbufRecycle, netRetry, srMsg, type SrMsg } from './sr-msg.js';
import { recvConsumed, recvFinish, type Sel } from './recv.js';
import { iowqMultishot, isMultishot } from './iowq-multishot.js';
import { recvPrep } from './recv-prep.js';

const RECVMSG_OUT_SIZE = IO_URING_RECVMSG_OUT.size;
const OFF_NAMELEN = offsetOf(MSGHDR, 'msg_namelen');
const OFF_CONTROLLEN = offsetOf(MSGHDR, 'msg_controllen');
const OFF_FLAGS = offsetOf(MSGHDR, 'msg_flags');

/** Where a multishot receive's payload goes, after the header it reserves in the buffer. */
interface MshotLayout {
  addr: number;
  len: number;
}

/**
 * io_recvmsg_prep_multishot(): reserve the io_uring_recvmsg_out header, the name and the
 * control data at the start of the buffer; -EFAULT when the buffer cannot hold them.
 */
function recvmsgPrepMultishot(kmsg: Kmsg, sr: SrMsg, addr: number, len: number): MshotLayout | number {
  const hdr = RECVMSG_OUT_SIZE + kmsg.mshotNamelen + kmsg.mshotControllen;
  if (len < hdr) return -ERRNO.EFAULT;
  if (kmsg.mshotControllen) {
    kmsg.controlUser = addr + hdr - kmsg.mshotControllen;
    kmsg.controllen = kmsg.mshotControllen;
  }
  // Stashed: the header is copied there once the receive is done.
  sr.buf = addr;
  kmsg.payloadlen = len - hdr;
  return { addr: addr + hdr, len: len - hdr };
}

/**
 * io_recvmsg_multishot(): receive into the payload area, then write the header. Returns the
 * CQE result (header, name and control room plus payload) and whether multishot is over.
 */
function recvmsgMultishot(k: IoHost, sock: StreamEnd, sr: SrMsg, kmsg: Kmsg, flags: number): { ret: number; finished: boolean } {
  kmsg.msgFlags = flags & (MSG.CMSG_CLOEXEC | MSG.CMSG_COMPAT);
  const r = sockRecv(k, sock, kmsg.iter!, flags);
  kmsg.inq = r.inq;
  kmsg.msgFlags |= r.msgFlags ?? 0;
  let err = r.ret;
  const finished = err <= 0;
  if (err < 0) return { ret: err, finished };
  // Socket pairs report no source address (unbound peers), UDP its sockaddr_in when the request
  // has room for a name (msg_name is only set then); no control messages here. A datagram cut
  // short says MSG_TRUNC in flags, and payloadlen is what the protocol returned (the full length
  // when MSG_TRUNC was asked for). namelen is the address's own length ("the value before
  // truncation"); only what the request reserved is copied.
  const name = kmsg.mshotNamelen && r.name ? r.name : new Uint8Array(0);
  const namelenOut = name.byteLength;
  const hdr = encode(IO_URING_RECVMSG_OUT, {
    namelen: namelenOut,
    controllen: 0,
    payloadlen: err,
    flags: (kmsg.msgFlags & ~MSG.CMSG_COMPAT) >>> 0,
  });
  if (err > kmsg.payloadlen) err = kmsg.payloadlen;
  const out = new Uint8Array(RECVMSG_OUT_SIZE + namelenOut);
  out.set(hdr);
  out.set(name, RECVMSG_OUT_SIZE);
  const copyLen = RECVMSG_OUT_SIZE + Math.min(namelenOut, kmsg.mshotNamelen);
  if (!k.memory.write(sr.buf, out.subarray(0, copyLen))) return { ret: -ERRNO.EFAULT, finished: true };
  return { ret: RECVMSG_OUT_SIZE + kmsg.mshotNamelen + kmsg.mshotControllen + err, finished };
}

function putU32(k: IoHost, addr: number, v: number): boolean {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return k.memory.write(addr, b);
}

/**
 * ____sys_recvmsg() via __sys_recvmsg_sock(): receive, then report back through the user's
 * msghdr the source address length (move_addr_to_user()), msg_flags and the control bytes used.
 */
function sysRecvmsgSock(k: IoHost, sock: StreamEnd, sr: SrMsg, kmsg: Kmsg, flags: number): number {
  kmsg.msgFlags = flags & (MSG.CMSG_CLOEXEC | MSG.CMSG_COMPAT);
  const r = sockRecv(k, sock, kmsg.iter!, flags);
  kmsg.inq = r.inq;
  kmsg.msgFlags |= r.msgFlags ?? 0;
  if (r.ret < 0) return r.ret;
  const umsg = sr.buf;
  // Socket pairs return no address (the peer is unbound): msg_namelen stays 0. UDP fills in
  // its sockaddr_in, and move_addr_to_user() copies what fits of it to msg_name.
  const name = r.name ?? new Uint8Array(0);
  const klen = name.byteLength;
  if (kmsg.uaddr) {
    const cur = k.memory.read(umsg + OFF_NAMELEN, 4);
    if (!cur) return -ERRNO.EFAULT;
    let len = new DataView(cur.buffer).getInt32(0, true);
    if (len > klen) len = klen;
    if (len < 0) return -ERRNO.EINVAL;
    if (len > 0 && !k.memory.write(kmsg.uaddr, name.subarray(0, len))) return -ERRNO.EFAULT;
    if (!putU32(k, umsg + OFF_NAMELEN, klen)) return -ERRNO.EFAULT;
  }
  if (!putU32(k, umsg + OFF_FLAGS, kmsg.msgFlags & ~MSG.CMSG_COMPAT)) return -ERRNO.EFAULT;
  // No control message was written: msg_controllen reports 0 bytes used.
  if (!k.memory.write(umsg + OFF_CONTROLLEN, new Uint8Array(8))) return -ERRNO.EFAULT;
  return r.ret;
}

/** io_recvmsg() */
function recvmsgIssue(req: Req, issueFlags: number): number {
  const sr = srMsg(req);
  const k = req.ctx.kernel;
  const kmsg = sr.kmsg;
  // io_wq_submit_work() diverts multishot requests before ->issue() runs.
  if (issueFlags & ISSUE_F.IOWQ && isMultishot(req)) return iowqMultishot(req);
  const sock = isSocket(req.file) ? req.file : undefined;
  if (!sock) return -ERRNO.ENOTSOCK;
  if (!(req.flags & REQ_F.POLLED) && sr.flags & IORING_RECVSEND.POLL_FIRST) return -ERRNO.EAGAIN;
  const forceNonblock = (issueFlags & ISSUE_F.NONBLOCK) !== 0;
  const flags = forceNonblock ? sr.msgFlags | MSG.DONTWAIT : sr.msgFlags;
  for (;;) {
    const sel: Sel = { val: 0, bl: null };
    let len = sr.len;
    if (doBufferSelect(req)) {
      const s = bufferSelect(req, len, sr.bufGroup, issueFlags);
      if (!s) return -ERRNO.ENOBUFS;
      sel.bl = s.list;
      let addr = s.addr;
      len = Math.min(s.len, MAX_RW_COUNT);
      if (req.flags & REQ_F.APOLL_MULTISHOT) {
        const lay = recvmsgPrepMultishot(kmsg, sr, addr, len);
        if (typeof lay === 'number') {
          kbufRecycle(req, sel.bl, issueFlags);
          return lay;
        }
        addr = lay.addr;
        len = lay.len;
      }
      // iov_iter_ubuf(): the buffer was checked when it was provided or selected.
      kmsg.iter = new MsgIter([{ addr, len }], 'ubuf');
    }
    kmsg.inq = -1;
    let ret: number;
    let consumed: number;
    let mshotFinished = true;
    let minRet = 0;
    if (req.flags & REQ_F.APOLL_MULTISHOT) {
      const r = recvmsgMultishot(k, sock, sr, kmsg, flags);
      ret = r.ret;
      mshotFinished = r.finished;
      consumed = ret;
    } else {
      // No partial retry for a receive that carries control data.
      if (flags & MSG.WAITALL && !kmsg.controllen) minRet = kmsg.iter!.count;
      ret = sysRecvmsgSock(k, sock, sr, kmsg, flags);
      consumed = recvConsumed(req, ret, len);
    }
    if (ret < minRet) {
      if (ret === -ERRNO.EAGAIN && forceNonblock) {
        kbufRecycle(req, sel.bl, issueFlags);
        return IOU_RETRY;
      }
      // A blocking receive on an io-wq worker sleeps; the core re-issues it.
      if (ret === -ERRNO.EAGAIN && !(flags & MSG.DONTWAIT)) return -ERRNO.EAGAIN;
      if (ret > 0 && netRetry(sock, flags) && netKbufCanRetry(req, sel.bl, kmsg.iter)) {
        sr.doneIo += ret;
        return netKbufRecycle(req, sel.bl, kmsg, ret);
      }
      reqSetFail(req);
    }
    if (ret > 0) ret += sr.doneIo;
    else if (sr.doneIo) ret = sr.doneIo;
    else kbufRecycle(req, sel.bl, issueFlags);
    sel.val = ret;
    if (!recvFinish(req, sr, sel, mshotFinished, issueFlags, consumed)) continue;
    return sel.val;
  }
}

export const RECVMSG: OpDef = {
  opcode: IORING_OP.RECVMSG, name: 'RECVMSG', ...opFlags('RECVMSG'), prep: recvPrep, issue: recvmsgIssue,
};
