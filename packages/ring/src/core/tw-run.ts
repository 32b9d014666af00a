// Running task_work: tctx_task_work() for the task's list and io_run_local_work() for a
// DEFER_TASKRUN ring's list. Each batch ends by flushing the batched completions of the rings
// it touched (ctx_flush_and_put()).

import type { RingCtx } from './ctx.js';
import type { TaskWorkQueue } from './host.js';
import { flushCompletions } from './complete.js';
import { localWorkPending, markTaskrun } from './tw.js';
import { IORING_SETUP as S, IORING_SQ } from '../uapi/constants.js';
import { UringError } from '../errors.js';

/** The task's task_work list. */
export class Task implements TaskWorkQueue {
  private work: { ctx: RingCtx; fn: () => void }[] = [];
  get pending(): boolean {
    return this.work.length > 0;
  }
  add(ctx: RingCtx, fn: () => void): void {
    this.work.push({ ctx, fn });
  }
  /** tctx_task_work(): run everything queued, then flush each ring's batched completions. */
  run(): void {
    while (this.work.length) {
      const batch = this.work.splice(0);
      const touched = new Set<RingCtx>();
      for (const w of batch) {
        w.fn();
        touched.add(w.ctx);
      }
      for (const ctx of touched) flushCompletions(ctx);
    }
  }
}

/** IO_LOCAL_TW_DEFAULT_MAX: items one pass handles at most unless the caller waits for more. */
export const LOCAL_TW_DEFAULT_MAX = 20;

/** More passes than any CQ could need: a model livelock (work that requeues itself forever). */
const LOCAL_TW_MAX_PASSES = 1 << 20;

/**
 * __io_run_local_work_loop(): run items off the front of `list` until it is empty or `events`
 * ran; the first always runs (the count is checked after it).
 */
function runLocalWorkLoop(list: (() => void)[], events: number): number {
  let ret = 0;
  while (list.length) {
    list.shift()!();
    if (++ret >= events) break;
  }
  return ret;
}

/**
 * io_run_local_work_continue(): go again while work is left and fewer than `minEvents` ran;
 * stopping with work left raises IORING_SQ_TASKRUN so user space knows to enter again.
 */
function runLocalWorkContinue(ctx: RingCtx, events: number, minEvents: number): boolean {
  if (!localWorkPending(ctx)) return false;
  if (events < minEvents) return true;
  markTaskrun(ctx);
  return false;
}

/**
 * io_run_local_work() / __io_run_local_work(): run a DEFER_TASKRUN ring's local work and flush
 * its completions. IORING_SQ_TASKRUN is lowered once, before the first pass; work queued during
 * the run (a link's next member, queued by the flush: io_queue_next() -> io_req_task_queue()
 * -> io_req_local_work_add() on an empty work_llist) raises it again, and nothing here lowers
 * it then. A pass runs retry_llist, then (if that emptied) what work_llist holds now, up to
 * `maxEvents` each pass, leaving the rest on retry_llist; the flush comes after the passes. It
 * goes again while fewer than `minEvents` ran (counted down by each pass). Returns the last
 * pass's count.
 */
export function runLocalWork(ctx: RingCtx, minEvents = 0, maxEvents = Math.max(LOCAL_TW_DEFAULT_MAX, minEvents)): number {
  clearTaskrun(ctx);
  let ret = 0;
  let min = minEvents;
  for (let passes = 0; ; passes++) {
    if (passes > LOCAL_TW_MAX_PASSES) throw new UringError('INTERNAL', `local task_work of ring fd ${ctx.fd} still queues more after ${LOCAL_TW_MAX_PASSES} passes (a model livelock)`);
    min -= ret;
    ret = runLocalWorkLoop(ctx.retryWork, maxEvents);
    if (ctx.retryWork.length === 0) {
      // llist_del_all(&ctx->work_llist), reversed back into queueing order.
      const node = ctx.localWork.splice(0);
      ret += runLocalWorkLoop(node, maxEvents - ret);
      ctx.retryWork.push(...node);
      if (runLocalWorkContinue(ctx, ret, min)) continue;
    }
    // retry_done:
    flushCompletions(ctx);
    if (runLocalWorkContinue(ctx, ret, min)) continue;
    return ret;
  }
}

/** io_run_task_work_sig()'s local part: a sleeper woken by task work runs all of it. */
export function runLocalWorkSig(ctx: RingCtx): number {
  if (!localWorkPending(ctx)) return 0;
  return runLocalWork(ctx, 0x7fffffff, LOCAL_TW_DEFAULT_MAX);
}

/** io_run_local_work_locked(): from io_uring_enter() after submitting; nothing pending, no run. */
export function runLocalWorkLocked(ctx: RingCtx, minEvents: number): number {
  if (!localWorkPending(ctx)) return 0;
  return runLocalWork(ctx, minEvents);
}

/** The atomic_andnot(IORING_SQ_TASKRUN) at the start of __io_run_local_work(). */
function clearTaskrun(ctx: RingCtx): void {
  if (ctx.flags & S.TASKRUN_FLAG) ctx.sqFlags &= ~IORING_SQ.TASKRUN;
}
