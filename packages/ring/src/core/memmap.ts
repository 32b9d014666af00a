// Memory regions shared between the kernel and the application (io_uring/memmap.c): a region is
// either user memory the kernel pins (IORING_MEM_REGION_TYPE_USER) or pages the kernel allocates
// and the application maps later with mmap() at an offset the kernel hands back. Buffer rings,
// the parameter region and zcrx refill queues all use it. Pages are counted through the Costs API
// and charged against RLIMIT_MEMLOCK the way __io_account_mem() does.

import { ERRNO } from '../uapi/errno.js';
import { IORING_MEM_REGION_TYPE } from '../uapi/constants.js';
import { IO_URING_REGION_DESC } from '../uapi/structs.js';
import { decode, encode } from '../uapi/layout.js';
import { PAGE_SIZE, type Mapping } from '../memory.js';
import { counter } from '../cost.js';
import { accountMem, memAccounting, unaccountMem, type MemAccounting } from './mem-account.js';
import type { IoHost } from './host.js';
import type { RingCtx } from './ctx.js';

/** Kernel-internal mmap offsets (io_uring/memmap.h): what region_desc.mmap_offset reports. */
export const IORING_MAP_OFF = { PARAM_REGION: 0x20000000, ZCRX_REGION: 0x30000000, ZCRX_SHIFT: 16 } as const;

/** io_mapped_region->flags */
export const IO_REGION_F = {
  /** The kernel's view was vmap()ed (more than one folio). */
  VMAP: 1,
  /** Pinned user memory: never handed out again through mmap(). */
  USER_PROVIDED: 2,
  /** One compound allocation: only the first page holds a reference. */
  SINGLE_REF: 4,
} as const;

const PAGE_SHIFT = 12;
const INT_MAX = 0x7fffffff;
const U64_MAX = (1n << 64n) - 1n;
/** MAX_PAGE_ORDER on x86-64: the largest compound allocation is 2^10 pages (4 MiB). */
const MAX_PAGE_ORDER = 10;

const C_PAGES_ARRAY = counter('alloc', 'kvmalloc_array:io_region_pages');
const C_PAGES_ARRAY_FREE = counter('free', 'kvfree:io_region_pages');
const C_PIN = counter('pin', 'pin_user_pages_fast:io_region');
const C_UNPIN = counter('unpin', 'unpin_user_pages:io_region');
const C_ALLOC_COMPOUND = counter('alloc', 'alloc_pages:io_region');
const C_ALLOC_BULK = counter('alloc', 'alloc_pages_bulk:io_region');
const C_RELEASE = counter('free', 'release_pages:io_region');
const C_VMAP = counter('alloc', 'vmap:io_region');
const C_VUNMAP = counter('free', 'vunmap:io_region');

/** struct io_uring_region_desc as the kernel reads it (u64 fields as bigint). */
export interface RegionDesc {
  userAddr: bigint;
  size: bigint;
  flags: number;
  id: number;
  /** Out: the mmap offset of a kernel-allocated region. */
  mmapOffset: bigint;
  resv: bigint[];
}

/** A zeroed descriptor with some fields set (the kernel's memset + assignments). */
export function regionDesc(init: Partial<RegionDesc> = {}): RegionDesc {
  return { userAddr: 0n, size: 0n, flags: 0, id: 0, mmapOffset: 0n, resv: [0n, 0n, 0n, 0n], ...init };
}

export function decodeRegionDesc(raw: Uint8Array): RegionDesc {
  const d = decode(IO_URING_REGION_DESC, raw);
  return {
    userAddr: d.user_addr as bigint,
    size: d.size as bigint,
    flags: Number(d.flags),
    id: Number(d.id),
    mmapOffset: d.mmap_offset as bigint,
    resv: (d.resv as bigint[]).slice(),
  };
}

export function encodeRegionDesc(rd: RegionDesc): Uint8Array {
  return encode(IO_URING_REGION_DESC, {
    user_addr: rd.userAddr, size: rd.size, flags: rd.flags, id: rd.id, mmap_offset: rd.mmapOffset, resv: rd.resv,
  });
}

/** struct io_mapped_region */
export class MappedRegion {
  nrPages = 0;
  flags = 0;
  /** mr->pages: the memory itself (a live view of pinned user pages, or kernel pages). */
  pages: Uint8Array | null = null;
  /** mr->ptr: the kernel's pointer to it. */
  ptr: DataView | null = null;
  /** The ctx->user the pages were charged to (null: nothing accounted). */
  user: MemAccounting | null = null;
}

/** io_region_is_set() */
export function regionIsSet(mr: MappedRegion): boolean {
  return mr.nrPages !== 0;
}

/** io_region_size() */
export function regionSize(mr: MappedRegion): number {
  return mr.nrPages * PAGE_SIZE;
}

