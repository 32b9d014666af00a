// Poll requests (io_uring/poll.c): io_arm_poll_handler() for requests that got -EAGAIN on a
// pollable file (wait for readiness, then retry the issue from task context), and the parts
// POLL_ADD (ops/poll-add.ts) shares with it: the cancel table, ownership of the task_work
// (poll_refs), cancellation by io_poll_cancel() and io_poll_remove_all().

import { ERRNO } from '../uapi/errno.js';
import { EPOLL, IORING_ASYNC_CANCEL } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { IOU_COMPLETE, IOU_REQUEUE, IOU_RETRY, ISSUE_F, REQ_F, type Req } from './req.js';
import type { RingCtx } from './ctx.js';
import type { PollDir } from '../files/file.js';
import { TWQ, taskWorkAdd } from './tw.js';
import { completeDefer, reqDeferFailed } from './complete.js';
import { vfsPoll } from '../files/poll-mask.js';
import { POLL_CHECK, pollCheckEvents } from './poll-check.js';
import { cancelReqMatch, hashLong, type CancelData } from './cancel-match.js';

export const APOLL = { OK: 0, ABORTED: 1, READY: 2 } as const;
export type ApollResult = (typeof APOLL)[keyof typeof APOLL];

/** What req->poll_refs says about a poll request: cancelled (IO_POLL_CANCEL_FLAG), task_work queued (owned). */
export interface ApollState {
  cancelled: boolean;
  queued: boolean;
  /** Insertion order in the cancel table (hlist_add_head: a bucket is searched newest first). */
  seq?: number;
  /**
   * req->cqe.res as __io_poll_execute() stashes it: the events of the wake-up that took
   * ownership; 0 when more wake-ups came (or none carried events), so the task_work polls again.
   */
  mask?: number;
  /** The task_work the wake-up queues (io_poll_task_func for POLL_ADD; io_apoll_task_func by default). */
  taskFunc?: (req: Req, st: ApollState) => void;
  /**
   * References taken while the task_work already owned the request (poll_refs above 1): wake-ups,
   * a cancel, io_poll_multishot_retry(). io_poll_check_events() goes round again while any are left.
   */
  kicks?: number;
  /** req->apoll_events of a multishot poll (EPOLLONESHOT set by an EPOLL_URING_WAKE wake-up). */
  events?: number;
}

const C_APOLL = counter('alloc', 'apoll_cache:async_poll');
let insertSeq = 0;

/** io_poll_req_insert(): into ctx->cancel_table, at the head of its bucket. */
export function pollReqInsert(req: Req, st: ApollState): void {
  st.seq = ++insertSeq;
  req.ctx.cancelTable.set(req, st);
}

/**
 * __io_queue_proc(): wait entries on the file's queues for the given directions; add_wait_queue()
 * puts each at the head, so the newest poll wakes first. Without `keep` the first wake-up removes
 * them all and calls `woken` (io_poll_wake()); with `keep` they stay in place until
 * req.pollCancel() (io_poll_remove_entries()), as a multishot poll's do.
 */
export function pollAddWait(req: Req, dirs: readonly PollDir[], woken: (key?: number) => void, keep = false): void {
  const file = req.file!;
  // A poll armed again: its old entries go first.
  req.pollCancel?.();
  const cancels = dirs.map((dir) => file.waitOnce(dir, (key) => {
    if (!keep) {
      req.pollCancel?.();
      req.pollCancel = null;
    }
    woken(key);
  }, { head: true, poll: true, keep }));
  req.pollCancel = () => {
    for (const c of cancels) c();
  };
}

export function armPollHandler(req: Req): ApollResult {
  const ctx = req.ctx;
  const def = ctx.kernel.opdef(req.opcode);
  const file = req.file;
  if (!file || !file.pollable || !(def.pollin || def.pollout)) return APOLL.ABORTED;
  const dir = def.pollin ? 'in' : 'out';
  if (req.flags & REQ_F.APOLL_MULTISHOT) return armMultishot(req, dir);
  if (file.ready(dir)) return APOLL.READY;
  ctx.kernel.costs.add(C_APOLL);
  req.flags |= REQ_F.POLLED;
  const st: ApollState = { cancelled: false, queued: false };
  pollReqInsert(req, st);
  // io_poll_wake() -> __io_poll_execute(), task_work queued from the waitqueue (IOU_F_TWQ_IN_WAKE)
  pollAddWait(req, [dir], () => pollExecute(req, st, TWQ.IN_WAKE));
  return APOLL.OK;
}

