// IOSQE_IO_DRAIN: io_drain_req() and io_queue_deferred() (io_uring/io_uring.c). A drained
// request waits until everything submitted before it has completed, then runs alone.

import type { RingCtx } from './ctx.js';
import { INT_F } from './ctx.js';
import { REQ_F, type Req } from './req.js';
import { reqTaskQueue } from './tw.js';

/** io_linked_nr() */
export function linkedNr(req: Req): number {
  let n = 0;
  for (let r: Req | null = req; r; r = r.link) n++;
  return n;
}

/** io_drain_req() */
export function drainReq(req: Req): void {
  const ctx = req.ctx;
  const drain = (req.flags & REQ_F.IO_DRAIN) !== 0;
  ctx.nrDrained += linkedNr(req);
  ctx.deferList.push(req);
  queueDeferred(ctx);
  if (!drain && ctx.deferList.length === 0) ctx.intFlags &= ~INT_F.DRAIN_ACTIVE;
}

/** io_queue_deferred(): release deferred requests once nothing older is alive. */
export function queueDeferred(ctx: RingCtx): boolean {
  let drainSeen = false;
  let first = true;
  let drainQueued = false;
  if (ctx.inflight === ctx.nrDrained) ctx.drainReq = null;
  while (ctx.deferList.length > 0) {
    const req = ctx.deferList[0]!;
    drainSeen ||= (req.flags & REQ_F.IO_DRAIN) !== 0;
    if ((drainSeen || first) && ctx.inflight !== ctx.nrDrained) return drainQueued;
    ctx.deferList.shift();
    ctx.nrDrained -= linkedNr(req);
    if (req.flags & REQ_F.IO_DRAIN) {
      drainQueued = true;
      if (!req.link) ctx.drainReq = req;
    }
    reqTaskQueue(req);
    first = false;
  }
  return drainQueued;
}
