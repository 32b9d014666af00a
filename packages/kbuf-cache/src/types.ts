// struct io_buffer_list and struct io_buffer (io_uring/kbuf.h), and what a request holds while
// it owns a provided buffer.

import { MappedRegion } from '@uringlab/ring/extend';
import { Deque } from './deque.js';

/** io_buffer_list->flags */
export const IOBL = { BUF_RING: 1, INC: 2 } as const;

/** A legacy provided buffer (struct io_buffer). */
export interface LegacyBuf {
  addr: number;
  len: number;
  bid: number;
  bgid: number;
}

/** One buffer group, legacy list or ring-mapped (struct io_buffer_list). */
export class BufferList {
  flags = 0;
  /** Legacy: buffers in provide order; selection takes the head. */
  readonly bufs = new Deque<LegacyBuf>();
  /** Ring: the kernel's private u16 head; the application owns the tail. */
  head = 0;
  mask = 0;
  /** min_left - 1 (IOU_PBUF_RING_INC): less than min_left left ends the buffer. */
  minLeftSubOne = 0;
  /**
   * bl->region: the ring's memory, pinned user pages or pages the kernel allocated
   * (IOU_PBUF_RING_MMAP), through the core's region module.
   */
  readonly region = new MappedRegion();
  /** bl->buf_ring: the kernel's view of the ring (io_region_get_ptr()). */
  ring: DataView | null = null;

  constructor(readonly bgid: number) {}

  get isRing(): boolean {
    return (this.flags & IOBL.BUF_RING) !== 0;
  }

  get isInc(): boolean {
    return (this.flags & IOBL.INC) !== 0;
  }

  /** bl->nbufs: legacy buffers on the list. */
  get nbufs(): number {
    return this.bufs.length;
  }
}

/** The provided-buffer part of a request (req->kbuf, req->buf_index, REQ_F_BUF_MORE). */
export interface KbufReq {
  /** The legacy buffer the request holds (REQ_F_BUFFER_SELECTED), or null. */
  buf: LegacyBuf | null;
  /** bid reported in the CQE (the kernel keeps it in req->buf_index). */
  bid: number;
  /** REQ_F_BUF_MORE: an incremental buffer committed at selection was not used up. */
  bufMore: boolean;
  /** The ring the buffers came from while a commit is pending (sel.buf_list). */
  bl: BufferList | null;
}

export function kbufOf(req: { kbuf: unknown }): KbufReq {
  let k = req.kbuf as KbufReq | null;
  if (!k) {
    k = { buf: null, bid: 0, bufMore: false, bl: null };
    req.kbuf = k;
  }
  return k;
}
