// io_uring/eventfd.c: the io_ev_fd lifetime (io_eventfd_put/free), signalling
// (io_eventfd_signal, __io_eventfd_signal, io_eventfd_do_signal, io_eventfd_trigger), and
// io_eventfd_register/unregister. The design decides what register/unregister wait for and how an
// io_ev_fd is freed (strategy/); the rest is the same code for both.

import {
  EPOLL, ERRNO, IORING_CQ, UringError, counter, eventfdSignalAllowed, isEventFd, type IoHost, type RingCtx,
} from '@uringlab/ring/extend';
import { IO_EVENTFD_OP_SIGNAL_BIT, IoEvFd, configOf, evfdRing } from './state.js';

const C_KMALLOC = counter('alloc', 'kmalloc:io_ev_fd');
const C_KFREE = counter('free', 'kfree:io_ev_fd');
const C_FDGET = counter('atomic', 'fdget');
const C_KREF = counter('atomic', 'eventfd_ctx_kref');
const C_REFS = counter('atomic', 'io_ev_fd.refs');
const C_COMPLETION_LOCK = counter('lock', 'completion_lock');
const C_CALL_RCU = counter('event', 'call_rcu');
const C_WQH_LOCK = counter('lock', 'eventfd_wqh');
const C_EVENTFD_SIGNAL = counter('event', 'eventfd_signal');

function use(ev: IoEvFd, what: string): void {
  if (ev.freed) throw new UringError('INTERNAL', `${what} on a freed io_ev_fd (a reader saw a registration after its grace period)`);
}

/** io_eventfd_free(): the RCU callback (or, without RCU, the direct free) of the last put. */
function eventfdFree(host: IoHost, ev: IoEvFd): void {
  use(ev, 'io_eventfd_free()');
  host.costs.add(C_KREF);
  ev.evfd.ctxPut();
  host.costs.add(C_KFREE);
  ev.freed = true;
  configOf(host).stats.freed++;
}

/** io_eventfd_put() */
export function eventfdPut(host: IoHost, ev: IoEvFd): void {
  use(ev, 'io_eventfd_put()');
  host.costs.add(C_REFS);
  if (--ev.refs === 0) {
    host.costs.add(C_CALL_RCU);
    configOf(host).strategy.release(host, () => eventfdFree(host, ev));
  }
}

/** refcount_inc_not_zero() */
function refIncNotZero(host: IoHost, ev: IoEvFd): boolean {
  use(ev, 'refcount_inc_not_zero()');
  host.costs.add(C_REFS);
  if (ev.refs === 0) return false;
  ev.refs++;
  return true;
}

/** eventfd_signal_mask(ev_fd->cq_ev_fd, EPOLL_URING_WAKE) */
function signalNow(host: IoHost, ev: IoEvFd): void {
  host.costs.add(C_WQH_LOCK);
  host.costs.add(C_EVENTFD_SIGNAL);
  configOf(host).stats.signals++;
  ev.evfd.signal(EPOLL.URING_WAKE);
}

/** io_eventfd_do_signal(): the deferred signal, from an RCU callback. */
function doSignal(host: IoHost, ev: IoEvFd): void {
  use(ev, 'io_eventfd_do_signal()');
  if (configOf(host).knobs.clearsSignalBit) ev.ops &= ~IO_EVENTFD_OP_SIGNAL_BIT;
  signalNow(host, ev);
  eventfdPut(host, ev);
}

/**
 * __io_eventfd_signal(): signal now if allowed and not asked to defer; else queue one deferred
 * signal (call_rcu_hurry()), or none if one is already queued. Whether the caller puts its ref.
 */
function eventfdSignalOrDefer(host: IoHost, ev: IoEvFd, defer: boolean): boolean {
  const stats = configOf(host).stats;
  if (!defer && eventfdSignalAllowed()) {
    signalNow(host, ev);
    return true;
  }
  if (!(ev.ops & IO_EVENTFD_OP_SIGNAL_BIT)) {
    ev.ops |= IO_EVENTFD_OP_SIGNAL_BIT;
    stats.deferred++;
    host.costs.add(C_CALL_RCU);
    host.sched.callRcu(() => doSignal(host, ev));
    return false;
  }
  stats.coalesced++;
  return true;
}

