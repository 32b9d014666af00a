// Byte streams: pipes and connected stream sockets (TCP over loopback, AF_UNIX). Both ends share
// a bounded queue per direction; an empty queue makes reads wait (-EAGAIN when nonblocking).
//
// How an end goes away differs (and is observable):
// - pipe: the reader sees EOF after the data; a writer whose reader is gone gets -EPIPE.
// - AF_UNIX (unix_release_sock()): the peer is shut down both ways, so its writes fail -EPIPE at
//   once; if the closed end still had unread data, the peer also gets sk_err = ECONNRESET,
//   reported once by a read that finds no data.
// - TCP (tcp_close()): with nothing unread the peer gets a FIN (SOCK_DONE: EOF, and an inq hint
//   of 1) and, in CLOSE_WAIT, may still send: the closed end answers data with a reset, so the
//   first send succeeds and draws it (tcp_reset() in CLOSE_WAIT: sk_err = EPIPE, TCP_CLOSE) and
//   the next fails -EPIPE. With unread data the close sends a reset at once: the peer keeps
//   what it already received, then reads -ECONNRESET once (EPIPE in CLOSE_WAIT, and a read
//   there sees the FIN first), then EOF, and its sends fail (the pending error first, then
//   -EPIPE). Once both FINs are out (close or SHUT_WR, in either order) the socket that is
//   still open is TCP_CLOSE too (LAST_ACK acked, or tcp_time_wait()): shutdown is -ENOTCONN.
//   A peer that shut down both ways answers data as a closed one does, and resets itself too.
//
// An AF_UNIX SOCK_DGRAM pair (kind 'unix-dgram') shares the same ends, but its queues keep each
// send as one datagram (ByteQueue in datagram mode): a read takes one datagram whole, keeping at
// most what fits and dropping the rest (unix_dgram_recvmsg()).
//
// A UDP pair (kind 'udp': two sockets on 127.0.0.1, each connect()ed to the other) keeps the
// same boundaries, but it is no pair to the kernel: loopback delivers each datagram in the
// sender's own call (netif_rx() and the softirq before the send returns), nothing is mirrored
// between the ends (a shutdown or a close is only the socket's own), a send never waits for the
// receiver, and a datagram to a closed port draws an ICMP port unreachable, which the connected
// sender takes as sk_err = ECONNREFUSED (__udp4_lib_err()).

import { EPOLL } from '../uapi/constants.js';
import { ERRNO } from '../uapi/errno.js';
import { UringError } from '../errors.js';
import { FMODE, FileObj, type ReadResult } from './file.js';

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  size = 0;
  writerClosed = false;
  readerClosed = false;
  /** sk_err for the reader: an errno its next read reports once the queue is empty, then 0. */
  pendingError = 0;
  endpoints: StreamEnd[] = [];
  /** Chunks (skbs, pipe pages) the last pull() or pullDatagram() used up and freed. */
  lastFreed = 0;
  constructor(readonly capacity: number, readonly datagrams = false) {}

  /** Datagrams queued (datagram mode; zero-length ones count too). */
  get count(): number {
    return this.chunks.length;
  }

  /** Queues one datagram as it is, even an empty one. */
  pushDatagram(data: Uint8Array): void {
    this.chunks.push(data.slice());
    this.size += data.byteLength;
  }

  /** Dequeues the oldest datagram whole (skb_recv_datagram()), or undefined if none. */
  pullDatagram(): Uint8Array | undefined {
    const d = this.chunks.shift();
    if (d) this.size -= d.byteLength;
    this.lastFreed = d ? 1 : 0;
    return d;
  }

  push(data: Uint8Array): number {
    const room = this.capacity - this.size;
    const n = Math.min(room, data.byteLength);
    if (n > 0) {
      this.chunks.push(data.slice(0, n));
      this.size += n;
    }
    return n;
  }

  pull(len: number): Uint8Array {
    const n = Math.min(len, this.size);
    const out = new Uint8Array(n);
    let at = 0;
    this.lastFreed = 0;
    while (at < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.byteLength, n - at);
      out.set(c.subarray(0, take), at);
      at += take;
      if (take === c.byteLength) {
        this.chunks.shift();
        this.lastFreed++;
      } else {
        this.chunks[0] = c.subarray(take);
      }
    }
    this.size -= n;
    return out;
  }

  /** Puts bytes back at the head, as if never pulled (a read whose copy to the user faulted). */
  unshift(data: Uint8Array): void {
    if (!data.byteLength) return;
    this.chunks.unshift(data.slice());
    this.size += data.byteLength;
  }

  /** A writer finds room (POLLOUT, a write that does not wait): sockets count bytes. */
  hasRoom(): boolean {
    return this.size < this.capacity;
  }

  /** push() would take all `len` bytes now. */
  fits(len: number): boolean {
    return len <= this.capacity - this.size;
  }

  /** Drops everything queued (a closed socket frees its receive queue). */
  purge(): void {
    this.chunks = [];
    this.size = 0;
  }

  wakeAll(): void {
    for (const e of this.endpoints) e.wake();
  }

  /** A keyed wake-up of the ends that read this queue (a pipe's rd_wait, the receiving socket's wq). */
  wakeReaders(key: number): void {
    for (const e of this.endpoints) if (e.rx === this) e.wakeKey('in', key);
  }

  /** A keyed wake-up of the ends that write this queue (a pipe's wr_wait, the sending socket's wq). */
  wakeWriters(key: number): void {
    for (const e of this.endpoints) if (e.tx === this) e.wakeKey('out', key);
  }
}

