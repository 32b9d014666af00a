// Running task_work: tctx_task_work() for the task's list and io_run_local_work() for a
// DEFER_TASKRUN ring's list. Each batch ends by flushing the batched completions of the rings
// it touched (ctx_flush_and_put()).

import type { RingCtx } from './ctx.js';
import type { TaskWorkQueue } from './host.js';
import { flushCompletions } from './complete.js';
import { updateTaskrunFlag } from './tw.js';

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

/** IO_LOCAL_TW_DEFAULT_MAX: items one run handles at most unless the caller waits for more. */
export const LOCAL_TW_DEFAULT_MAX = 20;

/**
 * io_run_local_work() / __io_run_local_work(): run a DEFER_TASKRUN ring's queued work, a pass at
 * a time, and flush its completions. Work queued meanwhile (the next link of a chain) waits for
 * the next run unless fewer than `minEvents` items ran (io_run_local_work_continue()); at most
 * `maxEvents` run in one call. SQ_TASKRUN stays set while work is left.
 */
export function runLocalWork(ctx: RingCtx, minEvents = 0, maxEvents = Math.max(LOCAL_TW_DEFAULT_MAX, minEvents)): number {
  let n = 0;
  while (ctx.localWork.length > 0 && n < maxEvents) {
    const batch = ctx.localWork.splice(0, maxEvents - n);
    for (const fn of batch) fn();
    n += batch.length;
    flushCompletions(ctx);
    if (n >= minEvents) break;
  }
  updateTaskrunFlag(ctx);
  return n;
}
