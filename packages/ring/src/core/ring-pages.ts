// The pages of a ring's own two regions, io_rings (header, CQEs, SQ array) and the SQE array:
// io_allocate_scq_urings() creates each with io_create_region(), which charges its pages to
// ctx->user (set only without CAP_IPC_LOCK) against RLIMIT_MEMLOCK, and io_rings_free() (from
// io_ring_ctx_free()) gives them back. Only user->locked_vm moves: not mm->pinned_vm (VmPin).
// So 6.18 does; 7.3 charges neither region (profile quirk ringPagesMemlock; testbed scenario
// rsrc-memlock-enomem shows both: of a 32-page limit a ring leaves 30 pages on 6.18, all 32 on 7.3).

import { PAGE_SIZE, pageAlign } from '../memory.js';
import { accountMem, unaccountMem, type MemAccounting } from './mem-account.js';
import { ctxUser } from './memmap.js';
import type { IoHost } from './host.js';
import type { RingCtx } from './ctx.js';
import type { RingLayout } from './setup.js';

/** What one ring charged, to give back when it is freed (ctx->user and both regions' pages). */
export interface RingCharge {
  readonly user: MemAccounting | null;
  readonly pages: number;
}

const charges = new WeakMap<RingCtx, RingCharge>();

/**
 * The io_create_region() accounting of both regions, rings first: a charge past RLIMIT_MEMLOCK
 * fails with -ENOMEM, and the rings' charge goes back when the SQE region's fails.
 */
export function chargeRingRegions(host: IoHost, layout: RingLayout): RingCharge | number {
  const user = host.profile.quirks.ringPagesMemlock === true ? ctxUser(host) : null;
  if (!user) return { user, pages: 0 };
  const rings = pageAlign(layout.rings_size) / PAGE_SIZE;
  const sqes = pageAlign(layout.sq_size) / PAGE_SIZE;
  let ret = accountMem(host, user, rings);
  if (ret) return ret;
  ret = accountMem(host, user, sqes);
  if (ret) {
    unaccountMem(host, user, rings);
    return ret;
  }
  return { user, pages: rings + sqes };
}

/** io_free_region() of both regions, for a setup that failed after charging them. */
export function unchargeRingRegions(host: IoHost, c: RingCharge): void {
  if (c.user && c.pages) unaccountMem(host, c.user, c.pages);
}

/** The ring keeps its charge until io_ring_ctx_free(). */
export function recordRingCharge(ctx: RingCtx, c: RingCharge): void {
  charges.set(ctx, c);
}

/** io_rings_free(), from io_ring_ctx_free(). */
export function freeRingRegions(ctx: RingCtx): void {
  const c = charges.get(ctx);
  if (!c) return;
  charges.delete(ctx);
  unchargeRingRegions(ctx.kernel, c);
}