/**
 * The largest skb unix_stream_sendmsg() builds: SKB_MAX_HEAD(0) (a page less the aligned
 * skb_shared_info, 4096 - 320 on x86_64) plus UNIX_SKB_FRAGS_SZ (32 KiB); the default send
 * buffer's (sk_sndbuf >> 1) - 64 is larger.
 */
export const UNIX_STREAM_SKB_MAX = 4096 - 320 + 32768;

/** sock_def_readable()'s key: data arrived on the receiving socket. */
const SOCK_READABLE_KEY = EPOLL.IN | EPOLL.PRI | EPOLL.RDNORM | EPOLL.RDBAND;
/** unix_write_space()'s key: a consumed skb gave the sender room. */
const SOCK_WRITABLE_KEY = EPOLL.OUT | EPOLL.WRNORM | EPOLL.WRBAND;

/** unix_writable(): at most a quarter of the send buffer in flight (bytes stand in for skb truesize). */
export function unixWritable(q: ByteQueue): boolean {
  return q.size * 4 <= q.capacity;
}

/** PAGE_SIZE, the size of one pipe buffer. */
const PIPE_PAGE = 4096;
/** PIPE_DEF_BUFFERS: the slots of a pipe's ring (pipe->max_usage). */
const PIPE_SLOTS = 16;

/**
 * A pipe's ring of page buffers (fs/pipe.c): what a write takes depends on slots, not bytes.
 * pipe_write() merges only the sub-page head of a write (total_len % PAGE_SIZE) into the last
 * buffer, when it fits there, then fills a fresh page per free slot; pipe_read() frees a slot
 * once its buffer is drained. The bytes themselves stay in ByteQueue's FIFO.
 */
export class PipeQueue extends ByteQueue {
  /** struct pipe_buffer: offset and len of each occupied slot, oldest first. */
  private slots: { off: number; len: number }[] = [];

  constructor() {
    super(PIPE_SLOTS * PIPE_PAGE);
  }

  /** pipe_full(): no free slot (POLLOUT is clear; a write can still merge its head). */
  override hasRoom(): boolean {
    return this.slots.length < PIPE_SLOTS;
  }

  /** pipe->poll_usage: someone polled this pipe (pipe_poll() sets it), so writers always wake. */
  polled = false;

  /**
   * pipe_write() whose copy faults before the first byte: nothing is queued (the page is freed,
   * pipe->head stays), but the readers are woken all the same, keyed POLLIN|POLLRDNORM, when the
   * pipe was empty or has been polled; a POLL_ADD takes that key as its result.
   */
  faultedWrite(): void {
    this.writeDone(this.size === 0);
  }

