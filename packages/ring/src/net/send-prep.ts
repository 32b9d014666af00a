// io_sendmsg_prep() for IORING_OP_SEND and IORING_OP_SENDMSG (io_uring/net.c), with
// io_send_setup() and io_sendmsg_setup(): the checks in the kernel's order, and the import of
// the source (user buffer, iovec array or msghdr) at prep, so a bad pointer fails the SQE.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { UringError } from '../errors.js';
import { REQ_F, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { MSG, SEND_UNMODELLED, msgFlagNames } from './msg-flags.js';
import { copyMsghdr, copyMsghdrFromUser, importUbuf, moveAddrToKernel } from './msghdr.js';
import { msgAllocAsync, netImportVec, newKmsg } from './netmsg.js';
import { newSrMsg, type SrMsg } from './sr-msg.js';

const { POLL_FIRST, BUNDLE, SEND_VECTORIZED, FIXED_BUF } = IORING_RECVSEND;

/** SENDMSG_FLAGS: FIXED_BUF joined it when plain SEND learnt registered buffers (7.x). */
function sendmsgFlags(req: Req): number {
  const base = POLL_FIRST | BUNDLE | SEND_VECTORIZED;
  return req.ctx.kernel.profile.quirks.recvsendFixedBuf ? base | FIXED_BUF : base;
}

/** io_send_setup(): the SEND source, unless a provided or registered buffer is picked at issue. */
function sendSetup(req: Req, sr: SrMsg, sqe: SqeReader): number {
  const mem = req.ctx.kernel.memory;
  const kmsg = sr.kmsg;
  sr.buf = sqe.u64n(16);
  // __pad3[0], after addr_len.
  if (sqe.u16(46)) return -ERRNO.EINVAL;
  const addr = sqe.u64n(8);
  const addrLen = sqe.u16(44);
  if (addr) {
    const r = moveAddrToKernel(mem, addr, addrLen);
    if (r < 0) return r;
    kmsg.namelen = addrLen;
  }
  if (sr.flags & FIXED_BUF) {
    // Vectored registered buffers are SEND_ZC's business; prep refused them already.
    sr.importBuffer = true;
    return 0;
  }
  if (req.flags & REQ_F.BUFFER_SELECT) return 0;
  if (sr.flags & SEND_VECTORIZED) return netImportVec(mem, kmsg, sr.buf, sr.len);
  const it = importUbuf(mem, sr.buf, sr.len);
  if (typeof it === 'number') return it;
  kmsg.iter = it;
  return 0;
}

/** io_sendmsg_setup(): copy the msghdr (and the destination address), import its iovecs. */
function sendmsgSetup(req: Req, sr: SrMsg, sqe: SqeReader): number {
  const mem = req.ctx.kernel.memory;
  const kmsg = sr.kmsg;
  sr.flags |= SEND_VECTORIZED;
  sr.buf = sqe.u64n(16);
  const msg = copyMsghdrFromUser(mem, sr.buf);
  if (typeof msg === 'number') return msg;
  const k = copyMsghdr(mem, msg, true);
  if (typeof k === 'number') return k;
  kmsg.namelen = k.namelen;
  kmsg.controllen = k.controllen;
  kmsg.controlUser = k.controlUser;
  sr.msgControl = k.controlUser;
  return netImportVec(mem, kmsg, msg.iov, msg.iovlen);
}

/** io_sendmsg_prep() */
export function sendmsgPrep(req: Req, sqe: SqeReader): number {
  const sr = newSrMsg(newKmsg());
  req.cmd = sr as unknown as Record<string, unknown>;
  sr.len = sqe.s32(24);
  if (sr.len < 0) return -ERRNO.EINVAL;
  sr.flags = sqe.u16(2);
  if (sr.flags & ~sendmsgFlags(req)) return -ERRNO.EINVAL;
  if (sr.flags & FIXED_BUF) {
    // Registered buffers: plain SEND only, and not with provided buffers or vectors.
    if (req.opcode !== IORING_OP.SEND || req.flags & REQ_F.BUFFER_SELECT || sr.flags & (BUNDLE | SEND_VECTORIZED)) {
      return -ERRNO.EINVAL;
    }
    req.bufIndex = sqe.u16(40);
  }
  sr.msgFlags = (sqe.u32(28) | MSG.NOSIGNAL) >>> 0;
  if (sr.msgFlags & SEND_UNMODELLED) {
    throw new UringError('NOT_MODELLED', `send flags ${msgFlagNames(sr.msgFlags & SEND_UNMODELLED)} (urgent data, zerocopy, fast open) are not modelled`);
  }
  if (sr.msgFlags & MSG.DONTWAIT) req.flags |= REQ_F.NOWAIT;
  if (req.flags & REQ_F.BUFFER_SELECT) sr.bufGroup = req.bufIndex;
  if (sr.flags & BUNDLE) {
    if (req.opcode === IORING_OP.SENDMSG) return -ERRNO.EINVAL;
    // A bundle sends all it mapped, or ends: MSG_WAITALL semantics, several CQEs.
    sr.msgFlags |= MSG.WAITALL;
    req.flags |= REQ_F.MULTISHOT;
  }
  sr.kmsg = msgAllocAsync(req);
  if (req.opcode !== IORING_OP.SENDMSG) return sendSetup(req, sr, sqe);
  if (sqe.u64n(8) || sqe.u32(44)) return -ERRNO.EINVAL;
  return sendmsgSetup(req, sr, sqe);
}
