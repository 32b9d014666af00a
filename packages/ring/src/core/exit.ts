// Tearing a ring down once its last file reference is gone (io_uring/io_uring.c):
// io_uring_release() -> io_ring_ctx_wait_and_kill() marks the ring dying and queues
// io_ring_exit_work(), which cancels what can be cancelled, waits for what cannot (device I/O
// already issued) and, once the last request is gone, runs io_ring_ctx_free(). close(2) does
// not wait for any of it.

import { UringError } from '../errors.js';
import { CHECK_CQ, type RingCtx } from './ctx.js';
import { flushOverflow } from './cqe.js';
import { flushCompletions } from './complete.js';
import { localWorkPending } from './tw.js';
import { tryCancelRequests } from './cancel.js';
import { freeRegion } from './memmap.js';
import { freeRingRegions } from './ring-pages.js';

/**
 * Exit work passes a ring may take. A pass runs only when something happened (the close, a
 * request freed, local work queued), so a ring that needs more has requests that keep
 * requeueing themselves: a model bug, reported instead of looping.
 */
export const EXIT_MAX_PASSES = 10_000;
/** io_uring_try_cancel_requests() rounds in one pass before the exit work gives up. */
export const EXIT_CANCEL_ROUNDS = 1_000;

/** io_uring_release() -> io_ring_ctx_wait_and_kill() */
export function ringRelease(ctx: RingCtx): void {
  if (ctx.dead) return;
  const mem = ctx.kernel.memory;
  // percpu_ref_kill(): from here on, task_work for this ring runs in cancel mode.
  ctx.dead = true;
  // The application's mappings of the rings (liburing unmaps them before closing the fd).
  mem.munmap(ctx.ringsAddr);
  mem.munmap(ctx.sqesAddr);
  const work = new ExitWork(ctx);
  ctx.exitWork = work;
  // queue_work(iou_wq, &ctx->exit_work)
  work.kick();
}

/** io_ring_exit_work(), as passes that a kworker runs whenever it is kicked. */
class ExitWork {
  private queued = false;
  private done = false;
  private passes = 0;

  constructor(private readonly ctx: RingCtx) {}

  kick(): void {
    if (this.queued || this.done) return;
    this.queued = true;
    // A kworker of iou_wq, not an io-wq worker: io_wq_current_is_worker() is false there.
    this.ctx.kernel.sched.punt(() => {
      this.queued = false;
      this.pass();
    }, 'kworker');
  }

  private pass(): void {
    const ctx = this.ctx;
    if (this.done) return;
    if (++this.passes > EXIT_MAX_PASSES) {
      throw new UringError('INTERNAL', `ring fd ${ctx.fd} is still tearing down after ${EXIT_MAX_PASSES} exit passes with ${ctx.inflight} requests in flight (a model livelock)`);
    }
    // io_cqring_overflow_kill(): nobody will reap the backlog.
    if (ctx.checkCq & CHECK_CQ.OVERFLOW) flushOverflow(ctx, true);
    if (ctx.deferTaskrun) moveTaskWorkFromLocal(ctx);
    for (let i = 0; tryCancelRequests(ctx); i++) {
      if (i >= EXIT_CANCEL_ROUNDS) {
        throw new UringError('INTERNAL', `ring fd ${ctx.fd}: cancellation still finds requests after ${EXIT_CANCEL_ROUNDS} rounds (a model livelock)`);
      }
    }
    // wait_for_completion(&ctx->ref_comp): the last request's free kicks the next pass.
    if (ctx.inflight > 0) return;
    this.done = true;
    // DEFER_TASKRUN: synchronize_rcu(), pairing with the RCU section of io_req_local_work_add().
    if (ctx.deferTaskrun) ctx.kernel.sched.callRcu(() => ringCtxFree(ctx));
    else ringCtxFree(ctx);
  }
}

/**
 * io_move_task_work_from_local(): the submitter will never run this ring's local work again;
 * the fallback worker runs it, in cancel mode (PF_KTHREAD), and flushes its completions.
 */
function moveTaskWorkFromLocal(ctx: RingCtx): void {
  if (!localWorkPending(ctx)) return;
  // work_llist (newest first), then retry_llist (oldest first), each pushed item by item onto
  // fallback_llist, which runs from its head: retry_llist's items reversed, then work_llist's
  // in queueing order.
  const batch = [...ctx.retryWork.splice(0).reverse(), ...ctx.localWork.splice(0)];
  for (const fn of batch) fn();
  flushCompletions(ctx);
}

/** io_ring_ctx_free(): after the last request; the extensions free their per-ring state. */
function ringCtxFree(ctx: RingCtx): void {
  flushOverflow(ctx, true);
  ctx.kernel.hooks.ringFree(ctx);
  // After io_destroy_buffers() and the other per-ring frees, the parameter region goes.
  freeRegion(ctx.kernel, ctx.paramRegion);
  // io_rings_free(): the rings' and SQEs' regions, and their RLIMIT_MEMLOCK charge.
  freeRingRegions(ctx);
  ctx.freed = true;
}
