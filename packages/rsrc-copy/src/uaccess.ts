// copy_from_user() for the model: reads of user memory that fail with -EFAULT where the kernel's
// would (an unmapped range, or an address no user pointer can hold).

import { ERRNO, type IoHost } from '@uringlab/ring/extend';
import type { UserIovec } from './node.js';

/** The bytes at a user address, or -EFAULT. */
export function copyFromUser(host: IoHost, addr: bigint | number, len: number): DataView | number {
  const a = typeof addr === 'bigint' ? addr : BigInt(addr);
  if (a <= 0n || a + BigInt(len) > BigInt(Number.MAX_SAFE_INTEGER)) return -ERRNO.EFAULT;
  const b = host.memory.read(Number(a), len);
  if (!b) return -ERRNO.EFAULT;
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** get_user() of a u64 (a tag). */
export function getU64(host: IoHost, addr: bigint | number): bigint | number {
  const dv = copyFromUser(host, addr, 8);
  return typeof dv === 'number' ? dv : dv.getBigUint64(0, true);
}

/**
 * iovec_from_user() of one iovec (copy_iovec_from_user()): -EFAULT when it cannot be read,
 * -EINVAL when iov_len is negative as an ssize_t.
 */
export function iovecFromUser(host: IoHost, addr: bigint | number): UserIovec | number {
  const dv = copyFromUser(host, addr, 16);
  if (typeof dv === 'number') return dv;
  const len = dv.getBigUint64(8, true);
  if (len >> 63n) return -ERRNO.EINVAL;
  return { base: dv.getBigUint64(0, true), len };
}
