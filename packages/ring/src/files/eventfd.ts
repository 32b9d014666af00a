// eventfd(2) (fs/eventfd.c): a 64-bit counter. read(2) takes the whole count (or 1 with
// EFD_SEMAPHORE) and waits while it is zero; write(2) adds exactly 8 bytes' worth and waits while
// the sum would reach ULLONG_MAX; the kernel's own eventfd_signal() adds 1 and saturates. The
// eventfd_ctx is reference counted (the file holds one reference, io_uring registrations more).

import { EPOLL } from '../uapi/constants.js';
import { ERRNO } from '../uapi/errno.js';
import { UringError } from '../errors.js';
import { FileObj, type ReadResult } from './file.js';

export const EFD_SEMAPHORE = 1;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;
/** EFD_FLAGS_SET: the flags eventfd2() accepts. */
export const EFD_FLAGS_SET = EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC;

const ULLONG_MAX = (1n << 64n) - 1n;

/**
 * current->in_eventfd: set while an eventfd runs its wait queue's wakeups. Model code runs one
 * call chain at a time, so one flag stands for the running context's bit.
 */
let inEventfd = false;

/** eventfd_signal_allowed(): false inside an eventfd wakeup (a signal now could recurse). */
export function eventfdSignalAllowed(): boolean {
  return !inEventfd;
}

export class EventFd extends FileObj {
  readonly kind = 'eventfd';
  readonly pollable = true;
  /** eventfd_fops has ->read_iter but only ->write. */
  override readonly writeIter = false;
  count: bigint;
  /** Increments made by eventfd_signal(), for models that check what io_uring posted. */
  signals = 0;
  /** kref of the eventfd_ctx: the file's reference plus eventfd_ctx_fdget() ones. */
  ctxRefs = 1;

  constructor(initval: number, readonly efdFlags: number) {
    super();
    this.count = BigInt(initval);
  }

  /** The last reference is gone (eventfd_free_ctx()). */
  get freed(): boolean {
    return this.ctxRefs === 0;
  }

  readable(): boolean {
    return this.count > 0n;
  }
  /** eventfd_poll(): EPOLLOUT while ULLONG_MAX - 1 > count. */
  writable(): boolean {
    return ULLONG_MAX - 1n > this.count;
  }

  /** eventfd_read(); a zero count is -EAGAIN here, and a blocking read(2) sleeps (files/blocking.ts). */
  read(len: number): ReadResult {
    if (len < 8) return { res: -ERRNO.EINVAL };
    if (this.count === 0n) return { res: -ERRNO.EAGAIN };
    // eventfd_ctx_do_read()
    const take = this.efdFlags & EFD_SEMAPHORE ? 1n : this.count;
    this.count -= take;
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigUint64(0, take, true);
    // eventfd_read() wakes keyed EPOLLOUT only: a poll for POLLIN is not woken, even when a
    // semaphore read leaves the count above zero.
    this.wakeLocked(EPOLL.OUT, 'out');
    return { res: 8, data };
  }

  /** The wait condition of a blocking eventfd_write(): the sum stays below ULLONG_MAX. */
  hasRoomFor(data: Uint8Array): boolean {
    if (data.byteLength !== 8) return true;
    return ULLONG_MAX - this.count > new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
  }

  /** eventfd_write(): exactly 8 bytes; -EAGAIN while the sum would reach ULLONG_MAX. */
  write(data: Uint8Array): number {
    if (data.byteLength !== 8) return -ERRNO.EINVAL;
    const v = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
    if (v === ULLONG_MAX) return -ERRNO.EINVAL;
    if (!(ULLONG_MAX - this.count > v)) return -ERRNO.EAGAIN;
    this.count += v;
    // eventfd_write() wakes keyed EPOLLIN even for a write of 0, which leaves the count alone:
    // a POLL_ADD waiting for POLLIN completes with that key (fuzz-174682340-4163).
    this.wakeLocked(EPOLL.IN);
    return 8;
  }

  /**
   * eventfd_signal_mask(): what io_uring calls when it posts CQEs, with EPOLL_URING_WAKE in `mask`
   * (io_eventfd_do_signal()); the wake-up is keyed EPOLLIN | mask.
   */
  signal(mask = 0): void {
    if (this.freed) throw new UringError('INTERNAL', 'eventfd_signal() on a freed eventfd_ctx (a use after free in a model)');
    // The kernel warns and drops the signal: a caller must check eventfdSignalAllowed() first.
    if (inEventfd) throw new UringError('INTERNAL', 'eventfd_signal() from inside an eventfd wakeup (WARN_ON_ONCE(current->in_eventfd))');
    if (this.count < ULLONG_MAX) this.count++;
    this.signals++;
    this.wakeLocked((EPOLL.IN | mask) >>> 0);
  }

  /** eventfd_ctx_fileget(): a registration takes a reference on the context. */
  ctxGet(): this {
    if (this.freed) throw new UringError('INTERNAL', 'kref_get() on a freed eventfd_ctx');
    this.ctxRefs++;
    return this;
  }

  /** eventfd_ctx_put() */
  ctxPut(): void {
    if (this.freed) throw new UringError('INTERNAL', 'eventfd_ctx_put() on a freed eventfd_ctx');
    this.ctxRefs--;
  }

  /** eventfd_release(): the file goes; registrations may keep the context alive. */
  protected override release(): void {
    this.ctxPut();
  }

  /** Wakeups run with current->in_eventfd set, as under ctx->wqh.lock. */
  private wakeLocked(key: number, dir: 'in' | 'out' = 'in'): void {
    const outer = inEventfd;
    inEventfd = true;
    try {
      this.wakeKey(dir, key);
    } finally {
      inEventfd = outer;
    }
  }
}

/** eventfd_fget()'s type check, across copies of the core. */
export function isEventFd(f: FileObj | undefined): f is EventFd {
  return f?.kind === 'eventfd';
}
