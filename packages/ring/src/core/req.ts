// struct io_kiocb, reduced to what user space can observe. The low REQ_F_* bits are the
// IOSQE_* bits copied from the SQE, as in the kernel; the rest are internal state bits.

import type { RingCtx } from './ctx.js';
import type { FileObj } from '../files/file.js';

export const REQ_F = {
  FIXED_FILE: 1 << 0,
  IO_DRAIN: 1 << 1,
  LINK: 1 << 2,
  HARDLINK: 1 << 3,
  FORCE_ASYNC: 1 << 4,
  BUFFER_SELECT: 1 << 5,
  CQE_SKIP: 1 << 6,
  FAIL: 1 << 8,
  SKIP_LINK_CQES: 1 << 9,
  BUFFER_SELECTED: 1 << 10,
  BUFFER_RING: 1 << 11,
  BUFFERS_COMMIT: 1 << 12,
  POLLED: 1 << 13,
  NOWAIT: 1 << 14,
  ISREG: 1 << 15,
  SUPPORT_NOWAIT: 1 << 16,
  APOLL_MULTISHOT: 1 << 17,
  BL_EMPTY: 1 << 18,
  BL_NO_RECYCLE: 1 << 19,
  NEED_CLEANUP: 1 << 20,
  ASYNC_DATA: 1 << 21,
  INFLIGHT: 1 << 22,
  MULTISHOT: 1 << 23,
  REISSUE: 1 << 24,
  CREDS: 1 << 25,
  /** The request is polled for completion (IOPOLL ring, O_DIRECT file with ->iopoll). */
  IOPOLL: 1 << 26,
  /** READV_FIXED/WRITEV_FIXED: the iovec was copied at prep, the registered range is imported at issue. */
  IMPORT_BUFFER: 1 << 27,
  /** The request holds a registered-buffer node (io_find_buf_node() looked it up). */
  BUF_NODE: 1 << 28,
  /** Offset -1 on a seekable file: the file position is used and advanced. */
  CUR_POS: 1 << 29,
  /** A LINK_TIMEOUT follows: armed when the request is issued (__io_prep_linked_timeout()). */
  ARM_LTIMEOUT: 1 << 30,
} as const;

export const IO_REQ_LINK_FLAGS = REQ_F.LINK | REQ_F.HARDLINK;

/** issue_flags passed to ->issue(). */
export const ISSUE_F = {
  NONBLOCK: 1 << 0,
  COMPLETE_DEFER: 1 << 1,
  UNLOCKED: 1 << 2,
  IOWQ: 1 << 3,
  MULTISHOT: 1 << 4,
  INLINE: 1 << 5,
} as const;

/** Return values of ->issue(), as in io_uring.h. */
export const IOU_COMPLETE = 0;
export const IOU_ISSUE_SKIP_COMPLETE = -529; // -EIOCBQUEUED
export const IOU_RETRY = -11; // -EAGAIN, for multishot re-arm
/** A multishot issue from io_poll_issue() that wants its poll task_work queued again (not an errno). */
export const IOU_REQUEUE = -3072;

export class Req {
  ctx!: RingCtx;
  opcode = 0;
  flags = 0;
  /** user_data as two u32 halves: no BigInt on the hot path. */
  udLo = 0;
  udHi = 0;
  res = 0;
  cflags = 0;
  /**
   * big_cqe[0] and big_cqe[1] of a 32-byte CQE as four little-endian u32 words: big0/big1 are
   * the low/high halves of big_cqe[0], big2/big3 those of big_cqe[1]. Plain numbers, so the
   * completion path never touches BigInt.
   */
  big0 = 0;
  big1 = 0;
  big2 = 0;
  big3 = 0;
  fd = -1;
  file: FileObj | null = null;
  link: Req | null = null;
  /** Group id from sqe->buf_group when IOSQE_BUFFER_SELECT is set. */
  bufIndex = 0;
  /** Per-opcode state (the kernel's io_kiocb_to_cmd() area). */
  cmd: Record<string, unknown> | null = null;
  /** Selected buffer owned by the buffer provider extension. */
  kbuf: unknown = null;
  /** Sequence number at submission, for drain and for tracing. */
  seq = 0;
  /** Pending poll registration (io_arm_poll_handler). */
  pollCancel: (() => void) | null = null;
  /** req->iopoll_completed: the polled I/O finished; io_do_iopoll() may reap it. */
  iopollCompleted = false;
  /** req->work.cancel_seq, once a cancellation with ALL or ANY matched it (REQ_F_CANCEL_SEQ); -1 before. */
  cancelSeq = -1;

  userDataString(): string {
    return (BigInt(this.udHi >>> 0) * 4294967296n + BigInt(this.udLo >>> 0)).toString();
  }

  reset(): void {
    this.opcode = 0;
    this.flags = 0;
    this.res = 0;
    this.cflags = 0;
    this.big0 = 0;
    this.big1 = 0;
    this.big2 = 0;
    this.big3 = 0;
    this.fd = -1;
    this.file = null;
    this.link = null;
    this.bufIndex = 0;
    this.cmd = null;
    this.kbuf = null;
    this.pollCancel = null;
    this.iopollCompleted = false;
    this.cancelSeq = -1;
  }
}

/** req_set_fail(): a failed request posts its CQE even if it asked to skip it. */
export function reqSetFail(req: Req): void {
  req.flags |= REQ_F.FAIL;
  if (req.flags & REQ_F.CQE_SKIP) {
    req.flags &= ~REQ_F.CQE_SKIP;
    req.flags |= REQ_F.SKIP_LINK_CQES;
  }
}

export function reqSetRes(req: Req, res: number, cflags: number): void {
  req.res = res;
  req.cflags = cflags;
}

/** io_req_set_cqe32_extra(): the big_cqe words of the request's 32-byte CQE (u32 words, low first). */
export function reqSetCqe32Extra(req: Req, b0: number, b1: number, b2: number, b3: number): void {
  req.big0 = b0 >>> 0;
  req.big1 = b1 >>> 0;
  req.big2 = b2 >>> 0;
  req.big3 = b3 >>> 0;
}

/** req_fail_link_node() */
export function reqFailLinkNode(req: Req, res: number): void {
  reqSetFail(req);
  reqSetRes(req, res, 0);
}