/** io_region_get_ptr(): the kernel's view of a region that is set. */
export function regionGetPtr(mr: MappedRegion): DataView {
  if (!mr.ptr) throw new Error('io_region_get_ptr() of a region that is not set');
  return mr.ptr;
}

/** ctx->user: set only when the ring's creator lacked CAP_IPC_LOCK. */
export function ctxUser(host: IoHost): MemAccounting | null {
  const acct = memAccounting(host);
  return acct.capIpcLock ? null : acct;
}

export interface PinnedPages {
  /** A live view of the pinned range, page-rounded at both ends. */
  readonly pages: Uint8Array;
  readonly nrPages: number;
}

/**
 * io_pin_pages(): pin every page of [uaddr, uaddr + len) for long-term kernel use. A range that
 * is not wholly mapped pins only a prefix, which is released again: -EFAULT.
 */
export function pinPages(host: IoHost, uaddr: bigint, len: bigint): PinnedPages | number {
  const endBytes = uaddr + len;
  if (endBytes > U64_MAX || endBytes + BigInt(PAGE_SIZE - 1) > U64_MAX) return -ERRNO.EOVERFLOW;
  const start = uaddr >> BigInt(PAGE_SHIFT);
  const end = (endBytes + BigInt(PAGE_SIZE - 1)) >> BigInt(PAGE_SHIFT);
  const nr = end - start;
  if (nr === 0n) return -ERRNO.EINVAL;
  if (nr > BigInt(INT_MAX)) return -ERRNO.EOVERFLOW;
  const nrPages = Number(nr);
  host.costs.add(C_PAGES_ARRAY);
  const mem = host.memory;
  const base = start << BigInt(PAGE_SHIFT);
  // pin_user_pages_fast() stops at the first page that is not mapped (or not a user address).
  let pinned = 0;
  if (base < BigInt(Number.MAX_SAFE_INTEGER)) {
    const b = Number(base);
    while (pinned < nrPages && mem.mapped(b + pinned * PAGE_SIZE, PAGE_SIZE)) pinned++;
  }
  if (pinned) host.costs.add(C_PIN, pinned);
  if (pinned !== nrPages || !mem.mapped(Number(base), nrPages * PAGE_SIZE)) {
    if (pinned) host.costs.add(C_UNPIN, pinned);
    host.costs.add(C_PAGES_ARRAY_FREE);
    return -ERRNO.EFAULT;
  }
  const hit = mem.find(Number(base), nrPages * PAGE_SIZE)!;
  return { pages: hit.m.bytes.subarray(hit.off, hit.off + nrPages * PAGE_SIZE), nrPages };
}

/** io_region_pin_pages() */
function regionPinPages(host: IoHost, mr: MappedRegion, rd: RegionDesc): number {
  const r = pinPages(host, rd.userAddr, BigInt(regionSize(mr)));
  if (typeof r === 'number') return r;
  mr.pages = r.pages;
  mr.flags |= IO_REGION_F.USER_PROVIDED;
  return 0;
}

/**
 * io_region_allocate_pages(): zeroed pages, as one compound allocation when the size allows
 * (order <= MAX_PAGE_ORDER), else page by page; -ENOMEM when memory runs out.
 */
function regionAllocatePages(host: IoHost, mr: MappedRegion, rd: RegionDesc, mmapOffset: number): number {
  const acct = memAccounting(host);
  host.costs.add(C_PAGES_ARRAY);
  const order = Math.ceil(Math.log2(mr.nrPages));
  if (order <= MAX_PAGE_ORDER && 2 ** order <= acct.freePages) {
    host.costs.add(C_ALLOC_COMPOUND);
    acct.freePages -= 2 ** order;
    mr.flags |= IO_REGION_F.SINGLE_REF;
  } else if (mr.nrPages <= acct.freePages) {
    host.costs.add(C_ALLOC_BULK, mr.nrPages);
    acct.freePages -= mr.nrPages;
  } else {
    // alloc_pages_bulk_node() came back short: what it got is released again.
    host.costs.add(C_PAGES_ARRAY_FREE);
    return -ERRNO.ENOMEM;
  }
  rd.mmapOffset = BigInt(mmapOffset);
  mr.pages = new Uint8Array(regionSize(mr));
  return 0;
}

/**
 * io_region_init_ptr(): one folio (a compound allocation, or a single page) is addressed
 * directly; anything else is vmap()ed. The model treats each pinned user page as its own folio.
 */
function regionInitPtr(host: IoHost, mr: MappedRegion): void {
  const oneFolio = mr.flags & IO_REGION_F.SINGLE_REF || mr.nrPages === 1;
  if (!oneFolio) {
    host.costs.add(C_VMAP);
    mr.flags |= IO_REGION_F.VMAP;
  }
  const p = mr.pages!;
  mr.ptr = new DataView(p.buffer, p.byteOffset, p.byteLength);
}

