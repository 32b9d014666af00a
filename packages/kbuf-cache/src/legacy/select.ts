// Selection, recycling and release of legacy provided buffers (io_uring/kbuf.c).

import { REQ_F, type Req } from '@uringlab/ring/extend';
import { kbufOf, type BufferList } from '../types.js';
import type { KbufCtx } from '../state.js';

export interface Selected {
  addr: number;
  len: number;
}

/**
 * io_provided_buffer_select(): FIFO, the head of the list. The length is the request's when it
 * is nonzero and fits, else the buffer's.
 */
export function providedBufferSelect(req: Req, len: number, bl: BufferList): Selected | undefined {
  const buf = bl.bufs.popFront();
  if (!buf) return undefined;
  if (len === 0 || len > buf.len) len = buf.len;
  if (bl.nbufs === 0) req.flags |= REQ_F.BL_EMPTY;
  req.flags |= REQ_F.BUFFER_SELECTED;
  const kb = kbufOf(req);
  kb.buf = buf;
  kb.bid = buf.bid;
  return { addr: buf.addr, len };
}

/**
 * io_kbuf_recycle_legacy(): the buffer goes back to the head of its group, so it is the next
 * one selected. If the group was removed or became a ring meanwhile, the node is freed.
 */
export function kbufRecycleLegacy(req: Req, k: KbufCtx): boolean {
  const kb = kbufOf(req);
  const buf = kb.buf!;
  const bl = k.lists.get(buf.bgid);
  if (bl && !bl.isRing) bl.bufs.pushFront(buf);
  // io_ring_submit_lock(): uring_lock is held here even for io-wq callers.
  else k.alloc.release(buf, false);
  req.flags &= ~REQ_F.BUFFER_SELECTED;
  kb.buf = null;
  return true;
}

/** io_kbuf_drop_legacy(): the buffer now belongs to the application; its node is released. */
export function kbufDropLegacy(req: Req, k: KbufCtx, unlocked: boolean): void {
  if (!(req.flags & REQ_F.BUFFER_SELECTED)) return;
  req.flags &= ~REQ_F.BUFFER_SELECTED;
  const kb = kbufOf(req);
  if (kb.buf) k.alloc.release(kb.buf, unlocked);
  kb.buf = null;
}
