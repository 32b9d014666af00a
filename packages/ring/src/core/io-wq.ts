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
  /** The worker was signalled (io_wq_worker_cancel()) and has yet to get back from its call. */
  signalled = false;
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
  let found = false;
  for (const w of [...ctx.iowqWork]) {
    // Signalled by an ASYNC_CANCEL: its worker is already on its way out of the call.
    if (w.signalled) continue;
    found = true;
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
  return found;
}

export const IO_WQ_CANCEL = { OK: 0, RUNNING: 1, NOTFOUND: 2 } as const;
export type IoWqCancel = (typeof IO_WQ_CANCEL)[keyof typeof IO_WQ_CANCEL];

/**
 * io_wq_cancel_cb(): queued work that `match` accepts is cancelled (io_run_cancel(): it fails
 * with -ECANCELED); without `all` the first such item ends the search. Then workers inside a
 * matching item are signalled: the blocking call ends with -EINTR once the worker runs again,
 * and until then the item still counts as running.
 */
export function iowqCancelCb(ctx: RingCtx, match: (req: Req) => boolean, all: boolean): IoWqCancel {
  let pending = 0;
  let running = 0;
  for (const w of [...ctx.iowqWork]) {
    if (w.unwait || w.signalled || !match(w.req)) continue;
    ctx.iowqWork.delete(w);
    w.cancelled = true;
    reqTaskQueueFail(w.req, -ERRNO.ECANCELED);
    pending++;
    if (!all) return IO_WQ_CANCEL.OK;
  }
  for (const w of [...ctx.iowqWork]) {
    if (!(w.unwait || w.signalled) || !match(w.req)) continue;
    running++;
    if (w.signalled) continue;
    // __set_notify_signal(worker->task): the sleep ends; the worker fails the call on its CPU.
    w.signalled = true;
    w.unwait!();
    w.unwait = null;
    ctx.kernel.sched.punt(() => {
      ctx.iowqWork.delete(w);
      reqTaskQueueFail(w.req, -ERRNO.EINTR);
    });
    if (!all) break;
  }
  if (running) return IO_WQ_CANCEL.RUNNING;
  return pending ? IO_WQ_CANCEL.OK : IO_WQ_CANCEL.NOTFOUND;
}
