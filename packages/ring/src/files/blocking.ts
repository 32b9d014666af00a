// read(2) and write(2) as a program makes them on a blocking fd: a file that would block (-EAGAIN
// from the nonblocking attempt) puts the task to sleep on its wait queue (pipe_read(),
// pipe_write(), eventfd_read(), sk_wait_data()), interruptibly. io-wq, devices and timers keep
// running meanwhile, in virtual time. Nothing ends a wait on an empty pipe, so the testbed
// runner's watchdog (SIGALRM after WATCHDOG_NS, no SA_RESTART) does: the call returns -EINTR,
// or, for a write, the bytes it had already moved. poll(2) sleeps the same way, up to its timeout.

import { ERRNO } from '../uapi/errno.js';
import { WATCHDOG_NS } from '../core/enter.js';
import type { Scheduler } from '../sched.js';
import { POLL, type FileObj, type PollDir, type ReadResult } from './file.js';
import { EFD_NONBLOCK, EventFd } from './eventfd.js';
import { vfsPoll } from './poll-mask.js';

interface Sleeper {
  sched: Scheduler;
  /** The task's task_work: a wakeup runs it (TWA_SIGNAL), then the wait goes on. */
  task: { readonly pending: boolean; run(): void };
}

/** Whether the fd is nonblocking: O_NONBLOCK set by fcntl(), or an eventfd made EFD_NONBLOCK. */
function nonblocking(f: FileObj): boolean {
  return f.oNonblock || (f instanceof EventFd && (f.efdFlags & EFD_NONBLOCK) !== 0);
}

/** Sleeps until `f` is ready in `dir`; false when the watchdog fired first. */
function sleepOn(s: Sleeper, f: FileObj, dir: PollDir, deadline: number): boolean {
  return sleepUntil(s, () => f.ready(dir), deadline);
}

/** An interruptible sleep until cond() holds; false when `deadline` came first. */
function sleepUntil(s: Sleeper, cond: () => boolean, deadline: number): boolean {
  for (;;) {
    if (cond()) return true;
    if (s.task.pending) {
      s.task.run();
      continue;
    }
    const left = deadline - s.sched.now;
    if (left <= 0) return false;
    if (s.sched.runUntil(() => cond() || s.task.pending, left) === undefined) return false;
  }
}

/** A blocking read(2): data, 0 at end of file, -errno, or -EINTR when nothing came in time. */
export function blockingRead(s: Sleeper, f: FileObj, len: number): ReadResult {
  const deadline = s.sched.now + WATCHDOG_NS;
  for (;;) {
    const r = f.read(len, undefined);
    if (r.res !== -ERRNO.EAGAIN || nonblocking(f)) return r;
    if (!sleepOn(s, f, 'in', deadline)) return { res: -ERRNO.EINTR };
  }
}

/** A blocking write(2): everything, or what was written before an error or the watchdog. */
export function blockingWrite(s: Sleeper, f: FileObj, data: Uint8Array): number {
  const deadline = s.sched.now + WATCHDOG_NS;
  let done = 0;
  for (;;) {
    const r = f.write(data.subarray(done), undefined);
    if (r > 0) done += r;
    if (done === data.byteLength) return done;
    if (r < 0 && r !== -ERRNO.EAGAIN) return done || r;
    if (nonblocking(f)) return done || r;
    // eventfd_write() waits for room for this value, not for EPOLLOUT (which a smaller one may see).
    const woke = f instanceof EventFd ? sleepUntil(s, () => f.hasRoomFor(data), deadline) : sleepOn(s, f, 'out', deadline);
    if (!woke) return done || -ERRNO.EINTR;
  }
}

/**
 * poll(2) of one file for POLLIN and/or POLLOUT, waiting up to timeoutNs (Infinity: until the
 * watchdog). res is 1 when an event is ready, 0 on timeout, -EINTR when the watchdog fired. The
 * runner arms its watchdog only for an infinite poll, so only that one ends in -EINTR.
 */
export function pollFile(s: Sleeper, f: FileObj, events: number, timeoutNs: number): { res: number; revents: number } {
  // do_pollfd(): POLLERR and POLLHUP are reported whether asked for or not.
  const exceptional = () => (f.pollable ? vfsPoll(f) & (POLL.ERR | POLL.HUP) : 0);
  const mask = () => (events & POLL.IN && f.ready('in') ? POLL.IN : 0) | (events & POLL.OUT && f.ready('out') ? POLL.OUT : 0) | exceptional();
  const byTimeout = Number.isFinite(timeoutNs);
  if (!mask() && timeoutNs > 0 && !sleepUntil(s, () => mask() !== 0, s.sched.now + (byTimeout ? timeoutNs : WATCHDOG_NS))) {
    return byTimeout ? { res: 0, revents: 0 } : { res: -ERRNO.EINTR, revents: 0 };
  }
  const m = mask();
  return { res: m ? 1 : 0, revents: m };
}
