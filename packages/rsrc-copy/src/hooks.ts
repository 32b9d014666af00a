// Where the extension meets the ring's life: setup records who the ring charges (ctx->user),
// and io_ring_ctx_free() drops the buffer table (io_sqe_buffers_unregister()).

import type { RingCtx } from '@uringlab/ring/extend';
import { captureUser, rsrcRing } from './state.js';
import { rsrcDataFree } from './node.js';

export function onRingCreated(ctx: RingCtx): void {
  captureUser(ctx);
}

/** io_ring_ctx_free(): every request is gone; the table's nodes are put (tags post to no one). */
export function onRingFree(ctx: RingCtx): void {
  const rs = rsrcRing(ctx);
  if (rs.table.length) rsrcDataFree(ctx, rs.table);
}
