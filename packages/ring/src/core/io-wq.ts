// io-wq work items of a ring (io_uring/io-wq.c): what the ring handed to workers and has not
// seen finish, queued or with a worker asleep in a blocking call, so that io_wq_cancel_cb()
// can find it when the ring goes away.

import { ERRNO } from '../uapi/errno.js';
import type { FileObj, PollDir } from '../files/file.js';
import type { RingCtx } from './ctx.js';
import type { Req } from './req.js';
import { reqTaskQueueFail } from './complete.js';

/** struct io_wq_work of one request. */
export class IoWqWork {
  /** IO_WQ_WORK_CANCEL: a queued item that will not run. */
  cancelled = false;
  /** A worker sleeping in a blocking call on this item: takes it off the file's wait queue. */
  unwait: (() => void) | null = null;
  constructor(readonly req: Req) {}
}

/** io_wq_enqueue(): a worker runs `run` at the next chance, unless the item is cancelled first. */
export function iowqEnqueue(req: Req, run: (w: IoWqWork) => void): void {
  queue(new IoWqWork(req), run);
}

function queue(w: IoWqWork, run: (w: IoWqWork) => void): void {
  const ctx = w.req.ctx;
  ctx.iowqWork.add(w);
  ctx.kernel.sched.punt(() => {
    if (w.cancelled) return;
    ctx.iowqWork.delete(w);
    run(w);
  });
}

/** A blocking issue that would block: the worker sleeps on the file, and runs the item again once woken. */
export function iowqSleep(w: IoWqWork, file: FileObj, dir: PollDir, run: (w: IoWqWork) => void): void {
  const ctx = w.req.ctx;
  ctx.iowqWork.add(w);
  w.unwait = file.waitOnce(dir, () => {
    w.unwait = null;
    ctx.iowqWork.delete(w);
    queue(w, run);
  });
}

/**
 * io_uring_try_cancel_iowq(): io_wq_cancel_cb() with io_cancel_ctx_cb, cancel_all. A queued item
 * is cancelled (io_run_cancel(): io_wq_submit_work() sees IO_WQ_WORK_CANCEL and fails the request
 * with -ECANCELED); a sleeping worker is signalled, and its blocking call ends with -EINTR (rw.c
 * and net.c turn -ERESTARTSYS into -EINTR). Whether anything was found.
 */
export function iowqCancelCtx(ctx: RingCtx): boolean {
  if (ctx.iowqWork.size === 0) return false;
  for (const w of [...ctx.iowqWork]) {
    ctx.iowqWork.delete(w);
    w.cancelled = true;
    if (w.unwait) {
      w.unwait();
      w.unwait = null;
      reqTaskQueueFail(w.req, -ERRNO.EINTR);
    } else {
      reqTaskQueueFail(w.req, -ERRNO.ECANCELED);
    }
  }
  return true;
}
