// IORING_OP_POLL_ADD and IORING_OP_POLL_REMOVE (io_uring/poll.c): io_poll_add_prep(),
// io_poll_add() through __io_arm_poll_handler(), io_poll_task_func() with
// io_poll_check_events(), io_poll_remove_prep() and io_poll_remove() (cancel or update). The
// cancel table and the task_work ownership are shared with poll arming (core/poll.ts).

import { ERRNO } from '../uapi/errno.js';
import { EPOLL, IORING_CQE_F, IORING_OP, IORING_POLL as P } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, REQ_F, reqSetFail, reqSetRes, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { completeDefer, reqPostCqe } from '../core/complete.js';
import { TWQ, taskWorkAdd } from '../core/tw.js';
import { IO_POLL_UNMASK, pollAddWait, pollEject, pollExecute, pollFind, pollKick, pollReqInsert, pollWakeEvents, type ApollState } from '../core/poll.js';
import { POLL_CHECK, pollCheckEvents } from '../core/poll-check.js';
import { cancelDataFor } from '../core/cancel-match.js';
import { vfsPoll } from '../files/poll-mask.js';
import type { FileObj, PollDir } from '../files/file.js';
import { StreamEnd } from '../files/stream.js';

interface PollCmd {
  /** poll->events: the low 16 bits requested, plus EPOLLONESHOT / EPOLLET / EPOLLEXCLUSIVE. */
  events: number;
}

function pollCmd(req: Req): PollCmd {
  return req.cmd as unknown as PollCmd;
}

/** io_poll_parse_events(): single-shot unless ADD_MULTI, edge-triggered unless ADD_LEVEL. */
function parseEvents(raw: number, flags: number): number {
  let events = raw >>> 0;
  if (!(flags & P.ADD_MULTI)) events = (events | EPOLL.ONESHOT) >>> 0;
  if (!(flags & P.ADD_LEVEL)) events = (events | EPOLL.ET) >>> 0;
  // demangle_poll() keeps the low 16 bits (the identity on x86).
  return ((events & 0xffff) | (events & (EPOLL.EXCLUSIVE | EPOLL.ONESHOT | EPOLL.ET))) >>> 0;
}

/** io_poll_add_prep() */
function pollAddPrep(req: Req, sqe: SqeReader): number {
  if (sqe.u16(40) || sqe.u64n(8) || sqe.u64n(16)) return -ERRNO.EINVAL;
  const flags = sqe.u32(24);
  if (flags & ~P.ADD_MULTI) return -ERRNO.EINVAL;
  if (flags & P.ADD_MULTI && req.flags & REQ_F.CQE_SKIP) return -ERRNO.EINVAL;
  req.cmd = { events: parseEvents(sqe.u32(28), flags) } satisfies PollCmd as unknown as Record<string, unknown>;
  return 0;
}

/**
 * The wait queues a poll for these events sits on. pipe_poll() waits on the queue of the end's
 * own mode, whatever the events (a read end on rd_wait, a write end on wr_wait); a socket has one
 * queue, which the model splits by direction (keyed wake-ups name theirs).
 */
function waitDirs(events: number, file: FileObj | null): PollDir[] {
  if (file instanceof StreamEnd && !file.isSocket) return [file.kind === 'pipe-w' ? 'out' : 'in'];
  const dirs: PollDir[] = [];
  if (events & (EPOLL.IN | EPOLL.RDNORM | EPOLL.RDBAND | EPOLL.PRI | EPOLL.RDHUP | EPOLL.HUP | EPOLL.ERR)) dirs.push('in');
  if (events & (EPOLL.OUT | EPOLL.WRNORM | EPOLL.WRBAND)) dirs.push('out');
  return dirs;
}

/**
 * Queue the wait entries (__io_queue_proc()). They stay where they are until the task_work
 * removes them; io_poll_wake() ignores a keyed wake-up without our events, and a single-shot
 * poll's entries leave the queue at the first wake-up that carries events.
 */
function pollWait(req: Req, st: ApollState): void {
  const cmd = pollCmd(req);
  pollAddWait(req, waitDirs(cmd.events, req.file), (key) => {
    const events = pollWakeEvents(st, cmd.events, key);
    if (events === null) return;
    cmd.events = events;
    if (key && events & EPOLL.ONESHOT) {
      req.pollCancel?.();
      req.pollCancel = null;
    }
    pollExecute(req, st, TWQ.IN_WAKE, key ?? 0);
  }, true);
}

/**
 * io_poll_add() -> __io_arm_poll_handler(): a ready single-shot poll completes at once with the
 * mask; otherwise it goes into the cancel table and waits (a ready multishot one posts its
 * first CQE from task_work).
 */
function pollAddIssue(req: Req): number {
  const cmd = pollCmd(req);
  // io_init_poll_iocb(): the events always wanted are added.
  cmd.events = (cmd.events | IO_POLL_UNMASK) >>> 0;
  const file = req.file!;
  const mask = (vfsPoll(file) & cmd.events) >>> 0;
  if (!file.pollable) {
    // No wait queue took an entry (vfs_poll() without ->poll).
    if (mask && cmd.events & EPOLL.ET) return completeWith(req, mask);
    return -ERRNO.EINVAL;
  }
  if (mask && (cmd.events & (EPOLL.ET | EPOLL.ONESHOT)) >>> 0 === (EPOLL.ET | EPOLL.ONESHOT) >>> 0) return completeWith(req, mask);
  const st: ApollState = { cancelled: false, queued: false, taskFunc: pollTaskFunc };
  pollReqInsert(req, st);
  pollWait(req, st);
  if (mask && cmd.events & EPOLL.ET) pollExecute(req, st, 0, mask);
  return IOU_ISSUE_SKIP_COMPLETE;
}

