// struct io_async_msghdr as far as receives with provided buffers can observe it, the ring's
// netmsg_cache that recycles it (with its iovec array) between requests, and io_req_post_cqe().

import { ISSUE_F, reqPostCqe as corePostCqe, type Req } from '@uringlab/ring';
import { kbufCtx } from '../state.js';
import type { RecvIter } from './iter.js';

/** IO_ALLOC_CACHE_MAX */
const CACHE_MAX = 128;
/** IO_VEC_CACHE_SOFT_CAP: bigger iovec arrays are freed rather than cached. */
const VEC_SOFT_CAP = 256;

export interface Kmsg {
  /** msg_inq: bytes left in the socket after the last receive, -1 unknown. */
  inq: number;
  /** kmsg->vec.nr: entries of the iovec array this object carries (0: only the inline one). */
  vecNr: number;
  /** msg_iter: where the next receive puts data. */
  iter: RecvIter | null;
}

/** io_msg_alloc_async(): from the ring's cache (LIFO), keeping a cached iovec array. */
export function msgAllocAsync(req: Req): Kmsg {
  const cache = kbufCtx(req.ctx).netmsgCache;
  const vecNr = cache.length ? cache.pop()! : 0;
  return { inq: 0, vecNr, iter: null };
}

/** io_netmsg_recycle(): back into the cache, unless completing without uring_lock. */
export function netmsgRecycle(req: Req, kmsg: Kmsg, issueFlags: number): void {
  if (issueFlags & ISSUE_F.UNLOCKED) return;
  const cache = kbufCtx(req.ctx).netmsgCache;
  if (cache.length < CACHE_MAX) cache.push(kmsg.vecNr > VEC_SOFT_CAP ? 0 : kmsg.vecNr);
}

/** io_req_post_cqe(), from the core: an extra CQE that never overflows (false ends the multishot). */
export function reqPostCqe(req: Req, res: number, cflags: number): boolean {
  return corePostCqe(req, res, cflags);
}
