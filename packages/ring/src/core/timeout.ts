// Timeouts (io_uring/timeout.c): TIMEOUT's timer and completion count, its multishot re-arming,
// the flush that completes counted timeouts as CQEs arrive, cancellation (TIMEOUT_REMOVE,
// ASYNC_CANCEL), updates, and the kill at ring exit. Linked timeouts are in link-timeout.ts.

import { ERRNO } from '../uapi/errno.js';
import { IORING_CQE_F, IORING_TIMEOUT } from '../uapi/constants.js';
import { reqSetFail, reqSetRes, type Req } from './req.js';
import type { RingCtx } from './ctx.js';
import { completeDefer, reqPostCqe, reqTaskQueueFail } from './complete.js';
import { taskWorkAdd } from './tw.js';
import { TIMEOUTS, listDel, timeoutCmd, type RingTimeouts } from './timeout-state.js';

/** io_is_timeout_noseq(): a pure timer, or a multishot one (its count is a repeat count). */
export function isTimeoutNoseq(req: Req): boolean {
  const t = timeoutCmd(req);
  return !t.off || (t.flags & IORING_TIMEOUT.MULTISHOT) !== 0;
}

/** Marks the ring as using counted timeouts (ctx->off_timeout_used): every CQ commit flushes them. */
export function useOffTimeouts(ctx: RingCtx): void {
  ctx.offTimeoutFlush ??= flushTimeouts;
}

/** io_timeout(): queue the timeout in the list, sorted by the events it still needs, and start its timer. */
export function timeoutIssue(req: Req): void {
  const ctx = req.ctx;
  const st = ctx.state(TIMEOUTS);
  const t = timeoutCmd(req);
  let at = st.list.length;
  if (!isTimeoutNoseq(req)) {
    const tail = (ctx.cachedCqTail - st.cqTimeouts) >>> 0;
    t.targetSeq = (tail + t.off) >>> 0;
    st.lastTmFlush = tail;
    // Insertion sort from the back, skipping pure timers: the first entry is the one due first.
    for (at = st.list.length; at > 0; at--) {
      const prev = st.list[at - 1]!;
      if (isTimeoutNoseq(prev)) continue;
      if (t.off >= ((timeoutCmd(prev).targetSeq - tail) >>> 0)) break;
    }
  }
  st.list.splice(at, 0, req);
  t.timer.start(t.tsNs, t.abs);
}

/** io_timeout_fn(): the timer expired; the request completes -ETIME from task_work. */
export function timeoutFn(req: Req): void {
  const st = req.ctx.state(TIMEOUTS);
  const t = timeoutCmd(req);
  listDel(st.list, req);
  st.cqTimeouts++;
  if (!(t.flags & IORING_TIMEOUT.ETIME_SUCCESS)) reqSetFail(req);
  reqSetRes(req, -ERRNO.ETIME, 0);
  taskWorkAdd(req.ctx, () => timeoutComplete(req));
}

/** io_timeout_finish(): whether a multishot timeout has expired for the last time. */
function timeoutFinish(req: Req): boolean {
  const t = timeoutCmd(req);
  if (!(t.flags & IORING_TIMEOUT.MULTISHOT)) return true;
  if (!t.off) return false;
  if (t.repeats && --t.repeats) return false;
  return true;
}

/** io_timeout_complete(): a multishot timeout posts -ETIME with F_MORE and re-arms, else completes. */
function timeoutComplete(req: Req): void {
  if (!timeoutFinish(req) && reqPostCqe(req, -ERRNO.ETIME, IORING_CQE_F.MORE)) {
    const t = timeoutCmd(req);
    req.ctx.state(TIMEOUTS).list.push(req);
    t.timer.start(t.tsNs, t.abs);
    return;
  }
  completeDefer(req);
}

/**
 * io_flush_timeouts(): counted timeouts whose count the CQ tail (less the timeouts' own CQEs)
 * has reached complete with 0. Runs on every CQ commit once a counted timeout was used.
 */
