// struct iov_iter of a socket transfer (msg_iter): the user memory a send reads or a receive
// fills, as one range (ITER_UBUF), an iovec array (ITER_IOVEC: SENDMSG/RECVMSG vectors, bundles)
// or the pages of a registered buffer (ITER_BVEC), and how far a transfer has advanced it.

import type { Seg } from '../extension/types.js';

export type { Seg };

export type IterKind = 'ubuf' | 'iovec' | 'bvec';

export class MsgIter {
  /** Bytes already transferred (the iterator has advanced past them). */
  done = 0;
  readonly kind: IterKind;
  constructor(readonly segs: readonly Seg[], kind?: IterKind) {
    this.kind = kind ?? (segs.length === 1 ? 'ubuf' : 'iovec');
  }

  get total(): number {
    let t = 0;
    for (const s of this.segs) t += s.len;
    return t;
  }

  /** iov_iter_count(): what is left to transfer. */
  get count(): number {
    return this.total - this.done;
  }

  /** iter_is_ubuf() */
  get isUbuf(): boolean {
    return this.kind === 'ubuf';
  }

  /** The ranges not yet transferred, in order (the iterator's view from its current position). */
  *remaining(): Generator<Seg> {
    let skip = this.done;
    for (const s of this.segs) {
      if (skip >= s.len) {
        skip -= s.len;
        continue;
      }
      yield { addr: s.addr + skip, len: s.len - skip };
      skip = 0;
    }
  }
}

/** The receive side's name for the same iterator (kept for extension code written against it). */
export { MsgIter as RecvIter };

/**
 * io_bundle_nbufs(): how many buffers a transfer of `ret` bytes touched. No data is zero
 * buffers, a single mapping is one, and a short transfer counts the segments it reached.
 */
export function bundleNbufs(it: MsgIter | null, ret: number): number {
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
