// io_poll_check_events() (io_uring/poll.c): what every poll task_work runs first. It owns the
// request (poll_refs); each reference taken meanwhile (a wake-up, a cancel, a multishot read's
// io_poll_multishot_retry()) sends it round the loop once more, with vfs_poll() redone, so a
// multishot request handles them in the same task_work run instead of queueing behind others.

import { ERRNO } from '../uapi/errno.js';
import { EPOLL } from '../uapi/constants.js';
import { vfsPoll } from '../files/poll-mask.js';
import type { Req } from './req.js';
import type { ApollState } from './poll.js';

/** IOU_POLL_*: what io_poll_check_events() tells its caller (negative: an errno to fail with). */
export const POLL_CHECK = { DONE: 0, NO_ACTION: 1, REMOVE_POLL_USE_RES: 2, REISSUE: 3, REQUEUE: 4 } as const;

/**
 * io_poll_check_events(): `events` is req->apoll_events; `multishot` handles a ready mask of a
 * multishot request and returns a POLL_CHECK code (or an errno) to stop, or undefined to go on.
 * On NO_ACTION ownership is given up: the next wake-up queues the task_work again.
 */
export function pollCheckEvents(req: Req, st: ApollState, events: () => number, multishot: (mask: number) => number | undefined): number {
  // io_should_terminate_tw(): a dying ring's poll requests end here.
  if (req.ctx.dead) return -ERRNO.ECANCELED;
  do {
    // v = atomic_read(&req->poll_refs): the references taken so far are this round's.
    const extra = st.kicks ?? 0;
    st.kicks = 0;
    if (st.cancelled) return -ERRNO.ECANCELED;
    // cqe.res holds the first wake-up's events only; with more, poll again.
    if (extra) st.mask = 0;
    if (!st.mask) {
      st.mask = (vfsPoll(req.file!) & events()) >>> 0;
      if (!st.mask) {
        // Someone else took what woke us: a multishot poll stays armed, a single-shot one reissues.
        if (!(events() & EPOLL.ONESHOT)) continue;
        return POLL_CHECK.REISSUE;
      }
    }
    if (events() & EPOLL.ONESHOT) return POLL_CHECK.DONE;
    const ret = multishot(st.mask);
    if (ret !== undefined) return ret;
    // The next round polls again.
    st.mask = 0;
    // atomic_sub_return(v, &req->poll_refs): references taken during this round keep it going.
  } while ((st.kicks ?? 0) > 0);
  st.queued = false;
  return POLL_CHECK.NO_ACTION;
}

/** io_poll_multishot_retry(): a multishot read that posted takes a reference, to read again at once. */
export function pollMultishotRetry(req: Req): void {
  const st = req.ctx.cancelTable.get(req);
  if (st?.queued) st.kicks = (st.kicks ?? 0) + 1;
}
