// CQE posting and the overflow backlog: io_get_cqe()/io_cqe_cache_refill(), io_fill_nop_cqe(),
// io_cqring_add_overflow(), __io_cqring_overflow_flush() (io_uring/io_uring.c).

import { IORING_CQE_F, IORING_SETUP as S, IORING_SQ } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { RINGS } from './setup.js';
import { CHECK_CQ, type OverflowCqe, type RingCtx } from './ctx.js';

const C_CQE = counter('event', 'cqe_posted');
const C_OCQE_ALLOC = counter('alloc', 'kzalloc:io_overflow_cqe');
const C_OCQE_FREE = counter('free', 'kfree:io_overflow_cqe');
const C_COMPLETION_LOCK = counter('lock', 'completion_lock');

/** io_cqring_queued(): entries between the cached tail and the user's head, clamped. */
function cqQueued(ctx: RingCtx): number {
  const diff = (ctx.cachedCqTail - ctx.cqHead) | 0;
  if (diff >= 0) return diff < ctx.cqEntries ? diff : ctx.cqEntries;
  return 0;
}

/**
 * io_get_cqe_overflow(): reserve the next CQE slot, in 16-byte units from cqes[0], or -1.
 * Unless `overflow` (the flush itself), nothing is posted while a backlog exists, which is
 * what keeps the global CQE order.
 */
export function getCqe(ctx: RingCtx, overflow: boolean, cqe32: boolean): number {
  if (ctx.kernel.profile.quirks.cqeCacheOutlivesFailedRefill === true) return getCqeCached(ctx, overflow, cqe32);
  if (!cqeCacheRefill(ctx, overflow, cqe32)) return -1;
  return takeCqe(ctx, ctx.cachedCqTail & (ctx.cqEntries - 1), cqe32);
}

/**
 * 6.18's io_get_cqe_overflow(): what is left of the range the last io_cqe_cache_refill() handed
 * out is used without looking at the overflow bit, and a refill that fails (after posting a
 * filler, or for a 32-byte CQE with one entry left) leaves that range in place. So a 16-byte CQE
 * can land in the slot a filler took (the tail already counts the filler, and the entry after it
 * is published with whatever it held), or ahead of a 32-byte CQE that overflowed. 7.3 no longer
 * posts into a range once a refill failed, which the fresh computation in getCqe() matches.
 */
function getCqeCached(ctx: RingCtx, overflow: boolean, cqe32: boolean): number {
  const need = cqe32 && ctx.flags & S.CQE_MIXED ? 2 : 1;
  if (ctx.cqeCacheLeft < need) {
    if (!cqeCacheRefill(ctx, overflow, cqe32)) return -1;
    const off = ctx.cachedCqTail & (ctx.cqEntries - 1);
    ctx.cqeCacheOff = off;
    ctx.cqeCacheLeft = Math.min(ctx.cqEntries - cqQueued(ctx), ctx.cqEntries - off);
  }
  const off = ctx.cqeCacheOff;
  ctx.cqeCacheOff += need;
  ctx.cqeCacheLeft -= need;
  return takeCqe(ctx, off, cqe32);
}

/** The tail and slot bookkeeping of io_get_cqe_overflow() once a slot at entry `off` is there. */
function takeCqe(ctx: RingCtx, off: number, cqe32: boolean): number {
  if (ctx.flags & S.CQE32) {
    ctx.cachedCqTail = (ctx.cachedCqTail + 1) >>> 0;
    return off << 1;
  }
  ctx.cachedCqTail = (ctx.cachedCqTail + (cqe32 && ctx.flags & S.CQE_MIXED ? 2 : 1)) >>> 0;
  return off;
}

/**
 * io_cqe_cache_refill(): whether the entries from the cached tail on have room for one CQE
 * (two entries for a 32-byte CQE on a CQE_MIXED ring), posting the IORING_CQE_F_SKIP filler
 * first when such a CQE would straddle the ring end (io_fill_nop_cqe()); the filler stays even
 * if the refill then fails.
 */
