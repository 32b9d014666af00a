// read(2) and write(2) as a program makes them on a blocking fd: a file that would block (-EAGAIN
// from the nonblocking attempt) puts the task to sleep on its wait queue (pipe_read(),
// pipe_write(), eventfd_read(), sk_wait_data()), interruptibly. io-wq, devices and timers keep
// running meanwhile, in virtual time. Nothing ends a wait on an empty pipe, so the testbed
// runner's watchdog (SIGALRM after WATCHDOG_NS, no SA_RESTART) does: the call returns -EINTR,
// or, for a write, the bytes it had already moved.

import { ERRNO } from '../uapi/errno.js';
import { WATCHDOG_NS } from '../core/enter.js';
import type { Scheduler } from '../sched.js';
import type { FileObj, PollDir, ReadResult } from './file.js';
import { EFD_NONBLOCK, EventFd } from './eventfd.js';

interface Sleeper {
  sched: Scheduler;
  /** The task's task_work: a wakeup runs it (TWA_SIGNAL), then the wait goes on. */
  task: { readonly pending: boolean; run(): void };
}

/** Whether the fd was opened nonblocking (only eventfd can be, through EFD_NONBLOCK). */
function nonblocking(f: FileObj): boolean {
  return f instanceof EventFd && (f.efdFlags & EFD_NONBLOCK) !== 0;
}

/** Sleeps until `f` is ready in `dir`; false when the watchdog fired first. */
function sleepOn(s: Sleeper, f: FileObj, dir: PollDir, deadline: number): boolean {
  for (;;) {
    if (f.ready(dir)) return true;
    if (s.task.pending) {
      s.task.run();
      continue;
    }
    const left = deadline - s.sched.now;
    if (left <= 0) return false;
    if (s.sched.runUntil(() => f.ready(dir) || s.task.pending, left) === undefined) return false;
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
    if (!sleepOn(s, f, 'out', deadline)) return done || -ERRNO.EINTR;
  }
}
