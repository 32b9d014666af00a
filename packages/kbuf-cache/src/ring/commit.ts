// Consuming ring-mapped buffers: io_kbuf_commit() and io_kbuf_inc_commit() (io_uring/kbuf.c).
// The kernel only ever advances its private head; it never writes the tail, and outside
// incremental mode never writes the entries either.

import { REQ_F, type Req } from '@uringlab/ring/extend';
import { entryAddr, entryLen, entryOff, setEntryAddr, setEntryLen } from './entries.js';
import type { BufferList } from '../types.js';

/**
 * io_kbuf_inc_commit(): consuming `len` bytes rewrites the head entry in place (addr += n,
 * len -= n); the head moves past an entry only when less than min_left is left of it. Returns
 * false when the last buffer touched stays in the ring (the CQE then carries F_BUF_MORE).
 */
export function kbufIncCommit(bl: BufferList, len: number): boolean {
  // Nothing consumed: the buffer stays where it is.
  if (!len) return false;
  while (len) {
    const off = entryOff(bl, bl.head);
    let bufLen = entryLen(bl, off);
    const thisLen = Math.min(len, bufLen);
    bufLen -= thisLen;
    // A zero-length entry stops the walk rather than spinning on it.
    if (bufLen > bl.minLeftSubOne || !thisLen) {
      setEntryAddr(bl, off, entryAddr(bl, off) + BigInt(thisLen));
      setEntryLen(bl, off, bufLen);
      return false;
    }
    setEntryLen(bl, off, 0);
    bl.head = (bl.head + 1) & 0xffff;
    len -= thisLen;
  }
  return true;
}

/** io_kbuf_commit(): advance the head past `nr` buffers (or `len` bytes in incremental mode). */
export function kbufCommit(req: Req, bl: BufferList, len: number, nr: number): boolean {
  if (!(req.flags & REQ_F.BUFFERS_COMMIT)) return true;
  req.flags &= ~REQ_F.BUFFERS_COMMIT;
  if (len < 0) return true;
  if (bl.isInc) return kbufIncCommit(bl, len);
  bl.head = (bl.head + nr) & 0xffff;
  return true;
}
