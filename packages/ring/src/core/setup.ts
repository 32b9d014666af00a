// io_uring_setup() sizing and validation, in the kernel's order: the resv check in
// io_uring_setup(), io_uring_sanitise_params(), io_uring_fill_params(), rings_size(), then the
// ring offsets that io_prepare_config() hands back.

import { ERRNO } from '../uapi/errno.js';
import { IORING_MAX_CQ_ENTRIES, IORING_MAX_ENTRIES, IORING_SETUP as S } from '../uapi/constants.js';
import type { KernelProfile } from '../profile.js';

export interface SetupInput {
  entries: number;
  flags: number;
  cq_entries: number;
  sq_thread_cpu: number;
  sq_thread_idle: number;
  wq_fd: number;
  resv: readonly number[];
}

/** struct io_rings header offsets (include/linux/io_uring_types.h); cqes is cacheline aligned. */
export const RINGS = {
  sq_head: 0,
  sq_tail: 4,
  cq_head: 8,
  cq_tail: 12,
  sq_ring_mask: 16,
  cq_ring_mask: 20,
  sq_ring_entries: 24,
  cq_ring_entries: 28,
  sq_dropped: 32,
  sq_flags: 36,
  cq_flags: 40,
  cq_overflow: 44,
  cqes: 64,
} as const;

const SMP_CACHE_BYTES = 64;

export interface RingLayout {
  sq_entries: number;
  cq_entries: number;
  flags: number;
  /** Bytes of the io_rings region (header, CQEs, SQ array). */
  rings_size: number;
  /** Offset of the SQ index array, or -1 with NO_SQARRAY. */
  sq_array_offset: number;
  /** Bytes of the SQE array. */
  sq_size: number;
}

export function roundupPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** io_uring_sanitise_params(): flag combinations, checked before any sizing. */
export function sanitiseParams(flags: number, profile: KernelProfile): number {
  if ((flags & ~profile.setupFlags) >>> 0) return -ERRNO.EINVAL;
  if (flags & S.SQ_REWIND && (flags & S.SQPOLL || !(flags & S.NO_SQARRAY))) return -ERRNO.EINVAL;
  if (flags & S.REGISTERED_FD_ONLY && !(flags & S.NO_MMAP)) return -ERRNO.EINVAL;
  if (flags & S.SQPOLL && flags & (S.COOP_TASKRUN | S.TASKRUN_FLAG | S.DEFER_TASKRUN)) return -ERRNO.EINVAL;
  if (flags & S.TASKRUN_FLAG && !(flags & (S.COOP_TASKRUN | S.DEFER_TASKRUN))) return -ERRNO.EINVAL;
  if (flags & S.HYBRID_IOPOLL && !(flags & S.IOPOLL)) return -ERRNO.EINVAL;
  if (flags & S.DEFER_TASKRUN && !(flags & S.SINGLE_ISSUER)) return -ERRNO.EINVAL;
  if ((flags & (S.CQE32 | S.CQE_MIXED)) === (S.CQE32 | S.CQE_MIXED)) return -ERRNO.EINVAL;
  if ((flags & (S.SQE128 | S.SQE_MIXED)) === (S.SQE128 | S.SQE_MIXED)) return -ERRNO.EINVAL;
  return 0;
}

/** io_uring_fill_params(): SQ/CQ sizes, or a negative errno. */
export function fillParams(entries: number, flags: number, cqEntries: number): { sq: number; cq: number } | number {
  if (!entries) return -ERRNO.EINVAL;
  if (entries > IORING_MAX_ENTRIES) {
    if (!(flags & S.CLAMP)) return -ERRNO.EINVAL;
    entries = IORING_MAX_ENTRIES;
  }
  const sq = roundupPow2(entries);
  let cq: number;
  if (flags & S.CQSIZE) {
    if (!cqEntries) return -ERRNO.EINVAL;
    if (cqEntries > IORING_MAX_CQ_ENTRIES) {
      if (!(flags & S.CLAMP)) return -ERRNO.EINVAL;
      cqEntries = IORING_MAX_CQ_ENTRIES;
    }
    cq = roundupPow2(cqEntries);
    if (cq < sq) return -ERRNO.EINVAL;
  } else {
    cq = 2 * sq;
  }
  return { sq, cq };
}

/** rings_size(): region sizes and the SQ array offset. */
export function ringsSize(flags: number, sq: number, cq: number): RingLayout | number {
  if (flags & S.CQE_MIXED && cq < 2) return -ERRNO.EOVERFLOW;
  if (flags & S.SQE_MIXED && sq < 2) return -ERRNO.EOVERFLOW;
  const sqeSize = flags & S.SQE128 ? 128 : 64;
  let off = RINGS.cqes + 16 * cq;
  // The kernel doubles struct_size(rings, cqes, n) as a whole for CQE32, header included.
  if (flags & S.CQE32) off *= 2;
  off = alignUp(off, SMP_CACHE_BYTES);
  let sqArray = -1;
  if (!(flags & S.NO_SQARRAY)) {
    sqArray = off;
    off += 4 * sq;
  }
  return { sq_entries: sq, cq_entries: cq, flags, rings_size: off, sq_array_offset: sqArray, sq_size: sqeSize * sq };
}

/** Validation and sizing as io_uring_setup() runs it up to (not including) allocation. */
export function prepareConfig(input: SetupInput, profile: KernelProfile): RingLayout | number {
  if (input.resv.some((x) => x !== 0)) return -ERRNO.EINVAL;
  const flags = input.flags >>> 0;
  const bad = sanitiseParams(flags, profile);
  if (bad) return bad;
  const sizes = fillParams(input.entries >>> 0, flags, input.cq_entries >>> 0);
  if (typeof sizes === 'number') return sizes;
  return ringsSize(flags, sizes.sq, sizes.cq);
}

/** The sq_off/cq_off values io_prepare_config() writes back. */
export function ringOffsets(layout: RingLayout) {
  return {
    sq_off: {
      head: RINGS.sq_head,
      tail: RINGS.sq_tail,
      ring_mask: RINGS.sq_ring_mask,
      ring_entries: RINGS.sq_ring_entries,
      flags: RINGS.sq_flags,
      dropped: RINGS.sq_dropped,
      array: layout.sq_array_offset >= 0 ? layout.sq_array_offset : 0,
    },
    cq_off: {
      head: RINGS.cq_head,
      tail: RINGS.cq_tail,
      ring_mask: RINGS.cq_ring_mask,
      ring_entries: RINGS.cq_ring_entries,
      overflow: RINGS.cq_overflow,
      cqes: RINGS.cqes,
      flags: RINGS.cq_flags,
    },
  };
}
