// A few lines of user space for driving the model without a scenario (what liburing does for a
// C program): set up a ring, queue SQEs, enter, reap CQEs. The benchmark, the sizing helper and
// the property tests use it; every call is the real model's system call.

import {
  IORING_ENTER, IORING_SETUP, IO_URING_PARAMS, RINGS, type Kernel, type RingCtx,
} from '@uringlab/ring';

export interface SqeInit {
  opcode: number;
  flags?: number;
  ioprio?: number;
  fd?: number;
  off?: bigint | number;
  addr?: number;
  len?: number;
  opFlags?: number;
  userData?: number;
  bufGroup?: number;
  fileIndex?: number;
}

export interface Cqe {
  userData: number;
  res: number;
  flags: number;
}

export class UserRing {
  readonly fd: number;
  readonly ctx: RingCtx;
  private pending = 0;
  private readonly sqeView: DataView;

  constructor(readonly kernel: Kernel, entries: number, flags = 0, cqEntries = 0) {
    const params = kernel.memory.mmap(IO_URING_PARAMS.size, 'params');
    const dv = new DataView(params.bytes.buffer, params.bytes.byteOffset);
    dv.setUint32(8, flags, true);
    if (cqEntries) {
      dv.setUint32(4, cqEntries, true);
      dv.setUint32(8, flags | IORING_SETUP.CQSIZE, true);
    }
    const fd = kernel.io_uring_setup(entries, params.addr);
    if (fd < 0) throw new Error(`io_uring_setup failed: ${fd}`);
    this.fd = fd;
    this.ctx = kernel.ringOf(fd) as RingCtx;
    this.sqeView = new DataView(this.ctx.sqes.buffer, this.ctx.sqes.byteOffset, this.ctx.sqes.byteLength);
  }

  /** SQ entries free to fill. */
  get sqSpace(): number {
    return this.ctx.sqEntries - this.pending;
  }

  /** Writes an SQE into the next slot and publishes the SQ tail (io_uring_get_sqe + prep). */
  sqe(s: SqeInit): void {
    const ctx = this.ctx;
    if (this.pending >= ctx.sqEntries) throw new Error('SQ full');
    const tail = ctx.sqTail;
    const slot = tail & (ctx.sqEntries - 1);
    const at = slot * (ctx.flags & IORING_SETUP.SQE128 ? 128 : 64);
    const v = this.sqeView;
    for (let i = 0; i < 64; i += 4) v.setUint32(at + i, 0, true);
    v.setUint8(at, s.opcode);
    v.setUint8(at + 1, s.flags ?? 0);
    v.setUint16(at + 2, s.ioprio ?? 0, true);
    v.setInt32(at + 4, s.fd ?? 0, true);
    v.setBigUint64(at + 8, BigInt.asUintN(64, BigInt(s.off ?? 0)), true);
    v.setBigUint64(at + 16, BigInt(s.addr ?? 0), true);
    v.setUint32(at + 24, s.len ?? 0, true);
    v.setUint32(at + 28, s.opFlags ?? 0, true);
    v.setBigUint64(at + 32, BigInt(s.userData ?? 0), true);
    v.setUint16(at + 40, s.bufGroup ?? 0, true);
    v.setUint32(at + 44, s.fileIndex ?? 0, true);
    if (!(ctx.flags & IORING_SETUP.NO_SQARRAY)) ctx.u32[(ctx.layout.sq_array_offset >> 2) + slot] = slot;
    ctx.u32[RINGS.sq_tail >> 2] = (tail + 1) >>> 0;
    this.pending++;
  }

  /** io_uring_submit_and_wait(): submits what is queued, waits for `wait` CQEs. */
  submit(wait = 0): number {
    const n = this.pending;
    this.pending = 0;
    const ret = this.kernel.io_uring_enter(this.fd, n, wait, wait ? IORING_ENTER.GETEVENTS : 0);
    this.kernel.settle();
    return ret;
  }

  /** Consumes every CQE available. */
  reap(out: Cqe[] = []): Cqe[] {
    const ctx = this.ctx;
    let head = ctx.cqHead;
    const tail = ctx.cqTail;
    const mask = ctx.cqEntries - 1;
    const big = (ctx.flags & IORING_SETUP.CQE32) !== 0;
    while (head !== tail) {
      const w = (RINGS.cqes >> 2) + (head & mask) * (big ? 8 : 4);
      out.push({ userData: ctx.u32[w]! + ctx.u32[w + 1]! * 4294967296, res: ctx.i32[w + 2]!, flags: ctx.u32[w + 3]! });
      head = (head + 1) >>> 0;
    }
    ctx.u32[RINGS.cq_head >> 2] = head;
    return out;
  }

  register(opcode: number, arg: number, nrArgs: number): number {
    return this.kernel.io_uring_register(this.fd, opcode, arg, nrArgs);
  }
}
