// The kernel's limits a plan must respect, by kernel (io_uring/rsrc.c).

import { GIB, TIB } from './units.js';

/** IORING_MAX_REG_BUFFERS (1 << 14): buffers one table can hold. */
export const IORING_MAX_REG_BUFFERS = 1 << 14;

/**
 * io_validate_user_buf_range(): the largest buffer one iovec may register, and the errno past it.
 * 6.18 caps at SZ_1G (-EFAULT); from "io_uring/rsrc: raise registered buffer 1GB limit" (7.2
 * cycle) the cap is 1 TiB and past it is -EINVAL.
 */
export const BUFFER_CAP = {
  '6.18': { bytes: GIB, errno: 'EFAULT' },
  '7.3': { bytes: TIB, errno: 'EINVAL' },
} as const;

/** x86-64 user address space with 4-level paging (TASK_SIZE_MAX, 2^47 − 4096): no pool maps beyond it. */
export const USER_ADDRESS_SPACE = 2 ** 47 - 4096;

/** Largest huge page x86-64 has (PUD-mapped, 1 GiB); larger "pages" are no folio the kernel makes. */
export const MAX_PAGE = GIB;

/** A plan for more rings than this is not a plan (each ring is an fd and a few pages of rings). */
export const MAX_RINGS = 65_536;

/**
 * The seed's layout: one buffer per page ("Registered 900 pages"), made larger (in whole pages)
 * only when the table would otherwise pass IORING_MAX_REG_BUFFERS, and never past the kernel's
 * per-buffer cap or the pool itself.
 */
export function defaultBufferBytes(poolBytes: number, pageBytes: number, capBytes: number): number {
  const pages = Math.ceil(Math.ceil(poolBytes / IORING_MAX_REG_BUFFERS) / pageBytes);
  return Math.min(poolBytes, Math.max(pageBytes, pages * pageBytes), capBytes);
}