export function flushTimeouts(ctx: RingCtx): void {
  const st = ctx.state(TIMEOUTS);
  const seq = (ctx.cachedCqTail - st.cqTimeouts) >>> 0;
  const killed: Req[] = [];
  while (st.list.length) {
    const req = st.list[0]!;
    if (isTimeoutNoseq(req)) break;
    const needed = (timeoutCmd(req).targetSeq - st.lastTmFlush) >>> 0;
    const got = (seq - st.lastTmFlush) >>> 0;
    if (got < needed) break;
    if (!killTimeout(st, req, killed)) break;
  }
  st.lastTmFlush = seq;
  flushKilled(killed, 0);
}

/** io_kill_timeout(): stop the timer; the timeout's CQE will not count towards others. */
function killTimeout(st: RingTimeouts, req: Req, into: Req[]): boolean {
  if (timeoutCmd(req).timer.tryToCancel() === -1) return false;
  st.cqTimeouts++;
  listDel(st.list, req);
  into.push(req);
  return true;
}

/** io_flush_killed_timeouts(): each completes with `err` from task_work (failed when nonzero). */
function flushKilled(list: Req[], err: number): boolean {
  for (const req of list) {
    if (err) reqSetFail(req);
    // io_req_queue_tw_complete()
    reqSetRes(req, err, 0);
    taskWorkAdd(req.ctx, () => completeDefer(req));
  }
  return list.length > 0;
}

/** io_kill_timeouts() for a closing ring (cancel_all): every queued timeout completes -ECANCELED. */
export function killTimeouts(ctx: RingCtx): boolean {
  const st = ctx.state(TIMEOUTS);
  const killed: Req[] = [];
  for (const req of [...st.list]) killTimeout(st, req, killed);
  return flushKilled(killed, -ERRNO.ECANCELED);
}

/** io_timeout_extract(): the first queued timeout `match` accepts, its timer stopped; or -errno. */
export function timeoutExtract(ctx: RingCtx, match: (req: Req) => boolean): Req | number {
  const st = ctx.state(TIMEOUTS);
  const req = st.list.find(match);
  if (!req) return -ERRNO.ENOENT;
  if (timeoutCmd(req).timer.tryToCancel() === -1) return -ERRNO.EALREADY;
  listDel(st.list, req);
  return req;
}

/** io_timeout_cancel(): the timeout found fails with -ECANCELED from task_work. */
export function timeoutCancel(ctx: RingCtx, match: (req: Req) => boolean): number {
  const req = timeoutExtract(ctx, match);
  if (typeof req === 'number') return req;
  reqTaskQueueFail(req, -ERRNO.ECANCELED);
  return 0;
}

/** io_timeout_update(): the timeout becomes a pure timer with the new expiry, at the list's end. */
export function timeoutUpdate(ctx: RingCtx, udLo: number, udHi: number, ns: number, abs: boolean): number {
  const req = timeoutExtract(ctx, (r) => r.udLo === udLo && r.udHi === udHi);
  if (typeof req === 'number') return req;
  const t = timeoutCmd(req);
  t.off = 0;
  // data->ts changes, data->mode does not: a multishot re-arm uses the original mode.
  t.tsNs = ns;
  ctx.state(TIMEOUTS).list.push(req);
  t.timer.start(ns, abs);
  return 0;
}

/** io_linked_timeout_update(): an armed linked timeout restarts with the new expiry. */
export function linkedTimeoutUpdate(ctx: RingCtx, udLo: number, udHi: number, ns: number, abs: boolean): number {
  const req = ctx.state(TIMEOUTS).ltList.find((r) => r.udLo === udLo && r.udHi === udHi);
  if (!req) return -ERRNO.ENOENT;
  const t = timeoutCmd(req);
  if (t.timer.tryToCancel() === -1) return -ERRNO.EALREADY;
  t.timer.start(ns, abs);
  return 0;
}
