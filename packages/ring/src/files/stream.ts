// Byte streams: pipes and connected stream sockets (TCP over loopback, AF_UNIX). Both ends share
// a bounded queue per direction; an empty queue makes reads wait (-EAGAIN when nonblocking), a
// closed peer makes them return 0.

import { ERRNO } from '../uapi/errno.js';
import { FileObj, type ReadResult } from './file.js';

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  size = 0;
  writerClosed = false;
  readerClosed = false;
  /** sk_err for the reader: an errno its next read reports once the queue is empty, then 0. */
  pendingError = 0;
  endpoints: StreamEnd[] = [];
  constructor(readonly capacity: number) {}

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
    while (at < n) {
      const c = this.chunks[0]!;
      const take = Math.min(c.byteLength, n - at);
      out.set(c.subarray(0, take), at);
      at += take;
      if (take === c.byteLength) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.size -= n;
    return out;
  }

  wakeAll(): void {
    for (const e of this.endpoints) e.wake();
  }
}

export class StreamEnd extends FileObj {
  readonly pollable = true;
  constructor(
    readonly kind: 'pipe-r' | 'pipe-w' | 'tcp' | 'unix',
    /** Queue this end reads from (undefined for a pipe's write end). */
    readonly rx: ByteQueue | undefined,
    /** Queue this end writes to (undefined for a pipe's read end). */
    readonly tx: ByteQueue | undefined,
  ) {
    super();
    rx?.endpoints.push(this);
    tx?.endpoints.push(this);
  }

  get isSocket(): boolean {
    return this.kind === 'tcp' || this.kind === 'unix';
  }

  readable(): boolean {
    return !!this.rx && (this.rx.size > 0 || this.rx.writerClosed);
  }

  /**
   * msg_inq as tcp_inq_hint() reports it: bytes still queued, except that once a TCP peer's FIN
   * has arrived an empty queue says 1, so the reader comes back for the EOF. -1 when unknown.
   */
  inq(): number {
    const q = this.rx;
    if (!q || !this.isSocket) return -1;
    if (q.size === 0 && q.writerClosed && this.kind === 'tcp') return 1;
    return q.size;
  }

  writable(): boolean {
    return !!this.tx && (this.tx.size < this.tx.capacity || this.tx.readerClosed);
  }

  read(len: number): ReadResult {
    if (!this.rx) return { res: -ERRNO.EBADF };
    if (this.rx.size === 0) {
      // sock_error(): the error is reported once, then the read sees EOF.
      // A read of 0 bytes returns before sock_error() looks (sock_read_iter()).
      if (this.rx.pendingError && len > 0) {
        const err = this.rx.pendingError;
        this.rx.pendingError = 0;
        return { res: -err };
      }
      return this.rx.writerClosed ? { res: 0, data: new Uint8Array(0) } : { res: -ERRNO.EAGAIN };
    }
    const data = this.rx.pull(len);
    this.rx.wakeAll();
    return { res: data.byteLength, data };
  }

  write(data: Uint8Array): number {
    if (!this.tx) return -ERRNO.EBADF;
    if (this.tx.readerClosed) return -ERRNO.EPIPE;
    if (data.byteLength === 0) return 0;
    const n = this.tx.push(data);
    if (n === 0) return -ERRNO.EAGAIN;
    this.tx.wakeAll();
    return n;
  }

  override release(): void {
    // unix_release_sock(): closing with data still unread resets the peer (sk_err = ECONNRESET).
    if (this.kind === 'unix' && this.rx && this.rx.size > 0 && this.tx) this.tx.pendingError = ERRNO.ECONNRESET;
    if (this.tx) this.tx.writerClosed = true;
    if (this.rx) this.rx.readerClosed = true;
    this.tx?.wakeAll();
    this.rx?.wakeAll();
  }
}

/** PIPE_DEF_BUFFERS pages. */
export const PIPE_CAPACITY = 16 * 4096;
/** Default socket buffer as the guest kernel sizes it for loopback. */
export const SOCK_CAPACITY = 212992;

export function makePipe(): [StreamEnd, StreamEnd] {
  const q = new ByteQueue(PIPE_CAPACITY);
  return [new StreamEnd('pipe-r', q, undefined), new StreamEnd('pipe-w', undefined, q)];
}

export function makeSocketPair(kind: 'tcp' | 'unix'): [StreamEnd, StreamEnd] {
  const ab = new ByteQueue(SOCK_CAPACITY);
  const ba = new ByteQueue(SOCK_CAPACITY);
  return [new StreamEnd(kind, ba, ab), new StreamEnd(kind, ab, ba)];
}

/** A connected stream socket (a brand check on `kind`, so it holds across package copies). */
export function isSocket(f: { kind: string } | null | undefined): f is StreamEnd {
  return f?.kind === 'tcp' || f?.kind === 'unix';
}
