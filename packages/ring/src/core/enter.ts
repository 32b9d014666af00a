// io_uring_enter() and io_cqring_wait() (io_uring/io_uring.c, io_uring/wait.c). An IOPOLL ring
// (without SQPOLL) never sleeps in GETEVENTS: it polls for completions instead (core/iopoll.ts).

import { ERRNO } from '../uapi/errno.js';
import { IORING_ENTER as E, IORING_SETUP as S } from '../uapi/constants.js';
import { CHECK_CQ, type RingCtx } from './ctx.js';
import { flushOverflow } from './cqe.js';
import { runLocalWork, runLocalWorkLocked, LOCAL_TW_DEFAULT_MAX } from './tw-run.js';
import { localWorkPending } from './tw.js';
import { submitSqes } from './submit.js';
import { iopollCheck, iopollReapAll } from './iopoll.js';
import { UringError } from '../errors.js';
import { cqTimeouts } from './timeout-state.js';
import { decode } from '../uapi/layout.js';
import { IO_URING_GETEVENTS_ARG, KERNEL_TIMESPEC } from '../uapi/structs.js';

/** How long a wait may block before the testbed runner's watchdog interrupts it (SIGALRM). */
export const WATCHDOG_NS = 1_000_000_000;

export interface ExtArg {
  /** Relative timeout from io_uring_getevents_arg.ts, in ns. */
  timeoutNs?: number;
}

/**
 * io_get_ext_arg(): with IORING_ENTER_EXT_ARG, `arg` points to an io_uring_getevents_arg of
 * exactly `argsz` bytes whose `ts` (if set) points to a __kernel_timespec. Returns -errno or the
 * parsed argument. (Signal masks and min_wait_usec are not modelled: the scenario runner uses none.)
 */
export function getExtArg(ctx: RingCtx, flags: number, arg: number, argsz: number): ExtArg | number {
  if (!(flags & E.EXT_ARG)) return {};
  if (flags & E.EXT_ARG_REG) throw new UringError('NOT_MODELLED', 'IORING_ENTER_EXT_ARG_REG (registered wait regions) is not modelled');
  if (argsz !== IO_URING_GETEVENTS_ARG.size) return -ERRNO.EINVAL;
  const raw = ctx.kernel.memory.read(arg, IO_URING_GETEVENTS_ARG.size);
  if (!raw) return -ERRNO.EFAULT;
  const a = decode(IO_URING_GETEVENTS_ARG, raw);
  if (a.sigmask || a.min_wait_usec) throw new UringError('NOT_MODELLED', 'signal masks and min_wait_usec in io_uring_getevents_arg are not modelled');
  if (!a.ts) return {};
  const tsRaw = ctx.kernel.memory.read(Number(a.ts), KERNEL_TIMESPEC.size);
  if (!tsRaw) return -ERRNO.EFAULT;
  const ts = decode(KERNEL_TIMESPEC, tsRaw);
  return { timeoutNs: Number(ts.tv_sec) * 1e9 + Number(ts.tv_nsec) };
}

/**
 * io_validate_ext_arg(): an IOPOLL ring's GETEVENTS checks the argument's size and that it can
 * be read, and nothing more: it never waits, so a timeout is never looked at.
 */
function validateExtArg(ctx: RingCtx, flags: number, arg: number, argsz: number): number {
  if (!(flags & E.EXT_ARG)) return 0;
  if (flags & E.EXT_ARG_REG) return -ERRNO.EINVAL;
  if (argsz !== IO_URING_GETEVENTS_ARG.size) return -ERRNO.EINVAL;
  if (!ctx.kernel.memory.read(arg, IO_URING_GETEVENTS_ARG.size)) return -ERRNO.EFAULT;
  return 0;
}