/**
 * io_create_region(): validate the descriptor in the kernel's order, charge the pages, then pin
 * the user's memory or allocate the kernel's (reporting `mmapOffset` back in rd.mmapOffset).
 * Returns 0, or -errno with nothing left pinned, allocated or charged.
 */
export function createRegion(ctx: RingCtx, mr: MappedRegion, rd: RegionDesc, mmapOffset: number): number {
  const host = ctx.kernel;
  if (mr.pages || mr.ptr || mr.nrPages) return -ERRNO.EFAULT;
  if (rd.resv.some((x) => x !== 0n)) return -ERRNO.EINVAL;
  if (rd.flags & ~IORING_MEM_REGION_TYPE.USER) return -ERRNO.EINVAL;
  // user_addr must be set exactly when the region is user memory.
  if (((rd.flags & IORING_MEM_REGION_TYPE.USER) !== 0) !== (rd.userAddr !== 0n)) return -ERRNO.EFAULT;
  if (!rd.size || rd.mmapOffset || rd.id) return -ERRNO.EINVAL;
  if (rd.size >> BigInt(PAGE_SHIFT) > BigInt(INT_MAX)) return -ERRNO.E2BIG;
  if ((rd.userAddr | rd.size) & BigInt(PAGE_SIZE - 1)) return -ERRNO.EINVAL;
  if (rd.userAddr + rd.size > U64_MAX) return -ERRNO.EOVERFLOW;
  const nrPages = Number(rd.size >> BigInt(PAGE_SHIFT));
  const user = ctxUser(host);
  if (user) {
    const ret = accountMem(host, user, nrPages);
    if (ret) return ret;
    mr.user = user;
  }
  mr.nrPages = nrPages;
  const ret = rd.flags & IORING_MEM_REGION_TYPE.USER
    ? regionPinPages(host, mr, rd)
    : regionAllocatePages(host, mr, rd, mmapOffset);
  if (ret) {
    freeRegion(host, mr);
    return ret;
  }
  regionInitPtr(host, mr);
  return 0;
}

/** io_free_region(): unpin or release the pages, uncharge them, and clear the region. */
export function freeRegion(host: IoHost, mr: MappedRegion): void {
  if (mr.pages) {
    const nrRefs = mr.flags & IO_REGION_F.SINGLE_REF ? 1 : mr.nrPages;
    if (mr.flags & IO_REGION_F.USER_PROVIDED) {
      host.costs.add(C_UNPIN, nrRefs);
    } else {
      host.costs.add(C_RELEASE, nrRefs);
      const acct = memAccounting(host);
      acct.freePages += mr.flags & IO_REGION_F.SINGLE_REF ? 2 ** Math.ceil(Math.log2(mr.nrPages)) : mr.nrPages;
    }
    host.costs.add(C_PAGES_ARRAY_FREE);
  }
  if (mr.flags & IO_REGION_F.VMAP && mr.ptr) host.costs.add(C_VUNMAP);
  if (mr.nrPages && mr.user) unaccountMem(host, mr.user, mr.nrPages);
  mr.nrPages = 0;
  mr.flags = 0;
  mr.pages = null;
  mr.ptr = null;
  mr.user = null;
}

/** io_region_publish(): hand a fully built region to its owner, where mmap() can find it. */
export function regionPublish(dst: MappedRegion, src: MappedRegion): void {
  dst.nrPages = src.nrPages;
  dst.flags = src.flags;
  dst.pages = src.pages;
  dst.ptr = src.ptr;
  dst.user = src.user;
}

/** io_region_validate_mmap(): only a region the kernel allocated can be mapped. 0 or -EINVAL. */
export function regionValidateMmap(mr: MappedRegion | null): number {
  if (!mr || !regionIsSet(mr)) return -ERRNO.EINVAL;
  if (mr.flags & IO_REGION_F.USER_PROVIDED) return -ERRNO.EINVAL;
  return 0;
}

/**
 * vm_insert_pages() of the first `nr` pages at the start of a VMA of `vmaSize` bytes: -EFAULT
 * when the VMA is too small for them. The mapping shares the pages (no copy).
 */
export function insertPages(host: IoHost, pages: Uint8Array, nr: number, vmaSize: number, name: string): Mapping | number {
  if (nr > Math.ceil(vmaSize / PAGE_SIZE)) return -ERRNO.EFAULT;
  return host.memory.mapBytes(pages.subarray(0, nr * PAGE_SIZE), name);
}

/** io_region_mmap(): at most `maxPages` of the region's pages go into the VMA. */
export function regionMmap(host: IoHost, mr: MappedRegion, vmaSize: number, maxPages: number, name: string): Mapping | number {
  return insertPages(host, mr.pages!, Math.min(mr.nrPages, maxPages), vmaSize, name);
}
