// struct file, reduced to what io_uring's paths look at: readiness (vfs_poll), nonblocking
// read/write attempts, wait queues that wake armed poll requests, and the reference count
// (f_count) that decides when the file is released.

import { UringError } from '../errors.js';

import type { Scheduler } from '../sched.js';

export type PollDir = 'in' | 'out';

/** poll(2) event bits (include/uapi/asm-generic/poll.h). */
export const POLL = { IN: 0x1, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20 } as const;

/** fmode_t bits io_uring checks before a transfer (io_rw_init_file()). */
export const FMODE = { READ: 1 << 0, WRITE: 1 << 1 } as const;

export interface ReadResult {
  /** Bytes read, or a negative errno (-EAGAIN when it would block). */
  res: number;
  data?: Uint8Array;
}

interface Waiter {
  dir: PollDir;
  fn: (key?: number) => void;
  /** A poll table entry (io_poll_wake()), which a keyed wake-up reaches whatever the file's state. */
  poll?: boolean;
  /** A multishot poll's entry: a wake-up leaves it on the queue, in its place (no EPOLLONESHOT). */
  keep?: boolean;
}

export abstract class FileObj {
  abstract readonly kind: string;
  /** file_can_poll(): has a ->poll method. */
  abstract readonly pollable: boolean;
  /** S_ISREG: io_uring treats regular files as never blocking on readiness. */
  readonly isReg: boolean = false;
  /** O_DIRECT was requested at open. */
  odirect = false;
  /** f_flags & O_NONBLOCK (fcntl(F_SETFL)): read(2)/write(2) return -EAGAIN instead of sleeping. */
  oNonblock = false;
  /** f_op->write_iter exists; without it (eventfd has only ->write) io_uring goes through loop_rw_iter(). */
  readonly writeIter: boolean = true;
  /** f_mode & (FMODE_READ | FMODE_WRITE): the testbed opens files O_RDWR. */
  get fmode(): number {
    return FMODE.READ | FMODE.WRITE;
  }
  /** FMODE_STREAM: no file position (pipes, sockets). */
  get stream(): boolean {
    return false;
  }
  /**
   * f_op->iopoll, for files whose completions can be polled for: completes what has finished,
   * first waiting for the earliest when `spin`; returns how many completed.
   */
  iopoll?(sched: Scheduler, spin: boolean): number;
  /** File position for reads and writes with offset -1 (IORING_FEAT_RW_CUR_POS). */
  pos = 0;
  private waiters: Waiter[] = [];
  /** f_count: the creator's reference (handed to the fd table by fd_install) plus one per get(). */
  private fCount = 1;

  abstract readable(): boolean;
  abstract writable(): boolean;

  /** Stream files: bytes a read took that never reached the user go back to the head. */
  unread?(data: Uint8Array): void;
  /** A read attempt; `pos` is undefined for stream files. */
  abstract read(len: number, pos: number | undefined): ReadResult;
  abstract write(data: Uint8Array, pos: number | undefined): number;

  ready(dir: PollDir): boolean {
    return dir === 'in' ? this.readable() : this.writable();
  }

  /**
   * Registers a one-shot wakeup for readiness in `dir`; returns a cancel function. `head` adds it
   * first, as add_wait_queue() does for poll entries (woken newest first); otherwise it goes last.
   * `keep` makes it stay queued when woken (a multishot poll's entry), until cancelled.
   */
  waitOnce(dir: PollDir, fn: (key?: number) => void, opts: { head?: boolean; poll?: boolean; keep?: boolean } = {}): () => void {
    const w: Waiter = { dir, fn, ...(opts.poll ? { poll: true } : {}), ...(opts.keep ? { keep: true } : {}) };
    if (opts.head) this.waiters.unshift(w);
    else this.waiters.push(w);
    return () => {
      this.waiters = this.waiters.filter((x) => x !== w);
    };
  }

  /** __wake_up() on the file's wait queue: wakes waiters whose condition now holds. */
  wake(): void {
    if (this.waiters.length === 0) return;
    this.wakeWhere((w) => this.ready(w.dir));
  }

  /**
   * __wake_up() with no key (sock_def_wakeup()'s wake_up_interruptible_all(), from
   * sk_state_change()): io_poll_wake() takes a NULL key as a match, so every poll entry is woken
   * whatever the file's state, and a single-shot one that then polls nothing is issued again and
   * re-armed at the head of the queue; other waiters re-check their condition.
   */
  wakeUnkeyed(): void {
    this.wakeWhere((w) => !!w.poll || this.ready(w.dir));
  }

  /**
   * __wake_up() with a key (wake_up_interruptible_sync_poll()): poll entries waiting in `dir` are
   * woken with the key's events even if the file has nothing for them (io_poll_wake() takes the
   * key as the result); other waiters re-check their condition, as wait_event() does.
   */
  wakeKey(dir: PollDir, key: number): void {
    this.wakeWhere((w) => w.dir === dir && (!!w.poll || this.ready(w.dir)), key);
  }

  /** The walk of __wake_up_common(): each hit leaves the queue (unless kept) and is called; poll entries get `key`. */
  private wakeWhere(hits: (w: Waiter) => boolean, key?: number): void {
    const hit = this.waiters.filter(hits);
    if (hit.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.keep || !hit.includes(w));
    for (const w of hit) w.fn(w.poll ? key : undefined);
  }

  /** References held: the fd table's and each request's. 0 once released. */
  get refs(): number {
    return this.fCount;
  }

  /** get_file() / the reference fget() takes: the file stays open while it is held. */
  get(): this {
    if (this.fCount <= 0) throw new UringError('INTERNAL', `a reference was taken on a released ${this.kind} file`);
    this.fCount++;
    return this;
  }

  /**
   * fput(): drops a reference; the last one releases the file (__fput() -> ->release()). From a
   * task, fput() queues ____fput() as task_work (TWA_RESUME): `defer` takes the release then, to
   * run when the task next runs its task_work (on the way back to user space, or in a wait).
   */
  put(defer?: (release: () => void) => void): void {
    if (this.fCount <= 0) throw new UringError('INTERNAL', `fput() of a released ${this.kind} file`);
    if (--this.fCount !== 0) return;
    if (defer) defer(() => this.release());
    else this.release();
  }

  /** ->release(): the last reference is gone. */
  protected release(): void {}
}