function cqeCacheRefill(ctx: RingCtx, overflow: boolean, cqe32: boolean): boolean {
  if (!overflow && ctx.checkCq & CHECK_CQ.OVERFLOW) return false;
  const mixed32 = cqe32 && (ctx.flags & S.CQE_MIXED) !== 0;
  let off = ctx.cachedCqTail & (ctx.cqEntries - 1);
  if (mixed32 && off + 1 === ctx.cqEntries) {
    // io_fill_nop_cqe()
    if (cqQueued(ctx) >= ctx.cqEntries) return false;
    writeCqe(ctx, off, 0, 0, 0, IORING_CQE_F.SKIP);
    ctx.cachedCqTail = (ctx.cachedCqTail + 1) >>> 0;
    off = 0;
  }
  const len = Math.min(ctx.cqEntries - cqQueued(ctx), ctx.cqEntries - off);
  return len >= (mixed32 ? 2 : 1);
}

/**
 * Writes the 16-byte head of the CQE at `slot` (16-byte units from cqes[0]). The big_cqe words
 * are separate (writeBigCqe): the kernel leaves them alone for a 16-byte aux CQE.
 */
export function writeCqe(ctx: RingCtx, slot: number, udLo: number, udHi: number, res: number, flags: number): void {
  const w = (RINGS.cqes >> 2) + slot * 4;
  ctx.u32[w] = udLo;
  ctx.u32[w + 1] = udHi;
  ctx.i32[w + 2] = res;
  ctx.u32[w + 3] = flags;
  ctx.kernel.costs.add(C_CQE);
}

/** big_cqe[0] and big_cqe[1] of the 32-byte CQE at `slot`, as four u32 words (low word first). */
export function writeBigCqe(ctx: RingCtx, slot: number, b0: number, b1: number, b2: number, b3: number): void {
  const w = (RINGS.cqes >> 2) + slot * 4 + 4;
  ctx.u32[w] = b0;
  ctx.u32[w + 1] = b1;
  ctx.u32[w + 2] = b2;
  ctx.u32[w + 3] = b3;
}

/**
 * io_fill_cqe_req(), falling back to io_cqe_overflow(): posts one CQE, or queues it on the
 * overflow backlog when the ring has no room. A CQE32 ring, or IORING_CQE_F_32 in `flags`, makes
 * it a 32-byte CQE carrying b0..b3 (big_cqe[0] low/high, big_cqe[1] low/high). Returns false
 * only if it was dropped. The caller publishes the tail with commitCqringFlush().
 */
export function postCqe(
  ctx: RingCtx, udLo: number, udHi: number, res: number, flags: number,
  b0 = 0, b1 = 0, b2 = 0, b3 = 0,
): boolean {
  const is32 = (flags & IORING_CQE_F['32']) !== 0;
  const big = is32 || (ctx.flags & S.CQE32) !== 0;
  const slot = getCqe(ctx, false, is32);
  if (slot >= 0) {
    writeCqe(ctx, slot, udLo, udHi, res, flags);
    if (big) writeBigCqe(ctx, slot, b0, b1, b2, b3);
    return true;
  }
  return big
    ? addOverflow(ctx, { udLo, udHi, res, flags, big0: b0, big1: b1, big2: b2, big3: b3, is32: true })
    : addOverflow(ctx, { udLo, udHi, res, flags, big0: 0, big1: 0, big2: 0, big3: 0, is32: false });
}

/**
 * io_fill_cqe_aux(): post a CQE only if the ring has room and no backlog; never overflows.
 * Multishot requests use it for the CQEs before their last one. An IORING_CQE_F_32 CQE gets its
 * big_cqe words zeroed; so does any aux CQE on a CQE32 ring on 7.3, while 6.18 left the slot's
 * old words there (profile quirk auxCqeZeroesBig). The caller commits.
 */
export function fillCqeAux(ctx: RingCtx, udLo: number, udHi: number, res: number, flags: number): boolean {
  const is32 = (flags & IORING_CQE_F['32']) !== 0;
  const slot = getCqe(ctx, false, is32);
  if (slot < 0) return false;
  writeCqe(ctx, slot, udLo, udHi, res, flags);
  if (is32 || (ctx.flags & S.CQE32 && ctx.kernel.profile.quirks.auxCqeZeroesBig)) writeBigCqe(ctx, slot, 0, 0, 0, 0);
  return true;
}

