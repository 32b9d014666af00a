// io_uring_mmap() of IORING_OFF_PBUF_RING | bgid << IORING_OFF_PBUF_SHIFT: the application maps
// a ring the kernel allocated (IOU_PBUF_RING_MMAP) to fill it (io_pbuf_get_region()).

import { ERRNO, IORING_OFF, type Mapping, type RingCtx } from '@uringlab/ring/extend';
import { KBUF } from '../state.js';

export function mmapPbufRing(ctx: RingCtx, offset: number): Mapping | number | undefined {
  if ((offset & IORING_OFF.MMAP_MASK) >>> 0 !== IORING_OFF.PBUF_RING) return undefined;
  const bgid = ((offset >>> 0) - IORING_OFF.PBUF_RING) / 2 ** IORING_OFF.PBUF_SHIFT;
  const bl = ctx.hasState(KBUF) ? ctx.state(KBUF).lists.get(bgid) : undefined;
  // Only rings the kernel allocated have pages to hand out; anything else is -EINVAL.
  if (!bl || !bl.isRing || !bl.kernelAllocated || !bl.ring) return -ERRNO.EINVAL;
  const view = bl.ring;
  return ctx.kernel.memory.mapBytes(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), `pbuf_ring:${bgid}`);
}
