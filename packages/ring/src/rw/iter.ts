// struct iov_iter, reduced to what the model moves: the user segments a transfer fills (a read)
// or drains (a write), in order, and how many bytes they hold. import_ubuf() builds the
// one-segment kind; vec.ts and fixed.ts build the vectored ones.

import { ERRNO } from '../uapi/errno.js';
import type { UserMemory } from '../memory.js';
import type { Seg } from '../extension/types.js';
import { MAX_RW_COUNT } from './limits.js';

export interface IoIter {
  readonly segs: readonly Seg[];
  /** iov_iter_count(): bytes the segments hold. */
  readonly count: number;
}

/** An iterator over segments whose lengths were already capped and checked. */
export function iterOf(segs: readonly Seg[]): IoIter {
  let count = 0;
  for (const s of segs) count += s.len;
  return { segs, count };
}

/** import_ubuf(): the length is capped at MAX_RW_COUNT first, then the range must pass access_ok(). */
export function importUbuf(mem: UserMemory, addr: number, len: number): IoIter | number {
  const n = Math.min(len, MAX_RW_COUNT);
  if (!mem.accessOk(addr, n)) return -ERRNO.EFAULT;
  return { segs: [{ addr, len: n }], count: n };
}

/**
 * copy_to_iter(): scatters `data` over the segments in order and returns how many bytes landed
 * before the first segment that faults.
 */
export function copyToIter(mem: UserMemory, it: IoIter, data: Uint8Array): number {
  let at = 0;
  for (const s of it.segs) {
    if (at >= data.byteLength) break;
    const take = Math.min(s.len, data.byteLength - at);
    if (take === 0) continue;
    if (!mem.write(s.addr, data.subarray(at, at + take))) break;
    at += take;
  }
  return at;
}

/** copy_from_iter(): gathers the segments' bytes in order, up to the first that faults. */
export function copyFromIter(mem: UserMemory, it: IoIter): Uint8Array {
  const out = new Uint8Array(it.count);
  let at = 0;
  for (const s of it.segs) {
    if (s.len === 0) continue;
    const b = mem.read(s.addr, s.len);
    if (!b) break;
    out.set(b, at);
    at += s.len;
  }
  return at === out.byteLength ? out : out.slice(0, at);
}