  /**
   * The end of pipe_write(), whatever it did (bytes, -EAGAIN on a full pipe, -EPIPE): the readers
   * are woken, keyed POLLIN|POLLRDNORM, if the pipe was empty or has ever been polled.
   */
  writeDone(wasEmpty: boolean): void {
    if (wasEmpty || this.polled) this.wakeReaders(EPOLL.IN | EPOLL.RDNORM);
  }

  /** pipe_full() now: pipe_read() wakes the writers only if it frees a slot of a full pipe. */
  get full(): boolean {
    return this.slots.length >= PIPE_SLOTS;
  }

  override fits(len: number): boolean {
    return this.take(len, false) === len;
  }

  /** pipe_write()'s merge, then its page loop: how many of `len` bytes go in (and, if `commit`, the slots). */
  private take(len: number, commit: boolean): number {
    if (len === 0) return 0;
    let n = 0;
    const chars = len & (PIPE_PAGE - 1);
    const last = this.slots[this.slots.length - 1];
    // PIPE_BUF_FLAG_CAN_MERGE: anonymous pipe buffers, and only when the pipe was not empty.
    if (chars && last && last.off + last.len + chars <= PIPE_PAGE) {
      if (commit) last.len += chars;
      n = chars;
    }
    let free = PIPE_SLOTS - this.slots.length;
    while (n < len && free > 0) {
      const copied = Math.min(PIPE_PAGE, len - n);
      if (commit) this.slots.push({ off: 0, len: copied });
      n += copied;
      free--;
    }
    return n;
  }

  override push(data: Uint8Array): number {
    const n = this.take(data.byteLength, true);
    return n > 0 ? super.push(data.subarray(0, n)) : 0;
  }

  /** The slots before the last pull and how much it took, so unshift() can undo part of it. */
  private undo: { slots: { off: number; len: number }[]; pulled: number } | undefined;

  override pull(len: number): Uint8Array {
    const before = this.slots.map((b) => ({ ...b }));
    const out = super.pull(len);
    const slots = this.slots.length;
    this.drain(out.byteLength);
    // A pipe frees slots (pipe_update_tail()), not the writes' chunks.
    this.lastFreed = slots - this.slots.length;
    this.undo = { slots: before, pulled: out.byteLength };
    return out;
  }

  override unshift(data: Uint8Array): void {
    super.unshift(data);
    const u = this.undo;
    this.undo = undefined;
    if (!u || data.byteLength > u.pulled) throw new Error('PipeQueue.unshift() without the pull it undoes');
    this.slots = u.slots;
    this.drain(u.pulled - data.byteLength);
  }

  private drain(n: number): void {
    let left = n;
    while (left > 0) {
      const b = this.slots[0]!;
      const t = Math.min(b.len, left);
      b.off += t;
      b.len -= t;
      left -= t;
      // pipe_read(): a drained buffer is released and its slot freed.
      if (b.len === 0) this.slots.shift();
    }
  }

  override purge(): void {
    super.purge();
    this.slots = [];
  }
}

export type StreamKind = 'pipe-r' | 'pipe-w' | 'tcp' | 'unix' | 'unix-dgram' | 'udp';
/** What makeSocketPair() makes. */
export type SocketPairKind = 'tcp' | 'unix' | 'unix-dgram' | 'udp' | 'udp-unconnected';

/** The largest UDP payload over IPv4: IP_MAX_MTU less the IP and UDP headers. */
export const UDP_MAX_PAYLOAD = 0xffff - 20 - 8;
/**
 * How much a UDP receive queue may hold in the model. The kernel drops a datagram once
 * sk_rmem_alloc, charged by skb truesize (headers and slab rounding), passes sk_rcvbuf
 * (__udp_enqueue_schedule_skb()); truesize is not modelled, so the model stops well short.
 */
export const UDP_MODELLED_QUEUE = { datagrams: 64, bytes: 131072 } as const;

