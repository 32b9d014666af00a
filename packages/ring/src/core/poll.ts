// Poll requests (io_uring/poll.c): io_arm_poll_handler() for requests that got -EAGAIN on a
// pollable file (wait for readiness, then retry the issue from task context), and the parts
// POLL_ADD (ops/poll-add.ts) shares with it: the cancel table, ownership of the task_work
// (poll_refs), cancellation by io_poll_cancel() and io_poll_remove_all().

import { ERRNO } from '../uapi/errno.js';
import { IORING_ASYNC_CANCEL } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { REQ_F, type Req } from './req.js';
import type { RingCtx } from './ctx.js';
import type { PollDir } from '../files/file.js';
import { TWQ, taskWorkAdd } from './tw.js';
import { reqDeferFailed } from './complete.js';
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
 * puts each at the head, so the newest poll wakes first. The first wake-up removes them all and
 * calls `woken` (io_poll_wake()).
 */
export function pollAddWait(req: Req, dirs: readonly PollDir[], woken: (key?: number) => void): void {
  const file = req.file!;
  // A multishot poll waiting again: its old entries go first.
  req.pollCancel?.();
  const cancels = dirs.map((dir) => file.waitOnce(dir, (key) => {
    req.pollCancel?.();
    req.pollCancel = null;
    woken(key);
  }, { head: true, poll: true }));
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
  if (file.ready(dir)) return APOLL.READY;
  ctx.kernel.costs.add(C_APOLL);
  req.flags |= REQ_F.POLLED;
  const st: ApollState = { cancelled: false, queued: false };
  pollReqInsert(req, st);
  // io_poll_wake() -> __io_poll_execute(), task_work queued from the waitqueue (IOU_F_TWQ_IN_WAKE)
  pollAddWait(req, [dir], () => pollExecute(req, st, TWQ.IN_WAKE));
  return APOLL.OK;
}

/** io_poll_execute(): the first to take ownership queues the task_work; later kicks find it queued. */
export function pollExecute(req: Req, st: ApollState, twqFlags = 0, mask = 0): void {
  if (st.queued) {
    st.mask = 0;
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

