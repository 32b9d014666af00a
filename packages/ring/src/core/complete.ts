// Completion side: io_req_complete_defer(), __io_submit_flush_completions(),
// io_free_batch_list(), io_queue_next()/io_fail_links() (timeout.c), io_req_complete_post(),
// io_req_defer_failed(), and task_work delivery (tw.c).

import { ERRNO } from '../uapi/errno.js';
import { IORING_SETUP } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { commitCqringFlush, fillCqeAux, fillCqeAux32, postCqe } from './cqe.js';
import { INT_F, type RingCtx } from './ctx.js';
import { IO_REQ_LINK_FLAGS, REQ_F, reqSetFail, reqSetRes, type Req } from './req.js';
import { queueDeferred } from './drain.js';
import { putKbufs } from './kbuf.js';
import { disarmLinkedTimeout } from './timeout-state.js';
import { reqTaskQueue, taskWorkAdd } from './tw.js';

const C_COMPLETION_LOCK = counter('lock', 'completion_lock');

/** io_req_complete_defer(): batch the completion; CQEs are posted at the next flush. */
export function completeDefer(req: Req): void {
  req.ctx.complReqs.push(req);
}

/**
 * io_submit_flush_completions(): runs when requests completed or an aux CQE was filled
 * (submit_state.cq_flush), then __io_submit_flush_completions().
 */
export function flushCompletions(ctx: RingCtx): void {
  const reqs = ctx.complReqs;
  if (reqs.length === 0 && !ctx.cqFlush) return;
  ctx.complReqs = [];
  ctx.cqFlush = false;
  for (let i = 0; i < reqs.length; i++) {
    const req = reqs[i]!;
    if (!(req.flags & REQ_F.CQE_SKIP)) postCqe(ctx, req.udLo, req.udHi, req.res, req.cflags, req.big0, req.big1, req.big2, req.big3);
  }
  // __io_cq_unlock_post(): one commit, one flush, for the whole batch, even if every CQE was skipped.
  commitCqringFlush(ctx);
  let drainDone = false;
  if (ctx.intFlags & INT_F.DRAIN_ACTIVE && ctx.drainReq) drainDone = reqs.includes(ctx.drainReq);
  if (drainDone) ctx.drainReq = null;
  for (let i = 0; i < reqs.length; i++) freeReq(reqs[i]!);
  if (ctx.intFlags & INT_F.DRAIN_ACTIVE) {
    if (queueDeferred(ctx)) drainDone = false;
    // 6.18 keeps drain_active until io_drain_req() of the next request without IO_DRAIN, so
    // that request still takes the deferred path (task_work).
    const keep = ctx.kernel.profile.quirks.drainActiveUntilNextReq === true;
    if (drainDone && ctx.deferList.length === 0 && !keep) ctx.intFlags &= ~INT_F.DRAIN_ACTIVE;
  }
}

/** The per-request part of io_free_batch_list(): start the next link member, clean up, recycle. */
export function freeReq(req: Req): void {
  const ctx = req.ctx;
  const k = ctx.kernel;
  if (req.flags & IO_REQ_LINK_FLAGS) queueNext(req);
  // io_clean_op(): a provided buffer the CQE never carried is dropped (io_kbuf_drop_legacy(); an
  // uncommitted ring buffer just stays at the head).
  putKbufs(req, req.res, null, 0, 0);
  k.opdef(req.opcode).cleanup?.(req);
  // io_put_file(): the request's file reference goes. The last one releases the file from the
  // task's task_work, after this enter's own work (fuzz-400006-9746: a unix peer's READ freed the
  // socket, and the RECV its shutdown woke completed only at the next enter on DEFER_TASKRUN).
  if (req.file && !(req.flags & REQ_F.FIXED_FILE)) req.file.put((release) => k.task.add(ctx, release));
  k.hooks.reqFree(req);
  ctx.freeReq(req);
}

/** io_queue_next() via io_req_find_next() and io_disarm_next() */
function queueNext(req: Req): void {
  const lt = disarmLinkedTimeout(req);
  if (lt) {
    // io_req_queue_tw_complete(link, -ECANCELED)
    reqSetRes(lt, -ERRNO.ECANCELED, 0);
    taskWorkAdd(lt.ctx, () => completeDefer(lt));
  }
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
 * ends the multishot request. The tail is committed with the batch (submit_state.cq_flush), so
 * several aux CQEs of one run make one commit.
 */
export function reqPostCqe(req: Req, res: number, cflags: number): boolean {
  const ctx = req.ctx;
  if (ctx.complReqs.length) flushCompletions(ctx);
  ctx.kernel.costs.add(C_COMPLETION_LOCK);
  const ok = fillCqeAux(ctx, req.udLo, req.udHi, res, cflags);
  ctx.cqFlush = true;
  return ok;
}

/**
 * io_req_post_cqe32(): an extra 32-byte CQE (with its big_cqe words, b0..b3 as u32 words low
 * first) for a multishot request on a CQE32 or CQE_MIXED ring; false when there is no room.
 * Unlike reqPostCqe() the kernel does not flush batched completions first. `cflags` go in as
 * given: on a CQE_MIXED ring the caller includes IORING_CQE_F_32 (cqe32Flag()).
 */
export function reqPostCqe32(req: Req, res: number, cflags: number, b0: number, b1: number, b2: number, b3: number): boolean {
  const ctx = req.ctx;
  ctx.kernel.costs.add(C_COMPLETION_LOCK);
  const ok = fillCqeAux32(ctx, req.udLo, req.udHi, res, cflags, b0, b1, b2, b3);
  if (ok) commitCqringFlush(ctx);
  return ok;
}

/** io_req_defer_failed() */
export function reqDeferFailed(req: Req, res: number): void {
  reqSetFail(req);
  reqSetRes(req, res, putKbufs(req, res, null, 1, 0));
  req.ctx.kernel.opdef(req.opcode).fail?.(req);
  completeDefer(req);
}

/**
 * io_req_complete_post(), for completions outside the submitter's batch (io-wq). Rings whose CQ
 * is lockless (DEFER_TASKRUN, IOPOLL) and drain requests complete through task_work instead.
 */
export function completePost(req: Req): void {
  const ctx = req.ctx;
  if (ctx.deferTaskrun || ctx.flags & IORING_SETUP.IOPOLL || req.flags & REQ_F.IO_DRAIN) {
    taskWorkAdd(ctx, () => completeDefer(req));
    return;
  }
  if (!(req.flags & REQ_F.CQE_SKIP)) postCqe(ctx, req.udLo, req.udHi, req.res, req.cflags, req.big0, req.big1, req.big2, req.big3);
  // io_cq_unlock_post(): commit and flush, whether or not a CQE was filled.
  commitCqringFlush(ctx);
  // io_wq_free_work() -> io_free_req(): the request is freed through task_work, CQE skipped.
  req.flags |= REQ_F.CQE_SKIP;
  taskWorkAdd(ctx, () => completeDefer(req));
}

/** io_req_task_queue_fail() */
export function reqTaskQueueFail(req: Req, res: number): void {
  reqSetRes(req, res, 0);
  taskWorkAdd(req.ctx, () => reqDeferFailed(req, req.res));
}

export { reqTaskQueue, taskWorkAdd };
