// A liburing-style application view of a model ring: get an SQE, fill it, submit, walk CQEs.
// It touches only what a real application can (the mapped rings and the system calls).

import { IO_URING_PARAMS } from '../uapi/structs.js';
import { encode } from '../uapi/layout.js';
import { IORING_ENTER, IORING_OP, IORING_SETUP as S } from '../uapi/constants.js';
import { UringError } from '../errors.js';
import { RINGS } from '../core/setup.js';
import type { RingCtx } from '../core/ctx.js';
import type { Kernel, SetupParams } from '../kernel.js';

export interface Cqe {
  userData: bigint;
  res: number;
  flags: number;
}

export class UserRing {
  readonly fd: number;
  readonly ctx: RingCtx;
  private readonly sqMask: number;
  private readonly cqMask: number;
  private readonly arrayWord: number;
  private readonly sqeBytes: number;
  private sqeTail = 0;
  private sqeHead = 0;

  /** io_uring_queue_init_params(), without liburing's own flag additions. */
  constructor(readonly kernel: Kernel, entries: number, params: SetupParams = {}) {
    const p = kernel.memory.mmap(IO_URING_PARAMS.size, 'params');
    kernel.memory.write(p.addr, encode(IO_URING_PARAMS, { flags: params.flags ?? 0, cq_entries: params.cq_entries ?? 0 }));
    const fd = kernel.io_uring_setup(entries, p.addr);
    kernel.memory.munmap(p.addr);
    if (fd < 0) throw UringError.fromRes(fd, 'io_uring_setup');
    this.fd = fd;
    this.ctx = kernel.ringOf(fd) as RingCtx;
    this.sqMask = this.ctx.sqEntries - 1;
    this.cqMask = this.ctx.cqEntries - 1;
    this.arrayWord = this.ctx.layout.sq_array_offset >> 2;
    this.sqeBytes = this.ctx.flags & S.SQE128 ? 128 : 64;
  }

  /** io_uring_get_sqe(): byte offset of a zeroed SQE in `ctx.sqes`, or -1 when the SQ is full. */
  getSqe(): number {
    if (((this.sqeTail - this.ctx.sqHead) >>> 0) >= this.ctx.sqEntries) return -1;
    const off = (this.sqeTail & this.sqMask) * this.sqeBytes;
    this.sqeTail = (this.sqeTail + 1) >>> 0;
    this.ctx.sqes.fill(0, off, off + this.sqeBytes);
    return off;
  }

  /** io_uring_prep_nop() with a 32-bit user_data. */
  prepNop(off: number, userData: number): void {
    const w = this.ctx.sqeU32;
    this.ctx.sqes[off] = IORING_OP.NOP;
    w[(off + 32) >> 2] = userData >>> 0;
  }

  /** __io_uring_flush_sq(): publish written SQEs (fills the SQ array) and return how many. */
  flush(): number {
    const u32 = this.ctx.u32;
    let tail = u32[RINGS.sq_tail >> 2]!;
    const n = (this.sqeTail - this.sqeHead) >>> 0;
    if (!(this.ctx.flags & S.NO_SQARRAY)) {
      for (let i = 0; i < n; i++) u32[this.arrayWord + ((tail + i) & this.sqMask)] = (this.sqeHead + i) & this.sqMask;
    }
    tail = (tail + n) >>> 0;
    u32[RINGS.sq_tail >> 2] = tail;
    this.sqeHead = this.sqeTail;
    return n;
  }

  /** io_uring_submit_and_wait() */
  submitAndWait(waitNr: number): number {
    const n = this.flush();
    return this.kernel.io_uring_enter(this.fd, n, waitNr, waitNr > 0 ? IORING_ENTER.GETEVENTS : 0);
  }

  /** Calls fn for each available CQE (io_uring_for_each_cqe) and advances the CQ head. */
  reap(fn?: (userDataLo: number, res: number, flags: number) => void): number {
    const u32 = this.ctx.u32;
    const i32 = this.ctx.i32;
    let head = u32[RINGS.cq_head >> 2]!;
    const tail = u32[RINGS.cq_tail >> 2]!;
    const stride = this.ctx.flags & S.CQE32 ? 8 : 4;
    let n = 0;
    while (head !== tail) {
      const w = (RINGS.cqes >> 2) + (head & this.cqMask) * stride;
      fn?.(u32[w]!, i32[w + 2]!, u32[w + 3]!);
      head = (head + 1) >>> 0;
      n++;
    }
    u32[RINGS.cq_head >> 2] = head;
    return n;
  }

  close(): void {
    this.kernel.close(this.fd);
  }
}