/** net.unix.max_dgram_qlen: a receive queue longer than this makes senders wait (unix_recvq_full()). */
export const UNIX_MAX_DGRAM_QLEN = 10;

export class StreamEnd extends FileObj {
  readonly pollable = true;
  /** The other end of a socket pair (unix_peer(), the TCP connection's remote socket). */
  peer: StreamEnd | null = null;
  /** sk->sk_err: reported, and cleared, by the next operation that looks (sock_error()). */
  sockErr = 0;
  /** SOCK_DONE: a TCP FIN arrived. */
  finRcvd = false;
  /** TCP_CLOSE (tcp_done()): after a reset, or once both FINs are sent and acked; every later send fails. */
  tcpClosed = false;
  /** The fd was closed (release()). */
  released = false;
  /** sk_shutdown & RCV_SHUTDOWN: reads find EOF once the queue is empty. */
  rdShut = false;
  /** sk_shutdown & SEND_SHUTDOWN: sends fail -EPIPE. */
  wrShut = false;
  /** A datagram socket whose peer was closed (unix_peer() points at a SOCK_DEAD socket). */
  peerDead = false;
  /** A datagram socket that found its peer dead and dropped it: no peer any more (-ENOTCONN). */
  peerDropped = false;
  /** A UDP socket never connect()ed (sk_state TCP_CLOSE): sends need an address. */
  unconnected = false;

  constructor(
    readonly kind: StreamKind,
    /** Queue this end reads from (undefined for a pipe's write end). */
    readonly rx: ByteQueue | undefined,
    /** Queue this end writes to (undefined for a pipe's read end). */
    readonly tx: ByteQueue | undefined,
  ) {
    super();
    rx?.endpoints.push(this);
    tx?.endpoints.push(this);
  }

  override get fmode(): number {
    return this.kind === 'pipe-r' ? FMODE.READ : this.kind === 'pipe-w' ? FMODE.WRITE : FMODE.READ | FMODE.WRITE;
  }

  override get stream(): boolean {
    return true;
  }

  get isSocket(): boolean {
    return this.kind === 'tcp' || this.kind === 'unix' || this.kind === 'unix-dgram' || this.kind === 'udp';
  }

  /** SOCK_DGRAM: each send is one datagram. */
  get isDgram(): boolean {
    return this.kind === 'unix-dgram' || this.kind === 'udp';
  }

  readable(): boolean {
    if (this.isDgram) return !!this.rx && (this.rx.count > 0 || this.rdShut || this.sockErr !== 0);
    return !!this.rx && (this.rx.size > 0 || this.rx.writerClosed || this.sockErr !== 0 || this.rdShut);
  }

  writable(): boolean {
    if (!this.tx) return false;
    // sock_writeable(): a UDP send never waits on the receiver (loopback orphans the skb).
    if (this.kind === 'udp') return true;
    if (this.isDgram) return this.tx.count <= UNIX_MAX_DGRAM_QLEN || this.wrShut || this.peerDead || this.peerDropped;
    return this.tx.hasRoom() || this.tx.readerClosed || this.sockErr !== 0 || this.tcpClosed;
  }

  /** sock_error(): the pending error as -errno, cleared; 0 if none. */
  takeError(): number {
    const e = this.sockErr;
    this.sockErr = 0;
    return e ? -e : 0;
  }

  /**
   * msg_inq as tcp_inq_hint() reports it: bytes still queued, except that once a TCP FIN has
   * arrived an empty queue says 1, so the reader comes back for the EOF. -1 when unknown.
   */
  inq(): number {
    const q = this.rx;
    if (!q || !this.isSocket) return -1;
    if (q.size === 0 && this.finRcvd) return 1;
    return q.size;
  }

