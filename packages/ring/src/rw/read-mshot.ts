// IORING_OP_READ_MULTISHOT (io_uring/rw.c): io_read_mshot_prep() and io_read_mshot(). A read that
// stays armed: each time the file has data it picks a provided buffer, reads into it and posts
// a CQE with IORING_CQE_F_MORE, then waits for more through poll. It needs IOSQE_BUFFER_SELECT
// and a pollable file (pipes, sockets, eventfds); EOF (0), an error, or a CQE that cannot be
// posted ends it with a final CQE without F_MORE.

import { ERRNO } from '../uapi/errno.js';
import { IORING_CQE_F, IORING_OP } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_RETRY, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { reqPostCqe } from '../core/complete.js';
import { kbufRecycle, putKbufs } from '../core/kbuf.js';
import { iowqMultishot, isMultishot } from '../net/iowq-multishot.js';
import { pollMultishotRetry } from '../core/poll-check.js';
import { rwCmd } from './cmd.js';
import { rwPrepCommon } from './prep.js';
import { ioReadAttempt } from './read.js';
import { rwFail } from './done.js';
import type { BrSel } from './import.js';

/** io_read_mshot_prep(): provided buffers only; addr and len must be zero. */
function readMshotPrep(req: Req, sqe: SqeReader): number {
  if (!(req.flags & REQ_F.BUFFER_SELECT)) return -ERRNO.EINVAL;
  const ret = rwPrepCommon(req, sqe);
  if (ret) return ret;
  const rw = rwCmd(req);
  if (rw.addr || rw.len) return -ERRNO.EINVAL;
  req.flags |= REQ_F.APOLL_MULTISHOT;
  return 0;
}

/** io_read_mshot() */
function readMshotIssue(req: Req, issueFlags: number): number {
  // io_wq_submit_work() diverts multishot requests before ->issue() runs.
  if (issueFlags & ISSUE_F.IOWQ && isMultishot(req)) return iowqMultishot(req);
  // io_file_can_poll(): multishot needs a file with ->poll.
  if (!req.file!.pollable) return -ERRNO.EBADFD;
  const rw = rwCmd(req);
  const sel: BrSel = { list: null };
  const ret = ioReadAttempt(req, sel, issueFlags);
  if (ret === -ERRNO.EAGAIN) {
    // Nothing there yet: the buffer goes back, and len is reset so the next pick is not clamped.
    if (kbufRecycle(req, sel.list, issueFlags)) rw.len = 0;
    return IOU_RETRY;
  }
  let cflags = 0;
  if (ret <= 0) {
    kbufRecycle(req, sel.list, issueFlags);
    if (ret < 0) reqSetFail(req);
  } else if (!(req.flags & REQ_F.APOLL_MULTISHOT)) {
    cflags = putKbufs(req, ret, sel.list, 1, issueFlags);
  } else {
    cflags = putKbufs(req, ret, sel.list, 1, issueFlags);
    rw.len = 0;
    rw.addr = 0;
    rw.iter = null;
    // Posted: stay armed and read again. Not posted: the request ends here.
    if (reqPostCqe(req, ret, (cflags | IORING_CQE_F.MORE) >>> 0)) {
      // io_poll_multishot_retry(): issued from poll, it reads again in the same task_work run
      // (io_poll_check_events() goes round once more) rather than waiting for another wake-up.
      if (issueFlags & ISSUE_F.MULTISHOT) pollMultishotRetry(req);
      return IOU_RETRY;
    }
  }
  req.res = ret;
  req.cflags = cflags >>> 0;
  return IOU_COMPLETE;
}

export const READ_MULTISHOT: OpDef = {
  opcode: IORING_OP.READ_MULTISHOT, name: 'READ_MULTISHOT', ...opFlags('READ_MULTISHOT'),
  prep: readMshotPrep, issue: readMshotIssue, fail: rwFail,
};
