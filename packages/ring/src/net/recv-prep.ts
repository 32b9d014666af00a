// io_recvmsg_prep() for IORING_OP_RECV and IORING_OP_RECVMSG (io_uring/net.c), with
// io_recvmsg_prep_setup(), io_recvmsg_copy_hdr() and io_recvmsg_mshot_prep(): the checks on
// ioprio flags, multishot and bundles in the kernel's order, and the import of the destination.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { UringError } from '../errors.js';
import { REQ_F, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { MSG, RECV_UNMODELLED, msgFlagNames } from './msg-flags.js';
import { copyMsghdr, copyMsghdrFromUser, iovecFromUser, importUbuf, mshotHeaderFits } from './msghdr.js';
import { msgAllocAsync, netImportVec, newKmsg } from './netmsg.js';
import { SR, newSrMsg, srMsg, type SrMsg } from './sr-msg.js';

export { SR, SR_NO_RETRY, SR_RETRY_CLEAR } from './sr-msg.js';
/** The receive side's view of struct io_sr_msg. */
export type RecvCmd = SrMsg;
export const recvCmd = srMsg;

const { POLL_FIRST, RECV_MULTISHOT, BUNDLE, FIXED_BUF } = IORING_RECVSEND;

/** RECVMSG_FLAGS: FIXED_BUF joined it when plain RECV learnt registered buffers (7.x). */
function recvmsgFlags(req: Req): number {
  const base = POLL_FIRST | RECV_MULTISHOT | BUNDLE;
  return req.ctx.kernel.profile.quirks.recvsendFixedBuf ? base | FIXED_BUF : base;
}

/**
 * io_recvmsg_copy_hdr(): the msghdr and, unless a provided buffer is picked at issue, its
 * iovecs. With a provided buffer the one iovec only gives the length (io_msg_copy_hdr()).
 */
function recvmsgCopyHdr(req: Req, sr: SrMsg): number {
  const mem = req.ctx.kernel.memory;
  const kmsg = sr.kmsg;
  const msg = copyMsghdrFromUser(mem, sr.buf);
  if (typeof msg === 'number') return msg;
  const k = copyMsghdr(mem, msg, false);
  if (typeof k === 'number') return k;
  kmsg.namelen = k.namelen;
  kmsg.uaddr = k.uaddr;
  kmsg.controlUser = k.controlUser;
  kmsg.controllen = k.controllen;
  if (req.flags & REQ_F.BUFFER_SELECT) {
    if (msg.iovlen === 0) {
      sr.len = 0;
    } else if (msg.iovlen > 1) {
      return -ERRNO.EINVAL;
    } else {
      const iov = iovecFromUser(mem, msg.iov, 1);
      if (typeof iov === 'number') return iov;
      sr.len = iov[0]!.len;
    }
  } else {
    const r = netImportVec(mem, kmsg, msg.iov, msg.iovlen);
    if (r) return r;
  }
  // io_recvmsg_mshot_prep(): each multishot buffer starts with room for the header, the name
  // and the control data, sized from the user's (unclamped) msghdr fields.
  if (req.flags & REQ_F.APOLL_MULTISHOT && req.flags & REQ_F.BUFFER_SELECT) {
    if (msg.namelen < 0 || !mshotHeaderFits(msg.namelen, msg.controllen)) return -ERRNO.EOVERFLOW;
    kmsg.mshotNamelen = msg.namelen;
    kmsg.mshotControllen = msg.controllen;
  }
  return 0;
}

/** io_recvmsg_prep_setup(): async data now; RECV's user buffer is imported at once. */
function recvmsgPrepSetup(req: Req, sr: SrMsg): number {
  sr.kmsg = msgAllocAsync(req);
  if (req.opcode !== IORING_OP.RECV) return recvmsgCopyHdr(req, sr);
  if (req.flags & REQ_F.BUFFER_SELECT) return 0;
  if (sr.flags & FIXED_BUF) {
    sr.importBuffer = true;
    return 0;
  }
  const it = importUbuf(req.ctx.kernel.memory, sr.buf, sr.len);
  if (typeof it === 'number') return it;
  sr.kmsg.iter = it;
  return 0;
}

/** io_recvmsg_prep() */
export function recvPrep(req: Req, sqe: SqeReader): number {
  const sr = newSrMsg(newKmsg());
  req.cmd = sr as unknown as Record<string, unknown>;
  if (sqe.u64n(8)) return -ERRNO.EINVAL;
  sr.buf = sqe.u64n(16);
  sr.len = sqe.s32(24);
  if (sr.len < 0) return -ERRNO.EINVAL;
  sr.flags = sqe.u16(2);
  if (sr.flags & ~recvmsgFlags(req)) return -ERRNO.EINVAL;
  if (sr.flags & FIXED_BUF) {
    // Registered buffers: plain RECV only, one shot, no provided buffers.
    if (req.opcode !== IORING_OP.RECV || req.flags & REQ_F.BUFFER_SELECT || sr.flags & (RECV_MULTISHOT | BUNDLE)) {
      return -ERRNO.EINVAL;
    }
    req.bufIndex = sqe.u16(40);
  }
  sr.msgFlags = sqe.u32(28);
  if (sr.msgFlags & RECV_UNMODELLED) {
    throw new UringError('NOT_MODELLED', `receive flags ${msgFlagNames(sr.msgFlags & RECV_UNMODELLED)} (urgent data, peeking, the error queue) are not modelled`);
  }
  if (sr.msgFlags & MSG.DONTWAIT) req.flags |= REQ_F.NOWAIT;
  if (req.flags & REQ_F.BUFFER_SELECT) sr.bufGroup = req.bufIndex;
  const optlen = sqe.u32(44);
  if (sr.flags & RECV_MULTISHOT) {
    if (!(req.flags & REQ_F.BUFFER_SELECT)) return -ERRNO.EINVAL;
    if (sr.msgFlags & MSG.WAITALL) return -ERRNO.EINVAL;
    if (req.opcode === IORING_OP.RECV) {
      sr.mshotLen = sr.len;
      sr.mshotTotalLen = optlen;
      if (optlen) sr.flags |= SR.MSHOT_LIM;
    } else if (optlen) {
      return -ERRNO.EINVAL;
    }
    req.flags |= REQ_F.APOLL_MULTISHOT;
  } else if (optlen) {
    return -ERRNO.EINVAL;
  }
  if (sr.flags & BUNDLE && req.opcode === IORING_OP.RECVMSG) return -ERRNO.EINVAL;
  return recvmsgPrepSetup(req, sr);
}