  /**
   * What a read that finds the queue empty returns, in the protocol's order: 0 for EOF, the
   * pending error (consumed), or -EAGAIN when it would wait. tcp_recvmsg() checks SOCK_DONE
   * before sk_err; unix_stream_read_generic() and pipes have no FIN state.
   */
  emptyReadResult(): number {
    if (!this.rx) return -ERRNO.EBADF;
    if (this.kind === 'tcp' && this.finRcvd) return 0;
    if (this.isSocket && this.sockErr) return this.takeError();
    // RCV_SHUTDOWN: tcp_recvmsg() and unix_stream_read_generic() return 0 after the error check.
    if (this.rdShut || this.rx.writerClosed) return 0;
    return -ERRNO.EAGAIN;
  }

  /**
   * What a read took but could not copy to the user goes back: pipe_read() advances a buffer only
   * by what copy_page_to_iter() placed, and unix_stream_read_generic() keeps an skb it could not copy.
   */
  override unread(data: Uint8Array): void {
    this.rx?.unshift(data);
  }

  read(len: number): ReadResult {
    if (!this.rx) return { res: -ERRNO.EBADF };
    // A null read succeeds at once, data or not, and takes nothing (pipe_read(), and
    // sock_read_iter() before it calls the protocol, so a datagram stays queued).
    if (len === 0) return { res: 0, data: new Uint8Array(0) };
    if (this.isDgram) {
      const d = this.readDatagram(len);
      return d.res >= 0 ? { res: d.res, data: d.data } : { res: d.res };
    }
    if (this.rx.size === 0) {
      const res = this.emptyReadResult();
      return res === 0 ? { res, data: new Uint8Array(0) } : { res };
    }
    const q = this.rx;
    const wasFull = q instanceof PipeQueue && q.full;
    const data = q.pull(len);
    this.readDone(q, wasFull);
    return { res: data.byteLength, data };
  }

  /**
   * The wake-ups a read that consumed data makes. pipe_read(): the writers (wr_wait, keyed
   * POLLOUT) only when it freed a slot of a full pipe; never the other readers. AF_UNIX: each skb
   * used up is freed (sock_wfree()), and unix_write_space() wakes the sender keyed POLLOUT while
   * it is writable. TCP wakes every waiter that is ready.
   */
  private readDone(q: ByteQueue, wasFull: boolean): void {
    if (q instanceof PipeQueue) {
      if (wasFull && q.lastFreed > 0) q.wakeWriters(EPOLL.OUT | EPOLL.WRNORM);
      return;
    }
    if (this.kind === 'unix' || this.kind === 'unix-dgram') {
      for (let i = 0; i < q.lastFreed; i++) if (unixWritable(q)) q.wakeWriters(SOCK_WRITABLE_KEY);
      return;
    }
    // UDP over loopback: the sender's skb was orphaned on the way out (udpDeliver()), so a read
    // frees nothing of the sender's and wakes nobody.
    if (this.kind === 'udp') return;
    q.wakeAll();
  }

  /**
   * unix_dgram_recvmsg() without flags: the oldest datagram, cut to `len` (the rest is lost; `full`
   * is its whole length). An empty queue is EOF after SHUT_RD, else -EAGAIN.
   */
  readDatagram(len: number): { res: number; data?: Uint8Array; full: number } {
    const q = this.rx!;
    // __skb_recv_udp(): sock_error() comes before the queue is looked at.
    if (this.kind === 'udp' && this.sockErr) return { res: this.takeError(), full: 0 };
    const d = q.pullDatagram();
    if (!d) {
      if (this.sockErr) return { res: this.takeError(), full: 0 };
      return { res: this.rdShut ? 0 : -ERRNO.EAGAIN, full: 0 };
    }
    this.readDone(q, false);
    const n = Math.min(len, d.byteLength);
    return { res: n, data: d.subarray(0, n), full: d.byteLength };
  }

