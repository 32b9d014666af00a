// Importing a user iovec array (lib/iov_iter.c: copy_iovec_from_user(), iovec_from_user(),
// __import_iovec(); io_uring/rw.c: io_import_vec(), io_iov_buffer_select_prep()). READV and
// WRITEV import their iovecs at prep, so a bad array fails the SQE at submission and ends the
// batch; READV with IOSQE_BUFFER_SELECT takes exactly one iovec, whose length caps the buffer.

import { ERRNO } from '../uapi/errno.js';
import type { UserMemory } from '../memory.js';
import type { Seg } from '../extension/types.js';
import { IOVEC_SIZE, MAX_RW_COUNT, UIO_MAXIOV } from './limits.js';
import { importUbuf, type IoIter } from './iter.js';

const SSIZE_MAX = (1n << 63n) - 1n;

/**
 * copy_iovec_from_user(): reads `nr` iovecs. The whole array must pass access_ok(); each entry's
 * length is read before its base, and a length that is negative as ssize_t is -EINVAL.
 */
export function copyIovecFromUser(mem: UserMemory, uvec: number, nr: number): Seg[] | number {
  if (!mem.accessOk(uvec, nr * IOVEC_SIZE)) return -ERRNO.EFAULT;
  const out: Seg[] = [];
  for (let i = 0; i < nr; i++) {
    const v = mem.view(uvec + i * IOVEC_SIZE, IOVEC_SIZE);
    if (!v) return -ERRNO.EFAULT;
    const len = v.getBigUint64(8, true);
    if (len > SSIZE_MAX) return -ERRNO.EINVAL;
    out.push({ addr: Number(v.getBigUint64(0, true)), len: Number(len) });
  }
  return out;
}

/** iovec_from_user(): zero segments is no error (readv() of nothing returns 0); more than UIO_MAXIOV is. */
export function iovecFromUser(mem: UserMemory, uvec: number, nr: number): Seg[] | number {
  if (nr === 0) return [];
  if (nr > UIO_MAXIOV) return -ERRNO.EINVAL;
  return copyIovecFromUser(mem, uvec, nr);
}

/**
 * __import_iovec(): one segment goes the import_ubuf() way (length capped, then access_ok());
 * several are each checked with access_ok() at their full length, then capped so the total
 * stays within MAX_RW_COUNT.
 */
export function importIovec(mem: UserMemory, uvec: number, nr: number): IoIter | number {
  if (nr === 1) {
    const one = copyIovecFromUser(mem, uvec, 1);
    if (typeof one === 'number') return one;
    return importUbuf(mem, one[0]!.addr, one[0]!.len);
  }
  const iov = iovecFromUser(mem, uvec, nr);
  if (typeof iov === 'number') return iov;
  let total = 0;
  const segs: Seg[] = [];
  for (const s of iov) {
    if (!mem.accessOk(s.addr, s.len)) return -ERRNO.EFAULT;
    const len = Math.min(s.len, MAX_RW_COUNT - total);
    segs.push({ addr: s.addr, len });
    total += len;
  }
  return { segs, count: total };
}

/**
 * io_iov_buffer_select_prep(): READV with a provided buffer names exactly one iovec, and its
 * length is how much of the buffer the read may fill. Returns that length or -errno.
 */
export function iovBufferSelectLen(mem: UserMemory, uvec: number, nr: number): number {
  if (nr !== 1) return -ERRNO.EINVAL;
  const one = iovecFromUser(mem, uvec, 1);
  if (typeof one === 'number') return one;
  // rw->len is a u32: a longer iov_len is truncated, not capped.
  return one[0]!.len % 2 ** 32;
}
