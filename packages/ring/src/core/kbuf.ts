// The core's side of io_uring/kbuf.h: the inline helpers the opcodes call (io_do_buffer_select(),
// io_kbuf_recycle(), io_put_kbuf(s)), forwarding to whichever provided-buffer importer is
// loaded. With none, the null provider answers like a ring with no buffer groups.

import { ERRNO } from '../uapi/errno.js';
import { REQ_F, type Req } from './req.js';
import type { BufSelArg, BufferProvider, BufferSel } from '../extension/types.js';

/** A ring with no provided-buffer groups (io_buffer_get_list() finds nothing). */
export const NO_PROVIDED_BUFFERS: BufferProvider = Object.freeze({
  select: () => undefined,
  peek: () => ({ ret: -ERRNO.ENOENT, list: null }),
  selectBuffers: () => ({ ret: -ERRNO.ENOENT, list: null }),
  commit: () => true,
  put: () => 0,
  recycle: () => false,
  isIncremental: () => false,
});

/** io_do_buffer_select(): asked for a provided buffer and does not hold one yet. */
export function doBufferSelect(req: Req): boolean {
  if (!(req.flags & REQ_F.BUFFER_SELECT)) return false;
  return !(req.flags & (REQ_F.BUFFER_SELECTED | REQ_F.BUFFER_RING));
}

/** io_buffer_select() */
export function bufferSelect(req: Req, len: number, bgid: number, issueFlags: number): BufferSel | undefined {
  return req.ctx.kernel.providedBuffers.select(req, len, bgid, issueFlags);
}

/** io_buffers_peek() */
export function buffersPeek(req: Req, arg: BufSelArg, issueFlags: number): { ret: number; list: unknown } {
  return req.ctx.kernel.providedBuffers.peek(req, arg, issueFlags);
}

/** io_buffers_select() */
export function buffersSelect(req: Req, arg: BufSelArg, issueFlags: number): { ret: number; list: unknown } {
  return req.ctx.kernel.providedBuffers.selectBuffers(req, arg, issueFlags);
}

/** io_kbuf_commit() */
export function kbufCommit(req: Req, list: unknown, len: number, nr: number): boolean {
  return req.ctx.kernel.providedBuffers.commit(req, list, len, nr);
}

/** io_put_kbufs(): CQE flags for the buffers the request is done with (0 if it has none). */
export function putKbufs(req: Req, len: number, list: unknown, nbufs: number, issueFlags: number): number {
  if (!(req.flags & (REQ_F.BUFFER_RING | REQ_F.BUFFER_SELECTED))) return 0;
  return req.ctx.kernel.providedBuffers.put(req, len, list, nbufs, issueFlags);
}

/** io_kbuf_recycle(): the request will retry; its buffer goes back unconsumed. */
export function kbufRecycle(req: Req, list: unknown, issueFlags: number): boolean {
  if (req.flags & REQ_F.BL_NO_RECYCLE) return false;
  if (!(req.flags & (REQ_F.BUFFER_RING | REQ_F.BUFFER_SELECTED))) return false;
  return req.ctx.kernel.providedBuffers.recycle(req, list, issueFlags);
}

export function kbufIsIncremental(req: Req, list: unknown): boolean {
  return req.ctx.kernel.providedBuffers.isIncremental(list);
}