  /**
   * unix_dgram_sendmsg() to the connected peer, in its order: the size against the send buffer
   * (-EMSGSIZE), no peer (-ENOTCONN), our SEND_SHUTDOWN (-EPIPE), a dead peer (dropped with
   * -ECONNREFUSED), the peer's RCV_SHUTDOWN (-EPIPE), a full receive queue (-EAGAIN: it waits).
   */
  sendDatagram(data: Uint8Array): number {
    if (this.kind === 'udp') return this.udpSendError(data.byteLength) || this.udpDeliver(data);
    if (data.byteLength > SOCK_CAPACITY - 32) return -ERRNO.EMSGSIZE;
    if (this.peerDropped) return -ERRNO.ENOTCONN;
    // sock_alloc_send_pskb(): our SEND_SHUTDOWN.
    if (this.wrShut) return -ERRNO.EPIPE;
    if (this.peerDead) {
      // unix_dgram_disconnected(): the link is gone both ways, and what was queued for us is lost.
      this.peerDropped = true;
      this.rx?.purge();
      return -ERRNO.ECONNREFUSED;
    }
    if (this.peer?.rdShut) return -ERRNO.EPIPE;
    const q = this.tx!;
    if (q.count > UNIX_MAX_DGRAM_QLEN) return -ERRNO.EAGAIN;
    q.pushDatagram(data);
    // other->sk_data_ready(): sock_def_readable() wakes the peer keyed.
    q.wakeReaders(SOCK_READABLE_KEY);
    return data.byteLength;
  }

  /**
   * udp_sendmsg() on a connected socket up to the copy from the user, in its order: the length
   * (-EMSGSIZE past 0xffff, then past what one IPv4 datagram carries, __ip_append_data()), then
   * sock_alloc_send_pskb(): a pending error (reported once, cleared), our SEND_SHUTDOWN (-EPIPE).
   */
  udpSendError(len: number): number {
    // udp_sendmsg(): the 16-bit length, then no address on an unconnected socket, then
    // __ip_append_data()'s room for one IPv4 datagram.
    if (len > 0xffff) return -ERRNO.EMSGSIZE;
    if (this.unconnected) return -ERRNO.EDESTADDRREQ;
    if (len > UDP_MAX_PAYLOAD) return -ERRNO.EMSGSIZE;
    if (this.sockErr) return this.takeError();
    if (this.wrShut) return -ERRNO.EPIPE;
    return 0;
  }

  /**
   * The datagram goes out, and loopback runs the receive before the send returns: udp_rcv()
   * queues it for the peer whatever its shutdown state, or, the peer's port being closed,
   * answers with an ICMP port unreachable that sets our sk_err. Either way the send succeeded.
   */
  udpDeliver(data: Uint8Array): number {
    const peer = this.peer;
    if (!peer || peer.released) {
      this.sockErr = ERRNO.ECONNREFUSED;
      // sk_error_report(): sock_def_error_report() wakes the socket's queue keyed EPOLLERR.
      this.wakeKey('in', EPOLL.ERR);
      this.wakeKey('out', EPOLL.ERR);
      return data.byteLength;
    }
    const q = this.tx!;
    if (q.count >= UDP_MODELLED_QUEUE.datagrams || q.size + data.byteLength > UDP_MODELLED_QUEUE.bytes) {
      throw new UringError('NOT_MODELLED', `a UDP receive queue past ${UDP_MODELLED_QUEUE.datagrams} datagrams or ${UDP_MODELLED_QUEUE.bytes} bytes (drops at sk_rcvbuf depend on skb truesize) is not modelled`);
    }
    // loopback_xmit() orphans the skb before netif_rx(): sock_wfree() gives the send buffer back
    // and sock_def_write_space() wakes our own queue keyed writable, before the peer hears of it
    // (fuzz-5458616-3660: a multishot POLLOUT poll on the sender posts ahead of the peer's RECV).
    this.wakeKey('out', SOCK_WRITABLE_KEY);
    q.pushDatagram(data);
    // __udp_enqueue_schedule_skb() -> sk_data_ready(): sock_def_readable() wakes the peer keyed,
    // so every poll entry on it sees EPOLLIN even if another waiter takes the datagram first.
    q.wakeReaders(SOCK_READABLE_KEY);
    return data.byteLength;
  }

