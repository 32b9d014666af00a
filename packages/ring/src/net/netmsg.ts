// struct io_async_msghdr (io_uring/net.h) as far as sends and receives can observe it, and the
// ring's netmsg_cache that recycles it (with its iovec array) between requests (alloc_cache.h).

import { ISSUE_F, type Req } from '../core/req.js';
import { defineRingState } from '../extension/define.js';
import type { UserMemory } from '../memory.js';
import type { MsgIter } from './iter.js';
import { importIovec } from './msghdr.js';

/** IO_ALLOC_CACHE_MAX */
const CACHE_MAX = 128;
/** IO_VEC_CACHE_SOFT_CAP: bigger iovec arrays are freed rather than cached. */
const VEC_SOFT_CAP = 256;

export interface Kmsg {
  /** msg_inq: bytes left in the socket after the last receive, -1 unknown. */
  inq: number;
  /** kmsg->vec.nr: entries of the iovec array this object carries (0: only the inline one). */
  vecNr: number;
  /** msg_iter: where the next transfer reads or writes. */
  iter: MsgIter | null;
  /** msg.msg_control_user and msg.msg_controllen (SENDMSG/RECVMSG). */
  controlUser: number;
  controllen: number;
  /** msg.msg_namelen of the kernel msghdr. */
  namelen: number;
  /** kmsg->uaddr: the user's msg_name, where RECVMSG writes the source address back. */
  uaddr: number;
  /** msg.msg_flags as the protocol left them (MSG_TRUNC, MSG_CTRUNC, ...). */
  msgFlags: number;
  /** kmsg->namelen / controllen / payloadlen: the layout of each multishot RECVMSG buffer. */
  mshotNamelen: number;
  mshotControllen: number;
  payloadlen: number;
}

/**
 * ctx->netmsg_cache: cached io_async_msghdr objects, LIFO, each remembered by the size of the
 * iovec array it keeps (a recycled one lets a later bundle or vector map that many entries).
 */
export const NETMSG_CACHE = defineRingState('core:netmsg_cache', (): number[] => []);

/** A fresh io_async_msghdr carrying an iovec array of `vecNr` entries. */
export function newKmsg(vecNr = 0): Kmsg {
  return {
    inq: 0, vecNr, iter: null, controlUser: 0, controllen: 0, namelen: 0, uaddr: 0, msgFlags: 0,
    mshotNamelen: 0, mshotControllen: 0, payloadlen: 0,
  };
}

/** io_msg_alloc_async(): from the ring's cache (LIFO), keeping a cached iovec array. */
export function msgAllocAsync(req: Req): Kmsg {
  const cache = req.ctx.state(NETMSG_CACHE);
  return newKmsg(cache.length ? cache.pop()! : 0);
}

/** io_netmsg_recycle(): back into the cache, unless completing without uring_lock. */
export function netmsgRecycle(req: Req, kmsg: Kmsg, issueFlags: number): void {
  if (issueFlags & ISSUE_F.UNLOCKED) return;
  const cache = req.ctx.state(NETMSG_CACHE);
  if (cache.length < CACHE_MAX) cache.push(kmsg.vecNr > VEC_SOFT_CAP ? 0 : kmsg.vecNr);
}

/**
 * io_net_import_vec(): import a user iovec array into msg_iter, reusing the cached array as the
 * fast one; an array that needed more entries replaces it (io_vec_reset_iovec()).
 */
export function netImportVec(mem: UserMemory, kmsg: Kmsg, uvec: number, nr: number): number {
  const it = importIovec(mem, uvec, nr);
  if (typeof it === 'number') return it;
  kmsg.iter = it;
  const fastSegs = kmsg.vecNr || 1;
  if (it.kind === 'iovec' && nr > fastSegs) kmsg.vecNr = nr;
  return 0;
}
