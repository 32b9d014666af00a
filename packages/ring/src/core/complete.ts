// Completion side: io_req_complete_defer(), __io_submit_flush_completions(),
// io_free_batch_list(), io_queue_next()/io_fail_links() (timeout.c), io_req_complete_post(),
// io_req_defer_failed(), and task_work delivery (tw.c).

import { ERRNO } from '../uapi/errno.js';
import { counter } from '../cost.js';
import { fillCqeAux, postCqe } from './cqe.js';
import { INT_F, type RingCtx } from './ctx.js';
import { IO_REQ_LINK_FLAGS, REQ_F, reqSetFail, reqSetRes, type Req } from './req.js';
import { queueDeferred } from './drain.js';
import { taskSubmit } from './submit.js';

const C_TW = counter('event', 'task_work');
const C_COMPLETION_LOCK = counter('lock', 'completion_lock');

/** io_req_complete_defer(): batch the completion; CQEs are posted at the next flush. */
export function completeDefer(req: Req): void {
  req.ctx.complReqs.push(req);
}

/** __io_submit_flush_completions() */
export function flushCompletions(ctx: RingCtx): void {
  const reqs = ctx.complReqs;
  if (reqs.length === 0) return;
  ctx.complReqs = [];
  for (let i = 0; i < reqs.length; i++) {
    const req = reqs[i]!;
    if (!(req.flags & REQ_F.CQE_SKIP)) postCqe(ctx, req.udLo, req.udHi, req.res, req.cflags, req.extra1, req.extra2);
  }
  let drainDone = false;
  if (ctx.intFlags & INT_F.DRAIN_ACTIVE && ctx.drainReq) drainDone = reqs.includes(ctx.drainReq);
  if (drainDone) ctx.drainReq = null;
  for (let i = 0; i < reqs.length; i++) freeReq(reqs[i]!);
  if (ctx.intFlags & INT_F.DRAIN_ACTIVE) {
    if (queueDeferred(ctx)) drainDone = false;
    if (drainDone && ctx.deferList.length === 0) ctx.intFlags &= ~INT_F.DRAIN_ACTIVE;
  }
}

/** The per-request part of io_free_batch_list(): start the next link member, clean up, recycle. */
export function freeReq(req: Req): void {
  const ctx = req.ctx;
  if (req.flags & IO_REQ_LINK_FLAGS) queueNext(req);
  ctx.kernel.putKbuf(req, req.res, 0);
  ctx.kernel.opdef(req.opcode).cleanup?.(req);
  ctx.freeReq(req);
}

/** io_queue_next() via io_req_find_next() and io_disarm_next() */
function queueNext(req: Req): void {
  if (req.flags & REQ_F.FAIL && !(req.flags & REQ_F.HARDLINK)) {
    failLinks(req);
    return;
  }
  const nxt = req.link;
  req.link = null;
  if (nxt) reqTaskQueue(nxt);
}

/** io_fail_links(): the rest of the chain completes with -ECANCELED (or its own init error). */
function failLinks(req: Req): void {
  const first = req.link;
  if (!first) return;
  const ignore = (req.flags & REQ_F.SKIP_LINK_CQES) !== 0;
  for (let l: Req | null = first; l; l = l.link) {
    if (ignore) l.flags |= REQ_F.CQE_SKIP;
    else l.flags &= ~REQ_F.CQE_SKIP;
  }
  req.link = null;
  // io_req_tw_fail_links()
  taskWorkAdd(first.ctx, () => {
    let l: Req | null = first;
    while (l) {
      const nxt: Req | null = l.link;
      const res = l.flags & REQ_F.FAIL ? l.res : -ERRNO.ECANCELED;
      l.link = null;
      reqSetRes(l, res, 0);
      completeDefer(l);
      l = nxt;
    }
  });
}

/**
 * io_req_post_cqe(): an extra CQE for a request that keeps running (multishot). Batched
 * completions are flushed first so CQEs stay in order; false when the CQ has no room, which
 * ends the multishot request.
 */
export function reqPostCqe(req: Req, res: number, cflags: number): boolean {
  const ctx = req.ctx;
  if (ctx.complReqs.length) flushCompletions(ctx);
  ctx.kernel.costs.add(C_COMPLETION_LOCK);
  return fillCqeAux(ctx, req.udLo, req.udHi, res, cflags);
}

/** io_req_defer_failed() */
export function reqDeferFailed(req: Req, res: number): void {
  reqSetFail(req);
  reqSetRes(req, res, req.ctx.kernel.putKbuf(req, res, 0));
  req.ctx.kernel.opdef(req.opcode).fail?.(req);
  completeDefer(req);
}

/**
 * io_req_complete_post(), for completions outside the submitter's batch (io-wq). Rings whose CQ
 * is lockless (DEFER_TASKRUN, IOPOLL) and drain requests complete through task_work instead.
 */
export function completePost(req: Req): void {
  const ctx = req.ctx;
  if (ctx.deferTaskrun || req.flags & REQ_F.IO_DRAIN) {
    taskWorkAdd(ctx, () => completeDefer(req));
    return;
  }
  if (!(req.flags & REQ_F.CQE_SKIP)) postCqe(ctx, req.udLo, req.udHi, req.res, req.cflags, req.extra1, req.extra2);
  // io_wq_free_work() -> io_free_req(): the request is freed through task_work, CQE skipped.
  req.flags |= REQ_F.CQE_SKIP;
  taskWorkAdd(ctx, () => completeDefer(req));
}

/** io_req_task_queue(): (re)issue from task context. */
export function reqTaskQueue(req: Req): void {
  taskWorkAdd(req.ctx, () => taskSubmit(req));
}

/** io_req_task_queue_fail() */
export function reqTaskQueueFail(req: Req, res: number): void {
  reqSetRes(req, res, 0);
  taskWorkAdd(req.ctx, () => reqDeferFailed(req, req.res));
}

/**
 * io_req_task_work_add(): DEFER_TASKRUN rings keep work on the ring (run only by the submitter
 * waiting on it); other rings hand it to the task, which runs it on its way back to user space.
 */
export function taskWorkAdd(ctx: RingCtx, fn: () => void): void {
  ctx.kernel.costs.add(C_TW);
  if (ctx.deferTaskrun) {
    ctx.localWork.push(fn);
    ctx.kernel.onLocalWork(ctx);
  } else {
    ctx.kernel.task.add(ctx, fn);
  }
}

/** io_run_local_work(): run a DEFER_TASKRUN ring's queued work, then flush its completions. */
export function runLocalWork(ctx: RingCtx): number {
  let n = 0;
  while (ctx.localWork.length > 0) {
    const batch = ctx.localWork.splice(0);
    for (const fn of batch) fn();
    n += batch.length;
    flushCompletions(ctx);
  }
  ctx.kernel.onLocalWork(ctx);
  return n;
}

