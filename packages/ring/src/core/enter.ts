// io_uring_enter() and io_cqring_wait() (io_uring/io_uring.c, io_uring/wait.c).

import { ERRNO } from '../uapi/errno.js';
import { IORING_ENTER as E, IORING_SETUP as S } from '../uapi/constants.js';
import { CHECK_CQ, type RingCtx } from './ctx.js';
import { flushOverflow } from './cqe.js';
import { runLocalWork } from './complete.js';
import { submitSqes } from './submit.js';

const ENTER_FLAGS = 0xff;
/** How long a wait may block before the testbed runner's watchdog interrupts it (SIGALRM). */
export const WATCHDOG_NS = 1_000_000_000;

export function ioUringEnter(ctx: RingCtx, toSubmit: number, minComplete: number, flags: number, timeoutNs?: number): number {
  if ((flags & ~ENTER_FLAGS) >>> 0) return -ERRNO.EINVAL;
  // A ring created with IORING_SETUP_R_DISABLED takes no entry until it is enabled.
  if (ctx.disabled) return -ERRNO.EBADFD;
  let ret = 0;
  if (ctx.flags & S.SQPOLL) {
    // The SQ thread submits on its own schedule; the model runs it at the next settle.
    ctx.kernel.sched.punt(() => {
      submitSqes(ctx, ctx.sqringEntries());
    });
    ret = toSubmit;
  } else if (toSubmit) {
    ret = submitSqes(ctx, toSubmit);
    if (ret !== toSubmit) return ret;
    if (flags & E.GETEVENTS && ctx.deferTaskrun) runLocalWork(ctx);
  }
  if (flags & E.GETEVENTS) {
    const ret2 = cqringWait(ctx, minComplete, timeoutNs);
    if (!ret) {
      ret = ret2;
      if (ret2 === -ERRNO.EBADR) ctx.checkCq &= ~CHECK_CQ.DROPPED;
    }
  }
  return ret;
}

/** io_cqring_wait() */
export function cqringWait(ctx: RingCtx, minEvents: number, timeoutNs?: number): number {
  const k = ctx.kernel;
  const min = Math.min(minEvents, ctx.cqEntries);
  if (ctx.localWork.length) runLocalWork(ctx);
  k.task.run();
  if (ctx.checkCq & CHECK_CQ.OVERFLOW) flushOverflow(ctx);
  if (ctx.cqEventsUser() >= min) return 0;
  const target = (ctx.cqHead + min) >>> 0;
  const start = k.sched.now;
  const watchdog = start + WATCHDOG_NS;
  const deadline = timeoutNs === undefined ? Infinity : start + timeoutNs;
  let ret: number;
  for (;;) {
    // io_cqring_wait_schedule(): pending work or CQ state means "go around again".
    if (ctx.checkCq || ctx.localWork.length || k.task.pending) {
      ret = 1;
    } else if (((ctx.cqTail - target) | 0) >= 0) {
      ret = 0;
    } else if (k.sched.now >= deadline) {
      ret = -ERRNO.ETIME;
    } else if (k.sched.now >= watchdog) {
      ret = -ERRNO.EINTR;
    } else {
      // Sleep: let workers, devices and timers make progress, in virtual time.
      if (!k.progress(Math.min(deadline, watchdog))) k.sched.now = Math.min(deadline, watchdog);
      ret = 1;
    }
    if (ctx.localWork.length) runLocalWork(ctx);
    k.task.run();
    if (ret < 0) break;
    const check = ctx.checkCq;
    if (check) {
      if (check & CHECK_CQ.OVERFLOW) {
        flushOverflow(ctx);
        if (ctx.checkCq & CHECK_CQ.OVERFLOW) {
          ret = 0;
          break;
        }
      }
      if (check & CHECK_CQ.DROPPED) {
        ret = -ERRNO.EBADR;
        break;
      }
    }
    if (((ctx.cqTail - target) | 0) >= 0) {
      ret = 0;
      break;
    }
  }
  return ctx.cqHead === ctx.cqTail ? ret : 0;
}
