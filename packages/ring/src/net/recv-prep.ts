// io_recvmsg_prep() for IORING_OP_RECV (io_uring/net.c): the request state (struct io_sr_msg)
// and the checks on ioprio flags, multishot and bundles, in the kernel's order.

import { ERRNO } from '../uapi/errno.js';
import { IORING_RECVSEND } from '../uapi/constants.js';
import { REQ_F, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { TASK_SIZE } from '../memory.js';
import { MAX_RW_COUNT } from '../rw/limits.js';
import { RecvIter } from './iter.js';
import { msgAllocAsync, type Kmsg } from './netmsg.js';

export const MSG_DONTWAIT = 0x40;
export const MSG_WAITALL = 0x100;
export const MSG_ERRQUEUE = 0x2000;

/** sr->flags bits above the 8 UAPI ones (enum sr_retry_flags). */
export const SR = {
  RETRY: 1 << 15,
  PARTIAL_MAP: 1 << 14,
  MSHOT_CAP: 1 << 13,
  MSHOT_LIM: 1 << 12,
  MSHOT_DONE: 1 << 11,
} as const;
export const SR_RETRY_CLEAR = SR.RETRY | SR.PARTIAL_MAP;
export const SR_NO_RETRY = SR.RETRY | SR.PARTIAL_MAP | SR.MSHOT_CAP | SR.MSHOT_DONE;

const RECVMSG_FLAGS = IORING_RECVSEND.POLL_FIRST | IORING_RECVSEND.RECV_MULTISHOT | IORING_RECVSEND.BUNDLE | IORING_RECVSEND.FIXED_BUF;

/** struct io_sr_msg plus the request's io_async_msghdr. */
export interface RecvCmd {
  buf: number;
  len: number;
  doneIo: number;
  msgFlags: number;
  flags: number;
  bufGroup: number;
  mshotLen: number;
  mshotTotalLen: number;
  nrMultishotLoops: number;
  /** req->cqe.flags kept across a bundle retry. */
  cqeFlags: number;
  kmsg: Kmsg;
}

export function recvCmd(req: Req): RecvCmd {
  return req.cmd as unknown as RecvCmd;
}

export function recvPrep(req: Req, sqe: SqeReader): number {
  if (sqe.u64n(8)) return -ERRNO.EINVAL;
  const len = sqe.s32(24);
  if (len < 0) return -ERRNO.EINVAL;
  const flags = sqe.u16(2);
  if (flags & ~RECVMSG_FLAGS) return -ERRNO.EINVAL;
  // Receives take no registered buffer: the model answers as the checked kernels did.
  if (flags & IORING_RECVSEND.FIXED_BUF) return -ERRNO.EINVAL;
  const msgFlags = sqe.u32(28);
  if (msgFlags & MSG_DONTWAIT) req.flags |= REQ_F.NOWAIT;
  const optlen = sqe.u32(44);
  const sr: RecvCmd = {
    buf: sqe.u64n(16), len, doneIo: 0, msgFlags, flags,
    bufGroup: req.flags & REQ_F.BUFFER_SELECT ? req.bufIndex : 0,
    mshotLen: 0, mshotTotalLen: 0, nrMultishotLoops: 0, cqeFlags: 0,
    kmsg: { inq: 0, vecNr: 0, iter: null },
  };
  if (flags & IORING_RECVSEND.RECV_MULTISHOT) {
    if (!(req.flags & REQ_F.BUFFER_SELECT)) return -ERRNO.EINVAL;
    if (msgFlags & MSG_WAITALL) return -ERRNO.EINVAL;
    sr.mshotLen = len;
    sr.mshotTotalLen = optlen;
    if (optlen) sr.flags |= SR.MSHOT_LIM;
    req.flags |= REQ_F.APOLL_MULTISHOT;
  } else if (optlen) {
    return -ERRNO.EINVAL;
  }
  req.cmd = sr as unknown as Record<string, unknown>;
  // io_recvmsg_prep_setup(): async data now; a user buffer is imported at once.
  sr.kmsg = msgAllocAsync(req);
  if (req.flags & REQ_F.BUFFER_SELECT) return 0;
  const ulen = Math.min(len, MAX_RW_COUNT);
  if (sr.buf + ulen > TASK_SIZE) return -ERRNO.EFAULT;
  sr.kmsg.iter = new RecvIter([{ addr: sr.buf, len: ulen }]);
  return 0;
}