/**
 * io_fill_cqe_aux32(): post a 32-byte CQE with its big_cqe words (b0..b3: big_cqe[0] low/high,
 * big_cqe[1] low/high), only if there is room; never overflows. The ring must be CQE32 or
 * CQE_MIXED (else false, where the kernel warns). `flags` go in as given: on a CQE_MIXED ring
 * the caller sets IORING_CQE_F_32 (see cqe32Flag()), as io_zcrx_queue_cqe() does. The caller commits.
 */
export function fillCqeAux32(
  ctx: RingCtx, udLo: number, udHi: number, res: number, flags: number,
  b0: number, b1: number, b2: number, b3: number,
): boolean {
  if (!(ctx.flags & (S.CQE32 | S.CQE_MIXED))) return false;
  const slot = getCqe(ctx, false, true);
  if (slot < 0) return false;
  writeCqe(ctx, slot, udLo, udHi, res, flags);
  writeBigCqe(ctx, slot, b0 >>> 0, b1 >>> 0, b2 >>> 0, b3 >>> 0);
  return true;
}

/** The flag a 32-byte CQE needs on this ring: IORING_CQE_F_32 on CQE_MIXED, nothing on CQE32. */
export function cqe32Flag(ctx: RingCtx): number {
  return ctx.flags & S.CQE_MIXED ? IORING_CQE_F['32'] : 0;
}

/** io_cqe_overflow(): io_alloc_ocqe() + io_cqring_add_overflow() under completion_lock. */
function addOverflow(ctx: RingCtx, ocqe: OverflowCqe): boolean {
  ctx.kernel.costs.add(C_COMPLETION_LOCK);
  return addOverflowLocked(ctx, ocqe);
}

/** io_cqe_overflow_locked(): the same, for a caller that holds completion_lock already. */
export function addOverflowLocked(ctx: RingCtx, ocqe: OverflowCqe): boolean {
  if (ctx.failOverflowAllocs > 0) {
    // Allocation failed: the completion is dropped and counted, and the next wait says so.
    ctx.failOverflowAllocs--;
    ctx.cqOverflowCount = (ctx.cqOverflowCount + 1) >>> 0;
    ctx.checkCq |= CHECK_CQ.DROPPED;
    return false;
  }
  ctx.kernel.costs.add(C_OCQE_ALLOC);
  if (ctx.overflow.length === 0) {
    ctx.checkCq |= CHECK_CQ.OVERFLOW;
    ctx.sqFlags = ctx.sqFlags | IORING_SQ.CQ_OVERFLOW;
  }
  ctx.overflow.push(ocqe);
  return true;
}

/** __io_cqring_overflow_flush(): move the backlog into the ring, oldest first, as room allows. */
export function flushOverflow(ctx: RingCtx, dying = false): void {
  if (!dying && cqQueued(ctx) === ctx.cqEntries) return;
  ctx.kernel.costs.add(C_COMPLETION_LOCK);
  let moved = 0;
  while (moved < ctx.overflow.length) {
    const o = ctx.overflow[moved]!;
    const cqe32 = o.is32 && !(ctx.flags & S.CQE32);
    if (!dying) {
      const slot = getCqe(ctx, true, cqe32);
      if (slot < 0) break;
      writeCqe(ctx, slot, o.udLo, o.udHi, o.res, o.flags);
      if (o.is32) writeBigCqe(ctx, slot, o.big0, o.big1, o.big2, o.big3);
    }
    ctx.kernel.costs.add(C_OCQE_FREE);
    moved++;
  }
  if (moved) ctx.overflow.splice(0, moved);
  if (ctx.overflow.length === 0) {
    ctx.checkCq &= ~CHECK_CQ.OVERFLOW;
    ctx.sqFlags = ctx.sqFlags & ~IORING_SQ.CQ_OVERFLOW;
  }
  // io_cq_unlock_post(): commits and flushes whether or not anything moved.
  commitCqringFlush(ctx);
}

/**
 * io_commit_cqring() + io_commit_cqring_flush(): publish the cached tail, then run what hangs
 * off a commit (eventfd signalling), once per commit batch rather than once per CQE.
 */
export function commitCqringFlush(ctx: RingCtx): void {
  ctx.commitCq();
  // __io_commit_cqring_flush(): counted timeouts first, then what the extensions hang off it.
  if (ctx.offTimeoutFlush) ctx.offTimeoutFlush(ctx);
  ctx.kernel.hooks.cqCommit(ctx);
}
