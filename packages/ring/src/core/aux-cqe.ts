// io_post_aux_cqe() (io_uring/io_uring.c): a CQE that belongs to no request, such as the tag of
// a registered resource whose last reference went, posted and published on its own.

import { IORING_CQE_F, IORING_SETUP as S } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { addOverflowLocked, commitCqringFlush, fillCqeAux } from './cqe.js';
import type { RingCtx } from './ctx.js';

const C_COMPLETION_LOCK = counter('lock', 'completion_lock');

/**
 * io_post_aux_cqe(): under completion_lock (io_cq_lock()), fill the CQE as io_fill_cqe_aux()
 * does; when the ring has no room or a backlog, queue it on the overflow backlog instead of
 * dropping it (io_cqe_overflow_locked(): a 32-byte entry on a CQE32 ring or with
 * IORING_CQE_F_32, its big_cqe words zero). Then io_cq_unlock_post(): the tail is committed and
 * the commit's flush (eventfd, counted timeouts) runs, whether or not anything was filled.
 * False only when the CQE was lost (the overflow entry could not be allocated).
 */
export function postAuxCqe(ctx: RingCtx, udLo: number, udHi: number, res: number, cflags: number): boolean {
  ctx.kernel.costs.add(C_COMPLETION_LOCK);
  let filled = fillCqeAux(ctx, udLo, udHi, res, cflags);
  if (!filled) {
    const is32 = (cflags & IORING_CQE_F['32']) !== 0 || (ctx.flags & S.CQE32) !== 0;
    filled = addOverflowLocked(ctx, { udLo, udHi, res, flags: cflags, big0: 0, big1: 0, big2: 0, big3: 0, is32 });
  }
  commitCqringFlush(ctx);
  return filled;
}