/** io_uring_getevents() / io_uring_enter_finish(): poll (IOPOLL rings) or wait. */
function getevents(ctx: RingCtx, minComplete: number, flags: number, arg: number, argsz: number): number {
  if (ctx.syscallIopoll) {
    const bad = validateExtArg(ctx, flags, arg, argsz);
    return bad || iopollCheck(ctx, minComplete);
  }
  const ext = getExtArg(ctx, flags, arg, argsz);
  return typeof ext === 'number' ? ext : cqringWait(ctx, minComplete, ext.timeoutNs);
}

export function ioUringEnter(ctx: RingCtx, toSubmit: number, minComplete: number, flags: number, arg = 0, argsz = 0): number {
  // A ring created with IORING_SETUP_R_DISABLED takes no entry until it is enabled.
  if (ctx.disabled) return -ERRNO.EBADFD;
  let ret = 0;
  if (ctx.flags & S.SQPOLL) {
    // The SQ thread submits on its own schedule; the model runs it at the next settle. With
    // IOPOLL it also polls, as long as anything is on the iopoll list (__io_sq_thread()).
    ctx.kernel.sched.punt(() => {
      // __io_sq_thread() submits nothing for a ring whose refs are dying.
      if (ctx.dead) return;
      submitSqes(ctx, ctx.sqringEntries());
      if (ctx.flags & S.IOPOLL) iopollReapAll(ctx);
    });
    ret = toSubmit;
  } else if (toSubmit) {
    ret = submitSqes(ctx, toSubmit);
    if (ret !== toSubmit) return ret;
    if (flags & E.GETEVENTS && ctx.deferTaskrun && !ctx.syscallIopoll) runLocalWorkLocked(ctx, minComplete);
  }
  if (flags & E.GETEVENTS) {
    const ret2 = getevents(ctx, minComplete, flags, arg, argsz);
    // io_getevents_ret()
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
  if (localWorkPending(ctx)) runLocalWork(ctx, min, Math.max(LOCAL_TW_DEFAULT_MAX, min));
  k.task.run();
  if (ctx.checkCq & CHECK_CQ.OVERFLOW) flushOverflow(ctx);
  if (ctx.cqEventsUser() >= min) return 0;
  const target = (ctx.cqHead + min) >>> 0;
  // iowq.nr_timeouts: a timeout completing ends the wait too (io_should_wake()).
  const nrTimeouts = cqTimeouts(ctx);
  // nr_wait: the CQEs still missing, as of the end of the previous pass (1 once timed out).
  let nrWait = (target - ctx.cqTail) | 0;
  const start = k.sched.now;
  const watchdog = start + WATCHDOG_NS;
  const deadline = timeoutNs === undefined ? Infinity : start + timeoutNs;
  let ret: number;
  for (;;) {
    // io_cqring_wait_schedule(): pending work or CQ state means "go around again".
    if (ctx.checkCq || localWorkPending(ctx) || k.task.pending) {
      ret = 1;
    } else if (((ctx.cqTail - target) | 0) >= 0 || cqTimeouts(ctx) !== nrTimeouts) {
      ret = 0;
    } else if (k.sched.now >= deadline) {
      ret = -ERRNO.ETIME;
    } else if (k.sched.now >= watchdog) {
      ret = -ERRNO.EINTR;
    } else {
      // Sleep: let workers, devices and timers make progress, in virtual time.
      if (!k.sched.settle() && !k.sched.advance(Math.min(deadline, watchdog))) k.sched.now = Math.min(deadline, watchdog);
      ret = 1;
    }
    // The wait's own run: until the CQEs still missing (nr_wait) are there.
    if (localWorkPending(ctx)) runLocalWork(ctx, nrWait, nrWait);
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
    if (((ctx.cqTail - target) | 0) >= 0 || cqTimeouts(ctx) !== nrTimeouts) {
      ret = 0;
      break;
    }
    nrWait = (target - ctx.cqTail) | 0;
  }
  return ctx.cqHead === ctx.cqTail ? ret : 0;
}
