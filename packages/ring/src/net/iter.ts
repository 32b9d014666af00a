// The destination of a receive (msg_iter): one user buffer (ITER_UBUF) or several provided
// buffers (ITER_IOVEC, a bundle), and how much of it a transfer filled.

import type { Seg } from '../extension/types.js';

export type { Seg };

export class RecvIter {
  /** Bytes already filled (the iterator has advanced past them). */
  done = 0;
  constructor(readonly segs: readonly Seg[]) {}

  get total(): number {
    let t = 0;
    for (const s of this.segs) t += s.len;
    return t;
  }

  /** iov_iter_count(): room left. */
  get count(): number {
    return this.total - this.done;
  }

  get isUbuf(): boolean {
    return this.segs.length === 1;
  }
}

/**
 * io_bundle_nbufs(): how many buffers a transfer of `ret` bytes touched. No data is zero
 * buffers, a single mapping is one, and a short transfer counts the segments it reached.
 */
export function bundleNbufs(it: RecvIter | null, ret: number): number {
  if (ret <= 0 || !it) return 0;
  if (it.isUbuf) return 1;
  if (it.count === 0) return it.segs.length;
  let nbufs = 0;
  let left = ret;
  do {
    left -= Math.min(it.segs[nbufs]!.len, left);
    nbufs++;
  } while (left && nbufs < it.segs.length);
  return nbufs;
}