function completeWith(req: Req, mask: number): number {
  reqSetRes(req, mask & 0xffff, 0);
  return IOU_COMPLETE;
}

/**
 * io_poll_task_func() with io_poll_check_events(): cancelled (or a dying ring) completes
 * -ECANCELED; a single-shot poll completes with the events (or is issued again when they are
 * gone); a multishot one posts each round's events with F_MORE and stays armed, until a CQE
 * cannot be posted (that one then ends it, posted the normal way).
 */
function pollTaskFunc(req: Req, st: ApollState): void {
  const ctx = req.ctx;
  const cmd = pollCmd(req);
  const ret = pollCheckEvents(req, st, () => cmd.events, (m) => {
    // mangle_poll(cqe.res & apoll_events)
    const mask = (m & cmd.events & 0xffff) >>> 0;
    if (reqPostCqe(req, mask, IORING_CQE_F.MORE)) return undefined;
    reqSetRes(req, mask, 0);
    return POLL_CHECK.REMOVE_POLL_USE_RES;
  });
  if (ret === POLL_CHECK.NO_ACTION) return;
  if (ret === POLL_CHECK.REISSUE) {
    pollEject(req, st);
    ctx.kernel.taskSubmit(req);
    return;
  }
  if (ret === POLL_CHECK.DONE) {
    reqSetRes(req, (st.mask! & cmd.events & 0xffff) >>> 0, 0);
  } else if (ret !== POLL_CHECK.REMOVE_POLL_USE_RES) {
    reqSetRes(req, ret, 0);
    reqSetFail(req);
  }
  pollEject(req, st);
  completeDefer(req);
}

interface PollUpdateCmd {
  oldLo: number;
  oldHi: number;
  newLo: number;
  newHi: number;
  events: number;
  updateEvents: boolean;
  updateUserData: boolean;
}

/** io_poll_remove_prep() */
function pollRemovePrep(req: Req, sqe: SqeReader): number {
  if (sqe.u16(40) || sqe.s32(44)) return -ERRNO.EINVAL;
  const flags = sqe.u32(24);
  if (flags & ~(P.UPDATE_EVENTS | P.UPDATE_USER_DATA | P.ADD_MULTI)) return -ERRNO.EINVAL;
  // ADD_MULTI means nothing without an update.
  if (flags === P.ADD_MULTI) return -ERRNO.EINVAL;
  const upd: PollUpdateCmd = {
    oldLo: sqe.u32(16), oldHi: sqe.u32(20), newLo: sqe.u32(8), newHi: sqe.u32(12), events: 0,
    updateEvents: (flags & P.UPDATE_EVENTS) !== 0, updateUserData: (flags & P.UPDATE_USER_DATA) !== 0,
  };
  req.cmd = upd as unknown as Record<string, unknown>;
  if (!upd.updateUserData && (upd.newLo || upd.newHi)) return -ERRNO.EINVAL;
  if (upd.updateEvents) upd.events = parseEvents(sqe.u32(28), flags);
  else if (sqe.u32(28)) return -ERRNO.EINVAL;
  return 0;
}

/**
 * io_poll_remove(): find the POLL_ADD by user_data (-ENOENT), take it over unless its task_work
 * is already queued (-EALREADY), then re-arm it with the update or complete it -ECANCELED.
 */
function pollRemoveIssue(req: Req): number {
  const upd = req.cmd as unknown as PollUpdateCmd;
  const ctx = req.ctx;
  const found = pollFind(ctx, cancelDataFor(ctx, upd.oldLo, upd.oldHi), true, IORING_OP.POLL_ADD);
  if (!found) return failWith(req, -ERRNO.ENOENT);
  const [preq, st] = found;
  // io_poll_disarm(): io_poll_get_ownership() fails while its task_work is pending, but its
  // atomic_fetch_inc() of poll_refs stays: the owner goes round once more and polls again
  // instead of posting the first wake-up's mask (fuzz-120071390-6745).
  if (st.queued) {
    pollKick(st);
    return failWith(req, -ERRNO.EALREADY);
  }
  st.queued = true;
  pollEject(preq, st);
  if (upd.updateEvents || upd.updateUserData) {
    if (upd.updateEvents) {
      const c = pollCmd(preq);
      c.events = ((c.events & ~0xffff) | (upd.events & 0xffff) | IO_POLL_UNMASK) >>> 0;
    }
    if (upd.updateUserData) {
      preq.udLo = upd.newLo;
      preq.udHi = upd.newHi;
    }
    const ret2 = pollAddIssue(preq);
    if (ret2 === IOU_ISSUE_SKIP_COMPLETE) return completeWith(req, 0);
    // Completed by the update itself (its mask), or failed (its errno).
    if (ret2 !== IOU_COMPLETE) reqSetRes(preq, ret2, 0);
  } else {
    reqSetRes(preq, -ERRNO.ECANCELED, 0);
  }
  if (preq.res < 0) reqSetFail(preq);
  taskWorkAdd(ctx, () => completeDefer(preq));
  return completeWith(req, 0);
}

function failWith(req: Req, err: number): number {
  reqSetFail(req);
  return err;
}

export const POLL_ADD: OpDef = {
  opcode: IORING_OP.POLL_ADD, name: 'POLL_ADD', ...opFlags('POLL_ADD'),
  prep: pollAddPrep,
  issue: pollAddIssue,
};

export const POLL_REMOVE: OpDef = {
  opcode: IORING_OP.POLL_REMOVE, name: 'POLL_REMOVE', ...opFlags('POLL_REMOVE'),
  prep: pollRemovePrep,
  issue: pollRemoveIssue,
};