  /**
   * What a send meets before it copies anything: 0, or the error it fails with. A reset TCP
   * socket reports its pending error once (sk_stream_wait_connect()), then -EPIPE; AF_UNIX and
   * pipes fail -EPIPE once the other end is gone.
   */
  sendError(len = 0): number {
    if (!this.tx) return -ERRNO.EBADF;
    // udp_sendmsg(): the length (of `len` bytes to send), the address and a pending error.
    if (this.kind === 'udp') return this.udpSendError(len);
    if (this.kind === 'tcp') {
      // tcp_sendmsg_locked(): sk_err or SEND_SHUTDOWN -> sk_stream_error() (the error, else -EPIPE).
      if (this.tcpClosed || this.wrShut) return this.takeError() || -ERRNO.EPIPE;
      return 0;
    }
    // unix_stream_sendmsg(): our SEND_SHUTDOWN or the peer's RCV_SHUTDOWN is -EPIPE.
    if (this.kind === 'unix' && (this.wrShut || this.peer?.rdShut)) return -ERRNO.EPIPE;
    return this.tx.readerClosed ? -ERRNO.EPIPE : 0;
  }

  /**
   * The TCP peer takes no more data: it was closed, or it shut down both ways (FIN_WAIT1/2
   * with RCV_SHUTDOWN), and tcp_rcv_state_process() answers new data there with a reset.
   */
  private peerAbortsOnData(): boolean {
    const q = this.tx;
    if (!q) return false;
    if (q.readerClosed) return true;
    const p = this.peer;
    return this.kind === 'tcp' && !!p && p.rdShut && p.wrShut && !p.tcpClosed;
  }

  /** Bytes a send can hand over now (sk_stream_memory_free()); 0 means it would wait. */
  sendRoom(): number {
    const q = this.tx;
    if (!q) return 0;
    // The peer is gone: TCP still transmits (and gets a reset back), so there is room.
    if (this.peerAbortsOnData()) return q.capacity;
    return q.capacity - q.size;
  }

  /**
   * Hands bytes to the other end after sendError() said 0; returns how many were taken, or
   * -EAGAIN when there is no room. Data for a TCP peer that takes no more is lost and draws a
   * reset: the peer, if still open, resets itself first (tcp_reset() in FIN_WAIT2), then its
   * RST reaches us before the send returns (loopback, the softirq on our CPU).
   */
  transmit(data: Uint8Array): number {
    const q = this.tx!;
    if (data.byteLength === 0) return 0;
    if (this.peerAbortsOnData()) {
      const n = Math.min(data.byteLength, q.capacity);
      if (this.kind === 'tcp') {
        if (this.peer && !this.peer.released) this.peer.reset();
        this.reset();
      }
      return n;
    }
    if (this.kind === 'unix') return this.unixStreamSend(q, data);
    const wasEmpty = q.size === 0;
    const n = q.push(data);
    if (q instanceof PipeQueue) {
      q.writeDone(wasEmpty);
      return n === 0 ? -ERRNO.EAGAIN : n;
    }
    if (n === 0) return -ERRNO.EAGAIN;
    q.wakeAll();
    return n;
  }

  /**
   * unix_stream_sendmsg(): the data goes in skbs of at most UNIX_STREAM_SKB_MAX bytes, each queued
   * and followed by other->sk_data_ready() (sock_def_readable(), keyed): a 64 KiB write wakes a
   * reader's poll twice, and two wake-ups before its task_work runs make it poll again
   * (fuzz-500006-9480: a multishot POLL_ADD saw IN|OUT, not the first wake-up's IN).
   */
  private unixStreamSend(q: ByteQueue, data: Uint8Array): number {
    let sent = 0;
    while (sent < data.byteLength) {
      const n = q.push(data.subarray(sent, sent + Math.min(UNIX_STREAM_SKB_MAX, data.byteLength - sent)));
      if (n === 0) break;
      sent += n;
      q.wakeReaders(SOCK_READABLE_KEY);
    }
    return sent === 0 ? -ERRNO.EAGAIN : sent;
  }

