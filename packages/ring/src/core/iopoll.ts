// Completion by polling (io_uring/io_uring.c: io_iopoll_req_issued(), io_iopoll_check(),
// io_iopoll_try_reap_events(); rw.c: io_do_iopoll()). On an IOPOLL ring an issued O_DIRECT
// request goes on ctx->iopoll_list; no interrupt or task_work will post its CQE. It is posted
// when the application enters with IORING_ENTER_GETEVENTS (or the SQ thread polls, or the ring
// is torn down) and a poll of the file finds it finished.

import { ERRNO } from '../uapi/errno.js';
import { CHECK_CQ, type RingCtx } from './ctx.js';
import type { Req } from './req.js';
import { flushCompletions } from './complete.js';
import { flushOverflow } from './cqe.js';
import { putKbufs } from './kbuf.js';
import { runLocalWorkLocked } from './tw-run.js';
import { localWorkPending } from './tw.js';
import { UringError } from '../errors.js';

const REAP_POLLS_MAX = 1_000_000;

/** io_iopoll_req_issued(): the request may now be found by a poll. */
export function iopollReqIssued(req: Req): void {
  const ctx = req.ctx;
  // Polls spin only while every request on the list is on one file (ctx->poll_multi_queue).
  if (ctx.iopollList.length === 0) ctx.pollMultiQueue = false;
  else if (!ctx.pollMultiQueue && ctx.iopollList[0]!.file !== req.file) ctx.pollMultiQueue = true;
  ctx.iopollList.push(req);
}

/**
 * io_do_iopoll(): poll the files of the listed requests until one poll finds something (it
 * spins on the first unless forceNonspin or several files are involved), then post every
 * finished request, in list order, as one completion batch. Returns how many were posted.
 */
export function doIopoll(ctx: RingCtx, forceNonspin: boolean): number {
  const sched = ctx.kernel.sched;
  let oneshot = ctx.pollMultiQueue || forceNonspin;
  for (const req of ctx.iopollList) {
    if (req.iopollCompleted) break;
    const found = req.file!.iopoll!(sched, !oneshot);
    if (found) oneshot = true;
    // A poll that completed something (this request or another) ends the polling pass.
    if (found || req.iopollCompleted) break;
  }
  const done = ctx.iopollList.filter((r) => r.iopollCompleted);
  if (done.length === 0) return 0;
  ctx.iopollList = ctx.iopollList.filter((r) => !r.iopollCompleted);
  for (const req of done) {
    req.cflags = putKbufs(req, Math.max(req.res, 0), null, 1, 0);
    ctx.complReqs.push(req);
  }
  flushCompletions(ctx);
  return done.length;
}

/**
 * A polling pass that found nothing is followed by another at once, the CPU busy all along
 * (single passes do not spin when several files are listed). In virtual time that loop is one
 * wait for the first listed file's earliest I/O to finish.
 */
function pollIdle(ctx: RingCtx): void {
  const first = ctx.iopollList[0];
  if (first && !first.iopollCompleted) first.file!.iopoll!(ctx.kernel.sched, true);
}

/** io_cqring_events(): CQEs posted and not yet consumed. */
function cqringEvents(ctx: RingCtx): number {
  return (ctx.cachedCqTail - ctx.cqHead) >>> 0;
}

/**
 * io_iopoll_check(): GETEVENTS on an IOPOLL ring. It never sleeps: with CQEs already there it
 * returns at once (without polling), with nothing on the iopoll list it returns after running
 * task_work, and otherwise it polls until min_complete CQEs are there.
 */
export function iopollCheck(ctx: RingCtx, minEvents: number): number {
  const k = ctx.kernel;
  const min = Math.min(minEvents, ctx.cqEntries);
  const check = ctx.checkCq;
  if (check) {
    if (check & CHECK_CQ.OVERFLOW) flushOverflow(ctx);
    // Do not spin while the application has not been told about dropped CQEs.
    if (check & CHECK_CQ.DROPPED) return -ERRNO.EBADR;
  }
  // Events already there: polling could spin on requests that already completed.
  if (cqringEvents(ctx)) return 0;
  let polls = 0;
  do {
    if (++polls > REAP_POLLS_MAX) throw new UringError('INTERNAL', `GETEVENTS polled ${REAP_POLLS_MAX} times without reaching min_complete ${min}`);
    if (ctx.iopollList.length === 0 || k.task.pending || localWorkPending(ctx)) {
      runLocalWorkLocked(ctx, 0);
      if (k.task.pending || ctx.iopollList.length === 0) k.task.run();
      // Some requests do not go through the iopoll list (NOPs, failures): nothing to poll for.
      if (ctx.iopollList.length === 0) break;
    }
    const ret = doIopoll(ctx, !min);
    if (ret < 0) return ret;
    if (ret === 0 && min) pollIdle(ctx);
  } while (cqringEvents(ctx) < min);
  return 0;
}

/**
 * io_iopoll_try_reap_events() as the exit work repeats it: reap every polled request, waiting
 * for the device as long as it takes, so nothing is left in flight on a dead ring.
 */
export function iopollReapAll(ctx: RingCtx): void {
  // Each spinning poll completes at least one bio of the device (maybe another ring's), so the
  // list drains; the bound only turns a model bug into an error instead of a hang.
  for (let polls = 0; ctx.iopollList.length; polls++) {
    if (polls > REAP_POLLS_MAX) {
      throw new UringError('INTERNAL', `${ctx.iopollList.length} polled requests never completed (the ring is being torn down)`);
    }
    if (doIopoll(ctx, false) === 0) pollIdle(ctx);
  }
}