/** IO_POLL_UNMASK: events a poll always wants (io_init_poll_iocb()). */
export const IO_POLL_UNMASK = EPOLL.ERR | EPOLL.HUP | EPOLL.NVAL | EPOLL.RDHUP;
/** IO_ASYNC_POLL_COMMON: events io_poll_wake() does not count as a match. */
const IO_ASYNC_POLL_COMMON = EPOLL.ONESHOT | EPOLL.PRI;

/**
 * io_poll_wake() as far as the events go: a keyed wake-up with none of the events asked for is
 * not for us (null); one from io_uring's own CQE posting (EPOLL_URING_WAKE) that takes ownership
 * turns a multishot poll single-shot, as posting could otherwise feed itself. The events after it.
 */
export function pollWakeEvents(st: ApollState, events: number, key: number | undefined): number | null {
  const mask = key ?? 0;
  if (mask && !(mask & (events & ~IO_ASYNC_POLL_COMMON))) return null;
  if (!st.queued && mask & EPOLL.URING_WAKE) return (events | EPOLL.ONESHOT) >>> 0;
  return events;
}

/**
 * io_arm_poll_handler() for a multishot request (REQ_F_APOLL_MULTISHOT): no EPOLLONESHOT, so the
 * entry stays on the queue and each wake-up runs io_poll_check_events(), which issues the request
 * again in place (io_poll_issue()); a file already ready queues that task_work at once.
 */
function armMultishot(req: Req, dir: PollDir): ApollResult {
  const ctx = req.ctx;
  ctx.kernel.costs.add(C_APOLL);
  req.flags |= REQ_F.POLLED;
  const want = dir === 'in' ? EPOLL.IN | EPOLL.RDNORM : EPOLL.OUT | EPOLL.WRNORM;
  const st: ApollState = {
    cancelled: false, queued: false, taskFunc: apollMultishotTaskFunc,
    events: (EPOLL.PRI | EPOLL.ERR | EPOLL.ET | want | IO_POLL_UNMASK) >>> 0,
  };
  pollReqInsert(req, st);
  pollAddWait(req, [dir], (key) => {
    const events = pollWakeEvents(st, st.events!, key);
    if (events === null) return;
    st.events = events;
    pollExecute(req, st, TWQ.IN_WAKE, key ?? 0);
  }, true);
  const mask = (vfsPoll(req.file!) & st.events!) >>> 0;
  if (mask) pollExecute(req, st, 0, mask);
  return APOLL.OK;
}

/**
 * io_apoll_task_func() for a multishot request: io_poll_check_events() issues it with
 * IO_URING_F_MULTISHOT (io_poll_issue()) for each ready round; one that completes leaves the
 * poll and completes, a stop (EPOLLONESHOT, a spurious wake-up) reissues it the normal way, an
 * error fails it.
 */
function apollMultishotTaskFunc(req: Req, st: ApollState): void {
  const ctx = req.ctx;
  const ret = pollCheckEvents(req, st, () => st.events!, () => {
    // io_poll_issue() -> __io_issue_sqe(): the opcode's issue, no completion handling.
    const r = ctx.kernel.opdef(req.opcode).issue(req, ISSUE_F.NONBLOCK | ISSUE_F.MULTISHOT | ISSUE_F.COMPLETE_DEFER);
    if (r === IOU_COMPLETE) return POLL_CHECK.REMOVE_POLL_USE_RES;
    if (r === IOU_REQUEUE) return POLL_CHECK.REQUEUE;
    if (r !== IOU_RETRY && r < 0) return r;
    return undefined;
  });
  if (ret === POLL_CHECK.NO_ACTION) return;
  if (ret === POLL_CHECK.REQUEUE) {
    // __io_poll_execute(req, 0): still the owner, the task_work goes to the back of the queue.
    st.mask = 0;
    taskWorkAdd(ctx, () => apollMultishotTaskFunc(req, st), 0);
    return;
  }
  pollEject(req, st);
  if (ret === POLL_CHECK.REMOVE_POLL_USE_RES) completeDefer(req);
  else if (ret === POLL_CHECK.DONE || ret === POLL_CHECK.REISSUE) ctx.kernel.taskSubmit(req);
  else reqDeferFailed(req, ret);
}

/**
 * A poll_refs reference taken while the task_work is queued (io_poll_get_ownership() failing):
 * the owner drops the first wake-up's mask, redoes vfs_poll() and goes round again.
 */
