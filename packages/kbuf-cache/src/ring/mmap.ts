// io_pbuf_get_region(): mmap() of IORING_OFF_PBUF_RING | bgid << IORING_OFF_PBUF_SHIFT names the
// region of group bgid's ring. The core validates it (only a ring the kernel allocated with
// IOU_PBUF_RING_MMAP maps; pinned user memory is -EINVAL) and maps its pages.

import { IORING_OFF, type MappedRegion, type RingCtx } from '@uringlab/ring/extend';
import { KBUF } from '../state.js';

export function pbufGetRegion(ctx: RingCtx, offset: number): MappedRegion | null | undefined {
  if ((offset & IORING_OFF.MMAP_MASK) >>> 0 !== IORING_OFF.PBUF_RING) return undefined;
  const bgid = Math.floor(((offset & ~IORING_OFF.MMAP_MASK) >>> 0) / 2 ** IORING_OFF.PBUF_SHIFT);
  const bl = ctx.hasState(KBUF) ? ctx.state(KBUF).lists.get(bgid) : undefined;
  if (!bl || !bl.isRing) return null;
  return bl.region;
}