  write(data: Uint8Array): number {
    // pipe_write(): a null write succeeds before the readers are checked; a socket's send
    // checks the connection first.
    if (data.byteLength === 0 && !this.isSocket) return 0;
    if (this.isDgram) return this.sendDatagram(data);
    const err = this.sendError();
    if (err) {
      // pipe_write() without readers: -EPIPE, and the usual wake-up at its end.
      if (this.tx instanceof PipeQueue) this.tx.writeDone(false);
      return err;
    }
    return this.transmit(data);
  }

  /**
   * tcp_fin(): the peer's FIN arrived (SOCK_DONE; the sender marked our queue writer-closed).
   * In FIN_WAIT2, our own FIN sent and acked, tcp_time_wait() ends in tcp_done(): TCP_CLOSE.
   */
  tcpFin(): void {
    this.finRcvd = true;
    if (this.wrShut) this.tcpClosed = true;
  }

  /** tcp_reset(): a RST arrived (EPIPE if our side had seen the FIN, else ECONNRESET). */
  reset(): void {
    if (this.tcpClosed) return;
    this.sockErr = this.finRcvd ? ERRNO.EPIPE : ERRNO.ECONNRESET;
    this.tcpClosed = true;
    // tcp_done(): shut down both ways; what was already received stays readable.
    if (this.rx) this.rx.writerClosed = true;
    this.wake();
  }

  protected override release(): void {
    this.released = true;
    const peer = this.peer && !this.peer.released ? this.peer : null;
    if (this.kind === 'udp') {
      // udp_lib_close(): the port is gone; the peer learns it only from an ICMP error.
      this.rx?.purge();
      return;
    }
    if (this.isDgram) {
      // unix_release_sock(): a datagram peer is not shut down; it finds us dead when it sends.
      this.rx?.purge();
      if (peer) {
        peer.peerDead = true;
        peer.wake();
      }
      return;
    }
    const unread = (this.rx?.size ?? 0) > 0;
    if (this.tx) this.tx.writerClosed = true;
    if (this.rx) {
      this.rx.readerClosed = true;
      if (this.isSocket) this.rx.purge();
    }
    if (peer && this.kind === 'tcp') {
      // tcp_close(): unread data means a reset instead of a FIN.
      if (unread && !this.tcpClosed) peer.reset();
      else if (!this.tcpClosed) peer.tcpFin();
    } else if (peer && this.kind === 'unix' && unread) {
      peer.sockErr = ERRNO.ECONNRESET;
    }
    this.tx?.wakeAll();
    this.rx?.wakeAll();
  }
}

/** PIPE_DEF_BUFFERS pages. */
export const PIPE_CAPACITY = 16 * 4096;
/** Default socket buffer as the guest kernel sizes it for loopback. */
export const SOCK_CAPACITY = 212992;

export function makePipe(): [StreamEnd, StreamEnd] {
  const q = new PipeQueue();
  return [new StreamEnd('pipe-r', q, undefined), new StreamEnd('pipe-w', undefined, q)];
}

export function makeSocketPair(kind: SocketPairKind): [StreamEnd, StreamEnd] {
  if (kind === 'udp-unconnected') {
    // Bound, never connected: no peer, and nothing can reach either socket.
    const ends = [0, 1].map(() => new StreamEnd('udp', new ByteQueue(SOCK_CAPACITY, true), new ByteQueue(SOCK_CAPACITY, true)));
    for (const e of ends) e.unconnected = true;
    return [ends[0]!, ends[1]!];
  }
  const dgram = kind === 'unix-dgram' || kind === 'udp';
  const ab = new ByteQueue(SOCK_CAPACITY, dgram);
  const ba = new ByteQueue(SOCK_CAPACITY, dgram);
  const a = new StreamEnd(kind, ba, ab);
  const b = new StreamEnd(kind, ab, ba);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** A connected socket (a brand check on `kind`, so it holds across package copies). */
export function isSocket(f: { kind: string } | null | undefined): f is StreamEnd {
  return f?.kind === 'tcp' || f?.kind === 'unix' || f?.kind === 'unix-dgram' || f?.kind === 'udp';
}
