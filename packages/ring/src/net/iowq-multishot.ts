// The rule io_wq_submit_work() (io_uring/io_uring.c) applies to multishot requests before it
// issues anything: a worker never runs them, since their extra CQEs must come from the submitter.

import { ERRNO } from '../uapi/errno.js';
import { IOU_ISSUE_SKIP_COMPLETE, REQ_F, type Req } from '../core/req.js';
import { APOLL, armPollHandler } from '../core/poll.js';
import { reqTaskQueue } from '../core/tw.js';

/**
 * A multishot request on io-wq: -EBADFD for a file that cannot poll; otherwise it is armed for
 * poll (every pollable file here is FMODE_NOWAIT). A multishot poll (REQ_F_APOLL_MULTISHOT) that
 * finds the file ready runs its handler through task_work, so the transfer then happens inline.
 * A send bundle (REQ_F_MULTISHOT) arms a one-shot poll, and one that is ready at once is not
 * IO_APOLL_OK: the request fails -ECANCELED.
 */
export function iowqMultishot(req: Req): number {
  if (!req.file?.pollable) return -ERRNO.EBADFD;
  if (req.flags & REQ_F.APOLL_MULTISHOT) {
    // The poll handler issues the request itself (io_poll_issue()), not back through io-wq.
    req.flags &= ~REQ_F.FORCE_ASYNC;
    const r = armPollHandler(req);
    if (r === APOLL.READY) reqTaskQueue(req);
    else if (r === APOLL.ABORTED) return -ERRNO.ECANCELED;
    return IOU_ISSUE_SKIP_COMPLETE;
  }
  if (armPollHandler(req) !== APOLL.OK) return -ERRNO.ECANCELED;
  return IOU_ISSUE_SKIP_COMPLETE;
}

/** Whether io_wq_submit_work() would divert this request (REQ_F_MULTISHOT | REQ_F_APOLL_MULTISHOT). */
export function isMultishot(req: Req): boolean {
  return (req.flags & (REQ_F.MULTISHOT | REQ_F.APOLL_MULTISHOT)) !== 0;
}
