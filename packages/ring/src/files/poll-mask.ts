// vfs_poll(): the readiness mask a file's ->poll method reports, for POLL_ADD and the poll
// arming of other requests. Files without ->poll (regular files, block devices) report
// DEFAULT_POLLMASK and have no wait queue an entry could be added to.

import { UringError } from '../errors.js';
import { EPOLL } from '../uapi/constants.js';
import type { FileObj } from './file.js';
import { isEventFd, type EventFd as EventFdFile } from './eventfd.js';

const ULLONG_MAX = (1n << 64n) - 1n;
import { PipeQueue, StreamEnd, unixWritable } from './stream.js';

/** DEFAULT_POLLMASK (include/linux/poll.h): always readable and writable. */
export const DEFAULT_POLLMASK = EPOLL.IN | EPOLL.OUT | EPOLL.RDNORM | EPOLL.WRNORM;

/** vfs_poll(file) as the mask it returns (no EPOLLET/ONESHOT bits). */
export function vfsPoll(f: FileObj): number {
  if (!f.pollable) return DEFAULT_POLLMASK;
  if (isEventFd(f)) return eventfdPoll(f as EventFdFile);
  if (f instanceof StreamEnd) return f.kind === 'udp' ? udpPoll(f) : f.isSocket ? sockPoll(f) : pipePoll(f);
  throw new UringError('NOT_MODELLED', `polling a ${f.kind} file is not modelled (only pipes, sockets, eventfds and files without ->poll)`);
}

/** eventfd_poll(): readable above zero, writable below ULLONG_MAX - 1, an error at ULLONG_MAX. */
function eventfdPoll(f: EventFdFile): number {
  let m = 0;
  if (f.readable()) m |= EPOLL.IN;
  if (f.count === ULLONG_MAX) m |= EPOLL.ERR;
  if (f.writable()) m |= EPOLL.OUT;
  return m;
}

/** pipe_poll(): each end reports its own side; HUP once the writers are gone, ERR once the readers are. */
function pipePoll(f: StreamEnd): number {
  let m = 0;
  // pipe_poll() sets pipe->poll_usage: from now on every write wakes the readers.
  for (const q of [f.rx, f.tx]) if (q instanceof PipeQueue) q.polled = true;
  if (f.rx) {
    if (f.rx.size > 0) m |= EPOLL.IN | EPOLL.RDNORM;
    if (f.rx.writerClosed) m |= EPOLL.HUP;
  }
  if (f.tx) {
    if (f.tx.hasRoom()) m |= EPOLL.OUT | EPOLL.WRNORM;
    if (f.tx.readerClosed) m |= EPOLL.ERR;
  }
  return m;
}

/**
 * tcp_poll() and unix_poll() for a connected socket, from sk_shutdown: a pending error is ERR,
 * RCV_SHUTDOWN is IN|RDNORM|RDHUP, SHUTDOWN_MASK (both sides down: our own shutdown(2), an
 * AF_UNIX peer's mirrored onto us, a closed peer) or a TCP socket in TCP_CLOSE is HUP. A TCP
 * socket whose send side is shut reports OUT, as tcp_poll() does so a writer sees the error.
 */
function sockPoll(f: StreamEnd): number {
  let m = 0;
  const unix = f.kind !== 'tcp';
  // RCV_SHUTDOWN: shutdown(SHUT_RD) here, a FIN or an AF_UNIX peer's SHUT_WR (rx.writerClosed).
  const rcvShutdown = f.rdShut || f.rx!.writerClosed;
  // SEND_SHUTDOWN: shutdown(SHUT_WR) here; on AF_UNIX also a peer's SHUT_RD or its close.
  const sendShutdown = f.wrShut || (unix && f.tx!.readerClosed);
  if (f.sockErr) m |= EPOLL.ERR;
  if ((rcvShutdown && sendShutdown) || f.tcpClosed) m |= EPOLL.HUP;
  if (rcvShutdown) m |= EPOLL.IN | EPOLL.RDNORM | EPOLL.RDHUP;
  if (f.isDgram ? f.rx!.count > 0 : f.rx!.size > 0) m |= EPOLL.IN | EPOLL.RDNORM;
  // unix_poll() and unix_dgram_poll() report WRBAND too; tcp_poll() does not.
  if (f.tcpClosed || f.tx!.readerClosed || (!unix && f.wrShut) || sockWritable(f)) m |= EPOLL.OUT | EPOLL.WRNORM | (unix ? EPOLL.WRBAND : 0);
  return m;
}

/**
 * udp_poll() -> datagram_poll(): only the socket's own state counts (UDP has no connection to
 * end): a pending error is ERR, RCV_SHUTDOWN is IN|RDNORM|RDHUP, both directions shut is HUP,
 * a queued datagram (an empty one too) is IN|RDNORM, and it is always writable (loopback
 * orphans the skb, so sk_wmem_alloc never holds it back).
 */
function udpPoll(f: StreamEnd): number {
  let m = 0;
  if (f.sockErr) m |= EPOLL.ERR;
  if (f.rdShut) m |= EPOLL.RDHUP | EPOLL.IN | EPOLL.RDNORM;
  if (f.rdShut && f.wrShut) m |= EPOLL.HUP;
  if (f.rx!.count > 0) m |= EPOLL.IN | EPOLL.RDNORM;
  return m | EPOLL.OUT | EPOLL.WRNORM | EPOLL.WRBAND;
}

/**
 * unix_writable(): at most a quarter of the send buffer in flight; sk_stream_is_writeable():
 * free space at least half of what is queued. Bytes stand in for skb truesize.
 */
function sockWritable(f: StreamEnd): boolean {
  const q = f.tx!;
  return f.kind === 'tcp' ? 3 * q.size <= 2 * q.capacity : unixWritable(q);
}