/** io_eventfd_trigger(): the ASYNC variant signals only from io-wq workers (io_wq_current_is_worker()). */
function eventfdTrigger(host: IoHost, ev: IoEvFd): boolean {
  return !ev.async || host.sched.context === 'iowq';
}

/**
 * io_eventfd_signal(ctx, cqe_event, defer). The CQE path (cqe_event, from the commit flush)
 * signals only if the cached tail moved since the last CQE-path signal; the task-work path
 * (DEFER_TASKRUN) signals without looking at the tail and leaves last_cq_tail alone. Nothing is
 * updated while the application has IORING_CQ_EVENTFD_DISABLED set.
 */
export function eventfdSignal(ctx: RingCtx, cqeEvent: boolean, defer: boolean): void {
  const host = ctx.kernel;
  const cfg = configOf(host);
  const st = evfdRing(ctx);
  const rcu = cfg.strategy.rcuReaders;
  // guard(rcu)()
  if (rcu) host.sched.rcuReadLock();
  try {
    if (ctx.cqFlags & IORING_CQ.EVENTFD_DISABLED) return;
    const ev = st.ioEvFd;
    if (!ev) return;
    if (!eventfdTrigger(host, ev) || !refIncNotZero(host, ev)) return;
    let skip = false;
    if (cqeEvent) {
      host.costs.add(C_COMPLETION_LOCK);
      skip = ctx.cachedCqTail === ev.lastCqTail;
      ev.lastCqTail = ctx.cachedCqTail;
      if (skip) cfg.stats.skippedNoTailMove++;
    }
    if (skip || eventfdSignalOrDefer(host, ev, defer)) eventfdPut(host, ev);
  } finally {
    if (rcu) host.sched.rcuReadUnlock();
  }
}

/** io_eventfd_register(): EBUSY, then the copy (EFAULT), then eventfd_ctx_fdget() (EBADF, EINVAL). */
export function eventfdRegister(ctx: RingCtx, arg: number, eventfdAsync: boolean): number {
  const host = ctx.kernel;
  const st = evfdRing(ctx);
  if (st.ioEvFd) return -ERRNO.EBUSY;
  const raw = host.memory.read(arg, 4);
  if (!raw) return -ERRNO.EFAULT;
  const fd = new DataView(raw.buffer, raw.byteOffset, 4).getInt32(0, true);
  host.costs.add(C_KMALLOC);
  // eventfd_ctx_fdget(): fdget, the f_op check, kref_get, fdput.
  host.costs.add(C_FDGET, 2);
  const f = host.fget(fd);
  if (!f) {
    host.costs.add(C_KFREE);
    return -ERRNO.EBADF;
  }
  if (!isEventFd(f)) {
    host.costs.add(C_KFREE);
    return -ERRNO.EINVAL;
  }
  host.costs.add(C_KREF);
  f.ctxGet();
  host.costs.add(C_COMPLETION_LOCK);
  const ev = new IoEvFd(f, eventfdAsync, ctx.cachedCqTail, ctx.fd);
  configOf(host).stats.allocated++;
  st.hasEvfd = true;
  // rcu_assign_pointer(ctx->io_ev_fd, ev_fd)
  st.ioEvFd = ev;
  return 0;
}

/** io_eventfd_unregister(): the pointer goes at once; the io_ev_fd when its last reference does. */
export function eventfdUnregister(ctx: RingCtx): number {
  const st = evfdRing(ctx);
  const ev = st.ioEvFd;
  if (!ev) return -ERRNO.ENXIO;
  st.hasEvfd = false;
  st.ioEvFd = null;
  eventfdPut(ctx.kernel, ev);
  return 0;
}
