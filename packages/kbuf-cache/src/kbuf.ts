// The generic entry points the opcodes use (io_uring/kbuf.c, kbuf.h): io_buffer_select(),
// io_buffers_peek(), __io_put_kbufs(), io_kbuf_recycle(), io_destroy_buffers().

import { ERRNO, IORING_CQE_BUFFER_SHIFT, IORING_CQE_F, REQ_F, type BufSelArg, type Req } from '@uringlab/ring/extend';
import { kbufCtx, type KbufCtx } from './state.js';
import { kbufOf, type BufferList } from './types.js';
import { kbufDropLegacy, kbufRecycleLegacy, providedBufferSelect } from './legacy/select.js';
import { ringBufferSelect, ringBuffersPeek, type RingSel } from './ring/select.js';
import { kbufCommit } from './ring/commit.js';
import { putBl } from './ring/register.js';

/** io_do_buffer_select(): asked for a provided buffer and does not hold one yet. */
export function doBufferSelect(req: Req): boolean {
  if (!(req.flags & REQ_F.BUFFER_SELECT)) return false;
  return !(req.flags & (REQ_F.BUFFER_SELECTED | REQ_F.BUFFER_RING));
}

/** io_buffer_select(): one buffer from group `bgid`, or undefined (the caller fails -ENOBUFS). */
export function bufferSelect(req: Req, len: number, bgid: number, issueFlags: number): RingSel | undefined {
  const k = kbufCtx(req.ctx);
  const bl = k.lists.get(bgid);
  if (!bl) return undefined;
  if (bl.isRing) return ringBufferSelect(req, len, bl, issueFlags, k.knobs);
  const s = providedBufferSelect(req, len, bl);
  return s ? { ...s, bl: null } : undefined;
}

/**
 * io_buffers_peek(): several ring buffers for a bundle, or one legacy buffer. Returns the
 * number of iovecs, or -ENOENT for a missing group, -ENOBUFS for an empty one.
 */
export function buffersPeek(req: Req, arg: BufSelArg): { ret: number; bl: BufferList | null } {
  const k = kbufCtx(req.ctx);
  const bl = k.lists.get(arg.bufGroup);
  if (!bl) return { ret: -ERRNO.ENOENT, bl: null };
  if (bl.isRing) {
    const ret = ringBuffersPeek(req, arg, bl, k.knobs);
    if (ret > 0) req.flags |= REQ_F.BUFFERS_COMMIT;
    return { ret, bl };
  }
  // Legacy groups never hand out more than one buffer at a time.
  const s = providedBufferSelect(req, arg.maxLen, bl);
  if (!s) return { ret: -ERRNO.ENOBUFS, bl: null };
  arg.iovs.push(s);
  arg.outLen = s.len;
  return { ret: 1, bl: null };
}

/**
 * io_buffers_select(): buffers for a send. Ring buffers are committed at once (they cannot go
 * back once picked; REQ_F_BL_NO_RECYCLE); a legacy group hands out one buffer whole, since
 * io_provided_buffers_select() is passed out_len (0) rather than the request's length.
 */
export function buffersSelect(req: Req, arg: BufSelArg, unlocked: boolean): { ret: number; bl: BufferList | null } {
  const k = kbufCtx(req.ctx);
  const bl = k.lists.get(arg.bufGroup);
  if (!bl) return { ret: -ERRNO.ENOENT, bl: null };
  let ret: number;
  if (bl.isRing) {
    ret = ringBuffersPeek(req, arg, bl, k.knobs);
    if (ret > 0) {
      req.flags |= REQ_F.BUFFERS_COMMIT | REQ_F.BL_NO_RECYCLE;
      if (!kbufCommit(req, bl, arg.outLen, ret)) kbufOf(req).bufMore = true;
    }
  } else {
    const s = providedBufferSelect(req, 0, bl);
    if (s) {
      arg.iovs.push(s);
      arg.outLen = s.len;
      ret = 1;
    } else {
      ret = -ERRNO.ENOBUFS;
    }
  }
  // Without uring_lock the list is not remembered for the completion.
  return { ret, bl: unlocked ? null : bl };
}

/** __io_put_kbuf_ring(): commit if still pending; false means the buffer stays (F_BUF_MORE). */
function putKbufRing(req: Req, bl: BufferList | null, len: number, nr: number): boolean {
  const kb = kbufOf(req);
  let ret = true;
  if (bl) ret = kbufCommit(req, bl, len, nr);
  if (ret && kb.bufMore) ret = false;
  req.flags &= ~REQ_F.BUFFER_RING;
  kb.bufMore = false;
  return ret;
}

/**
 * io_put_kbufs(): the request is done with its buffers; returns the CQE flags
 * (F_BUFFER | bid << 16, plus F_BUF_MORE for a partly used incremental buffer). `unlocked` tells
 * the allocation strategy which free list a legacy node goes to.
 */
export function putKbufs(req: Req, len: number, bl: BufferList | null, nbufs: number, unlocked: boolean): number {
  if (!(req.flags & (REQ_F.BUFFER_RING | REQ_F.BUFFER_SELECTED))) return 0;
  const kb = kbufOf(req);
  let ret = (IORING_CQE_F.BUFFER | (kb.bid << IORING_CQE_BUFFER_SHIFT)) >>> 0;
  if (!(req.flags & REQ_F.BUFFER_RING)) {
    kbufDropLegacy(req, kbufCtx(req.ctx), unlocked);
    return ret;
  }
  if (!putKbufRing(req, bl, len, nbufs)) ret = (ret | IORING_CQE_F.BUF_MORE) >>> 0;
  return ret;
}

/** io_kbuf_recycle(): give the buffer back without consuming it (the request will retry). */
export function kbufRecycle(req: Req, bl: BufferList | null): boolean {
  if (req.flags & REQ_F.BL_NO_RECYCLE) return false;
  if (req.flags & REQ_F.BUFFER_RING) {
    // io_kbuf_recycle_ring(): not advancing the head is the whole recycle.
    if (!bl) return false;
    req.flags &= ~(REQ_F.BUFFER_RING | REQ_F.BUFFERS_COMMIT);
    return true;
  }
  if (req.flags & REQ_F.BUFFER_SELECTED) return kbufRecycleLegacy(req, kbufCtx(req.ctx));
  return false;
}

/** io_destroy_buffers(): ring teardown frees every group, then the strategy's caches. */
export function destroyBuffers(k: KbufCtx): void {
  for (const bl of [...k.lists.values()]) {
    k.lists.delete(bl.bgid);
    putBl(k, bl);
  }
  k.alloc.destroy();
}