export function pollKick(st: ApollState): void {
  st.mask = 0;
  st.kicks = (st.kicks ?? 0) + 1;
}

/** io_poll_execute(): the first to take ownership queues the task_work; later kicks find it queued. */
export function pollExecute(req: Req, st: ApollState, twqFlags = 0, mask = 0): void {
  if (st.queued) {
    pollKick(st);
    return;
  }
  st.queued = true;
  st.mask = mask;
  const fn = st.taskFunc ?? apollTaskFunc;
  taskWorkAdd(req.ctx, () => fn(req, st), twqFlags);
}

/** io_poll_cancel_req(): mark it cancelled and kick its task_work, which completes it. */
export function pollCancelReq(req: Req, st: ApollState): void {
  st.cancelled = true;
  pollExecute(req, st);
}

/** io_poll_remove_entries() + io_poll_tw_hash_eject(): off the file's queue and out of the table. */
export function pollEject(req: Req, st: ApollState): void {
  req.pollCancel?.();
  req.pollCancel = null;
  if (req.ctx.cancelTable.get(req) === st) req.ctx.cancelTable.delete(req);
}

/** io_apoll_task_func(): reissue the request, unless it was cancelled or its ring is dying. */
function apollTaskFunc(req: Req, st: ApollState): void {
  const ctx = req.ctx;
  // io_poll_check_events(): io_should_terminate_tw() or IO_POLL_CANCEL_FLAG.
  const cancelled = ctx.dead || st.cancelled;
  pollEject(req, st);
  if (cancelled) reqDeferFailed(req, -ERRNO.ECANCELED);
  else ctx.kernel.taskSubmit(req);
}

/** ilog2(cq_entries) - 5, clamped to 1..8: the cancel table's hash_bits (io_alloc_hash_table()). */
function hashBits(ctx: RingCtx): number {
  return Math.min(8, Math.max(1, Math.floor(Math.log2(ctx.cqEntries)) - 5));
}

/** The cancel table in the order the kernel searches it: buckets by index, each newest first. */
function tableOrder(ctx: RingCtx): [Req, ApollState][] {
  const bits = hashBits(ctx);
  return [...ctx.cancelTable].map(([r, st]) => ({ r, st, b: hashLong(r.udLo, r.udHi, bits), s: st.seq ?? 0 }))
    .sort((a, b) => a.b - b.b || b.s - a.s)
    .map(({ r, st }) => [r, st]);
}

/**
 * io_poll_find() (by user_data in its bucket; `pollOnly` for POLL_REMOVE; with ALL each request
 * once per cancel sequence) and io_poll_file_find() (FD, OP or ANY: every bucket, through
 * io_cancel_req_match()).
 */
export function pollFind(ctx: RingCtx, cd: CancelData, pollOnly: boolean, pollAddOpcode: number): [Req, ApollState] | null {
  const byMatch = (cd.flags & (IORING_ASYNC_CANCEL.FD | IORING_ASYNC_CANCEL.OP | IORING_ASYNC_CANCEL.ANY)) !== 0;
  for (const [req, st] of tableOrder(ctx)) {
    if (byMatch) {
      if (cancelReqMatch(req, cd)) return [req, st];
      continue;
    }
    if (req.udLo !== cd.udLo || req.udHi !== cd.udHi) continue;
    if (pollOnly && req.opcode !== pollAddOpcode) continue;
    if (cd.flags & IORING_ASYNC_CANCEL.ALL) {
      if (cd.seq === req.cancelSeq) continue;
      req.cancelSeq = cd.seq;
    }
    return [req, st];
  }
  return null;
}

/** io_poll_cancel(): cancel the first poll request that matches; 0 or -ENOENT. */
export function pollCancel(ctx: RingCtx, cd: CancelData): number {
  const found = pollFind(ctx, cd, false, -1);
  if (!found) return -ERRNO.ENOENT;
  pollCancelReq(found[0], found[1]);
  return 0;
}

/**
 * io_poll_remove_all(): every armed request of the ring leaves the cancel table, is marked
 * cancelled (io_poll_cancel_req()) and completes with -ECANCELED from its task_work. Whether any
 * was found.
 */
export function pollRemoveAll(ctx: RingCtx): boolean {
  if (ctx.cancelTable.size === 0) return false;
  for (const [req, st] of [...ctx.cancelTable]) {
    ctx.cancelTable.delete(req);
    pollCancelReq(req, st);
  }
  return true;
}

