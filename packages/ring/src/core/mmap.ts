// mmap() of a ring fd: io_uring_mmap() and io_uring_validate_mmap_request() (io_uring/memmap.c).
// The core owns the SQ/CQ rings and the SQE array; other offsets (provided-buffer rings, zcrx
// regions) belong to extensions, asked through the registry's mmap hook.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OFF } from '../uapi/constants.js';
import type { Mapping } from '../memory.js';
import type { RingCtx } from './ctx.js';

export function mmapValidate(ctx: RingCtx, offset: number, extensions: (ctx: RingCtx, offset: number) => Mapping | number | undefined): Mapping | number {
  const mem = ctx.kernel.memory;
  if (offset === IORING_OFF.SQ_RING || offset === IORING_OFF.CQ_RING) return mem.find(ctx.ringsAddr, 1)!.m;
  if (offset === IORING_OFF.SQES) return mem.find(ctx.sqesAddr, 1)!.m;
  return extensions(ctx, offset) ?? -ERRNO.EINVAL;
}

/** A failed validation is -EINVAL on 7.3; 6.18's io_uring_get_unmapped_area() said -ENOMEM. */
export function mmapErrno(ctx: RingCtx, r: Mapping | number): Mapping | number {
  if (r === -ERRNO.EINVAL && ctx.kernel.profile.quirks.mmapBadOffsetErrno === 'ENOMEM') return -ERRNO.ENOMEM;
  return r;
}
