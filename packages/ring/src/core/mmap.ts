// mmap() of a ring fd: io_uring_mmap(), io_uring_validate_mmap_request() and io_mmap_get_region()
// (io_uring/memmap.c). The offset's high bits name a region: the SQ/CQ rings, the SQE array and
// the parameter region are the core's; provided-buffer rings and zcrx regions belong to
// extensions, asked through the registry's mmapRegion hook. Only kernel-allocated memory maps.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OFF, IORING_SETUP as S } from '../uapi/constants.js';
import { PAGE_SIZE, type Mapping } from '../memory.js';
import { IORING_MAP_OFF, insertPages, regionMmap, regionValidateMmap, type MappedRegion } from './memmap.js';
import type { RingCtx } from './ctx.js';

/** An extension's answer for an offset: its region (null: it owns the offset, no region there), or undefined. */
export type MmapRegionLookup = (ctx: RingCtx, offset: number) => MappedRegion | null | undefined;

const UINT_MAX = 0xffffffff;

/**
 * io_uring_mmap(): map `size` bytes of the region at `offset` (no size: as much as the region
 * has). Returns the new mapping or -errno (before the profile's get_unmapped_area() quirk).
 */
export function mmapValidate(ctx: RingCtx, offset: number, size: number | undefined, extensions: MmapRegionLookup): Mapping | number {
  const host = ctx.kernel;
  const kind = (offset & IORING_OFF.MMAP_MASK) >>> 0;
  const vma = size ?? Infinity;
  switch (kind) {
    // The rings' pages are inserted only as far as the VMA reaches (page_limit). With
    // IORING_SETUP_NO_MMAP they are the application's own (user-provided) memory: -EINVAL.
    case IORING_OFF.SQ_RING:
    case IORING_OFF.CQ_RING:
      if (ctx.flags & S.NO_MMAP) return -ERRNO.EINVAL;
      return insertPages(host, ctx.rings, Math.min(pagesOf(ctx.rings), Math.ceil(vma / PAGE_SIZE)), vma, 'io_uring:rings');
    case IORING_OFF.SQES:
      if (ctx.flags & S.NO_MMAP) return -ERRNO.EINVAL;
      return insertPages(host, ctx.sqes, pagesOf(ctx.sqes), vma, 'io_uring:sqes');
    case IORING_MAP_OFF.PARAM_REGION: {
      const err = regionValidateMmap(ctx.paramRegion);
      return err || regionMmap(host, ctx.paramRegion, vma, UINT_MAX, 'io_uring:param_region');
    }
  }
  const region = extensions(ctx, offset) ?? null;
  const err = regionValidateMmap(region);
  return err || regionMmap(host, region!, vma, UINT_MAX, `io_uring:0x${(offset >>> 0).toString(16)}`);
}

function pagesOf(bytes: Uint8Array): number {
  return Math.ceil(bytes.byteLength / PAGE_SIZE);
}

/** A failed validation is -EINVAL on 7.3; 6.18's io_uring_get_unmapped_area() said -ENOMEM. */
export function mmapErrno(ctx: RingCtx, r: Mapping | number): Mapping | number {
  if (r === -ERRNO.EINVAL && ctx.kernel.profile.quirks.mmapBadOffsetErrno === 'ENOMEM') return -ERRNO.ENOMEM;
  return r;
}
