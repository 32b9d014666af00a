// struct io_async_msghdr as far as receives can observe it, and the ring's netmsg_cache that
// recycles it (with its iovec array) between requests (io_uring/net.c, alloc_cache.h).

import { ISSUE_F, type Req } from '../core/req.js';
import { defineRingState } from '../extension/define.js';
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

/**
 * ctx->netmsg_cache: cached io_async_msghdr objects, LIFO, each remembered by the size of the
 * iovec array it keeps (a recycled one lets a later bundle receive map that many buffers).
 */
export const NETMSG_CACHE = defineRingState('core:netmsg_cache', (): number[] => []);

/** io_msg_alloc_async(): from the ring's cache (LIFO), keeping a cached iovec array. */
export function msgAllocAsync(req: Req): Kmsg {
  const cache = req.ctx.state(NETMSG_CACHE);
  const vecNr = cache.length ? cache.pop()! : 0;
  return { inq: 0, vecNr, iter: null };
}

/** io_netmsg_recycle(): back into the cache, unless completing without uring_lock. */
export function netmsgRecycle(req: Req, kmsg: Kmsg, issueFlags: number): void {
  if (issueFlags & ISSUE_F.UNLOCKED) return;
  const cache = req.ctx.state(NETMSG_CACHE);
  if (cache.length < CACHE_MAX) cache.push(kmsg.vecNr > VEC_SOFT_CAP ? 0 : kmsg.vecNr);
}
