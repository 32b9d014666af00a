// Taking buffers from a ring-mapped group: io_ring_buffer_select() for one buffer and
// io_ring_buffers_peek() for several (bundles), io_uring/kbuf.c.

import { ERRNO, ISSUE_F, KBUF_MODE, REQ_F, TASK_SIZE, type BufSelArg, type Req } from '@uringlab/ring/extend';
import { entryAddr, entryBid, entryLen, entryOff, ringTail } from './entries.js';
import { kbufCommit } from './commit.js';
import { MAX_RW_COUNT } from '../legacy/manage.js';
import { kbufOf, type BufferList } from '../types.js';
import type { KbufKnobs } from '../profile.js';

/** PEEK_MAX_IMPORT: at most this many buffers per peek, one page of iovecs. */
export const PEEK_MAX_IMPORT = 256;
export const UIO_MAXIOV = 1024;

export interface RingSel {
  addr: number;
  len: number;
  /** The list to commit at completion, or null when the buffer was committed at selection. */
  bl: BufferList | null;
}

/** access_ok() on x86-64: the whole range below the user address limit. */
export function userRangeOk(addr: bigint, len: number): boolean {
  return addr + BigInt(len) <= BigInt(TASK_SIZE);
}

/**
 * io_should_commit(): a request running without uring_lock (io-wq), or on a file that cannot be
 * polled, consumes the buffer at once; otherwise the head moves at completion, and a retry
 * through poll "recycles" it simply by not moving the head.
 */
export function shouldCommit(req: Req, issueFlags: number): boolean {
  if (issueFlags & ISSUE_F.UNLOCKED) return true;
  return !req.file?.pollable;
}

/** io_ring_buffer_select() */
export function ringBufferSelect(req: Req, len: number, bl: BufferList, issueFlags: number, knobs: KbufKnobs): RingSel | undefined {
  const tail = ringTail(bl);
  const head = bl.head;
  if (tail === head) return undefined;
  if (((head + 1) & 0xffff) === tail) req.flags |= REQ_F.BL_EMPTY;
  const off = entryOff(bl, head);
  const bufLen = entryLen(bl, off);
  if (len === 0 || len > bufLen) len = bufLen;
  const addr = entryAddr(bl, off);
  if (knobs.accessOkAtSelect && !userRangeOk(addr, len)) return undefined;
  req.flags |= REQ_F.BUFFER_RING | REQ_F.BUFFERS_COMMIT;
  const kb = kbufOf(req);
  kb.bid = entryBid(bl, off);
  const sel: RingSel = { addr: Number(addr), len, bl };
  if (shouldCommit(req, issueFlags)) {
    if (!kbufCommit(req, bl, len, 1)) kb.bufMore = true;
    sel.bl = null;
  }
  return sel;
}

/**
 * io_ring_buffers_peek(): map up to nr_iovs buffers covering max_len bytes; count or -errno.
 * 7.2+ checks access_ok() on each entry here; 6.18 left that to the import or the copy.
 */
export function ringBuffersPeek(req: Req, arg: BufSelArg, bl: BufferList, knobs: KbufKnobs): number {
  const tail = ringTail(bl);
  let head = bl.head;
  let nrAvail = Math.min((tail - head) & 0xffff, UIO_MAXIOV);
  if (!nrAvail) return -ERRNO.ENOBUFS;
  arg.maxLen = Math.min(arg.maxLen, MAX_RW_COUNT);
  let off = entryOff(bl, head);
  if (arg.maxLen) {
    const len = entryLen(bl, off);
    if (!len) return -ERRNO.ENOBUFS;
    let needed = Math.ceil(arg.maxLen / len);
    needed = Math.min(needed, PEEK_MAX_IMPORT);
    if (nrAvail > needed) nrAvail = needed;
  }
  let nrIovs = arg.nrIovs;
  // Only grow the iovec array when there is data to map, not for a speculative peek.
  if (arg.mode & KBUF_MODE.EXPAND && nrAvail > nrIovs && arg.maxLen) {
    nrIovs = nrAvail;
    arg.expanded = true;
  } else if (nrAvail < nrIovs) {
    nrIovs = nrAvail;
  }
  if (!arg.maxLen) arg.maxLen = MAX_RW_COUNT;
  kbufOf(req).bid = entryBid(bl, off);
  const first = arg.iovs.length;
  do {
    let len = entryLen(bl, off);
    // A non-incremental buffer is truncated only if it is the first one mapped.
    if (len > arg.maxLen) {
      len = arg.maxLen;
      if (!bl.isInc) {
        arg.partialMap = true;
        if (arg.iovs.length !== first) break;
      }
    }
    const addr = entryAddr(bl, off);
    if (knobs.accessOkAtSelect && !userRangeOk(addr, len)) return -ERRNO.EFAULT;
    arg.iovs.push({ addr: Number(addr), len });
    arg.outLen += len;
    arg.maxLen -= len;
    if (!arg.maxLen) {
      if (knobs.peekAdvancesOnFill) head = (head + 1) & 0xffff;
      break;
    }
    head = (head + 1) & 0xffff;
    off = entryOff(bl, head);
  } while (--nrIovs);
  if (head === tail) req.flags |= REQ_F.BL_EMPTY;
  req.flags |= REQ_F.BUFFER_RING;
  return arg.iovs.length - first;
}
