// The timeout lists of a ring (ctx->timeout_list, ctx->ltimeout_list, ctx->cq_timeouts) and the
// per-request state of TIMEOUT and LINK_TIMEOUT (struct io_timeout + struct io_timeout_data).
// A leaf: the completion side disarms linked timeouts through it without importing timeout.ts.

import { IORING_OP } from '../uapi/constants.js';
import { defineRingState } from '../extension/define.js';
import { REQ_F, type Req } from './req.js';
import type { HrTimer } from './hrtimer.js';
import type { RingCtx } from './ctx.js';

export interface TimeoutCmd {
  /** TIMEOUT: CQEs to wait for (sqe->off as a u32); 0 is a pure timer ("noseq"). */
  off: number;
  targetSeq: number;
  /** IORING_TIMEOUT_MULTISHOT with a count: expiries left. */
  repeats: number;
  /** data->flags: sqe->timeout_flags. */
  flags: number;
  /** data->ts in ns, and data->mode (HRTIMER_MODE_ABS). */
  tsNs: number;
  abs: boolean;
  timer: HrTimer;
  /** LINK_TIMEOUT: the request it guards (timeout->head), NULL once either side won. */
  head: Req | null;
  /** LINK_TIMEOUT that fired: the request it cancels (timeout->prev). */
  prev: Req | null;
}

export interface RingTimeouts {
  /** ctx->timeout_list: counted timeouts first (by events still needed), then pure timers. */
  readonly list: Req[];
  /** ctx->ltimeout_list: armed linked timeouts. */
  readonly ltList: Req[];
  /** ctx->cq_timeouts: CQEs that timeouts posted (they do not count towards other timeouts). */
  cqTimeouts: number;
  /** ctx->cq_last_tm_flush */
  lastTmFlush: number;
}

export const TIMEOUTS = defineRingState<RingTimeouts>('core.timeouts', () => ({ list: [], ltList: [], cqTimeouts: 0, lastTmFlush: 0 }));

/** atomic_read(&ctx->cq_timeouts), without creating the lists of a ring that never used them. */
export function cqTimeouts(ctx: RingCtx): number {
  return ctx.hasState(TIMEOUTS) ? ctx.state(TIMEOUTS).cqTimeouts : 0;
}

export function timeoutCmd(req: Req): TimeoutCmd {
  return req.cmd as unknown as TimeoutCmd;
}

/** io_remove_next_linked() */
export function removeNextLinked(req: Req): void {
  const nxt = req.link!;
  req.link = nxt.link;
  nxt.link = null;
}

function listDel(list: Req[], req: Req): void {
  const i = list.indexOf(req);
  if (i >= 0) list.splice(i, 1);
}

/**
 * The linked-timeout half of io_disarm_next(): the LINK_TIMEOUT behind a finished request is
 * taken out of the chain, its timer cancelled. Returns the LINK_TIMEOUT to complete with
 * -ECANCELED, or null (none, or its timer already fired and it completes on its own).
 */
export function disarmLinkedTimeout(req: Req): Req | null {
  const link = req.link;
  if (req.flags & REQ_F.ARM_LTIMEOUT) {
    req.flags &= ~REQ_F.ARM_LTIMEOUT;
    if (link && link.opcode === IORING_OP.LINK_TIMEOUT) {
      removeNextLinked(req);
      return link;
    }
    return null;
  }
  // io_disarm_linked_timeout() -> __io_disarm_linked_timeout()
  if (!link || link.opcode !== IORING_OP.LINK_TIMEOUT) return null;
  // Only a LINK_TIMEOUT armed for this request (REQ_F_LINK_TIMEOUT); one that failed prep has no state.
  const t = link.cmd ? timeoutCmd(link) : null;
  if (!t || t.head !== req) return null;
  removeNextLinked(req);
  t.head = null;
  if (t.timer.tryToCancel() !== -1) {
    listDel(req.ctx.state(TIMEOUTS).ltList, link);
    return link;
  }
  return null;
}

export { listDel };
