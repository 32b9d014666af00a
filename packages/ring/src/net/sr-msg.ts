// struct io_sr_msg, the command state SEND, SENDMSG, RECV and RECVMSG share (io_uring/net.c), and
// the helpers both directions use between a partial transfer and its retry.

import { IOU_RETRY, REQ_F, type Req } from '../core/req.js';
import { kbufCommit, kbufIsIncremental } from '../core/kbuf.js';
import { importRegBuf } from '../core/rsrc.js';
import type { StreamEnd } from '../files/stream.js';
import { MsgIter, bundleNbufs } from './iter.js';
import { MSG } from './msg-flags.js';
import type { Kmsg } from './netmsg.js';

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

export interface SrMsg {
  /** sr->buf, or sr->umsg (the user msghdr) for SENDMSG/RECVMSG. */
  buf: number;
  len: number;
  doneIo: number;
  msgFlags: number;
  flags: number;
  bufGroup: number;
  /** Per-receive and overall multishot byte limits (RECV only). */
  mshotLen: number;
  mshotTotalLen: number;
  nrMultishotLoops: number;
  /** sr->msg_control: SENDMSG keeps it, as sys_sendmsg overwrites the msghdr's copy. */
  msgControl: number;
  /** req->cqe.flags kept across a bundle retry. */
  cqeFlags: number;
  /** REQ_F_IMPORT_BUFFER: the registered buffer is imported at the first issue. */
  importBuffer: boolean;
  kmsg: Kmsg;
}

export function srMsg(req: Req): SrMsg {
  return req.cmd as unknown as SrMsg;
}

export function newSrMsg(kmsg: Kmsg): SrMsg {
  return {
    buf: 0, len: 0, doneIo: 0, msgFlags: 0, flags: 0, bufGroup: 0, mshotLen: 0, mshotTotalLen: 0,
    nrMultishotLoops: 0, msgControl: 0, cqeFlags: 0, importBuffer: false, kmsg,
  };
}

export function minNotZero(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}

/** io_net_retry(): a partial MSG_WAITALL transfer on a stream socket goes on. */
export function netRetry(sock: StreamEnd, flags: number): boolean {
  // io_net_retry(): only SOCK_STREAM and SOCK_SEQPACKET take a partial transfer as one to finish.
  return (flags & MSG.WAITALL) !== 0 && !sock.isDgram;
}

/** io_mshot_prep_retry() */
export function mshotPrepRetry(req: Req, sr: SrMsg): void {
  req.flags &= ~REQ_F.BL_EMPTY;
  sr.doneIo = 0;
  sr.flags &= ~SR_RETRY_CLEAR;
  sr.len = sr.mshotLen;
}

/**
 * io_net_kbuf_can_retry(): a partial transfer may go on with what it has mapped. 6.18 had no such
 * check (profile quirk `netRetryAnyKbuf`): a partial MSG_WAITALL receive into an incremental
 * ring buffer committed what it got and went on in the rest of that buffer (kbuf-inc-waitall-*).
 */
export function netKbufCanRetry(req: Req, bl: unknown, it: MsgIter | null): boolean {
  if (!(req.flags & REQ_F.BUFFERS_COMMIT)) return true;
  if (req.ctx.kernel.profile.quirks.netRetryAnyKbuf === true) return true;
  return !kbufIsIncremental(req, bl) && !!it?.isUbuf;
}

/** io_net_kbuf_recyle(): keep what is mapped, commit what was transferred, retry. */
export function netKbufRecycle(req: Req, bl: unknown, kmsg: Kmsg, len: number): number {
  req.flags |= REQ_F.BL_NO_RECYCLE;
  if (req.flags & REQ_F.BUFFERS_COMMIT) kbufCommit(req, bl, len, bundleNbufs(kmsg.iter, len));
  return IOU_RETRY;
}

/**
 * io_import_reg_buf() for IORING_RECVSEND_FIXED_BUF: look the registered buffer up
 * (io_find_buf_node(): -EFAULT when the ring has none at buf_index) and map [buf, buf + len).
 */
export function importFixed(req: Req, sr: SrMsg, dir: 'in' | 'out', issueFlags: number): number {
  const segs = importRegBuf(req, sr.buf, sr.len, dir, issueFlags);
  if (typeof segs === 'number') return segs;
  sr.kmsg.iter = new MsgIter(segs, 'bvec');
  sr.importBuffer = false;
  return 0;
}
