// A liburing-style application view of a model ring: get an SQE, fill it, submit, walk CQEs.
// It touches only what a real application can (the mapped rings and the system calls), so
// benchmarks, helpers and tests can drive the models without writing a scenario.

import { IO_URING_PARAMS } from '../uapi/structs.js';
import { encode } from '../uapi/layout.js';
import { IORING_ENTER, IORING_OP, IORING_SETUP as S } from '../uapi/constants.js';
import { UringError } from '../errors.js';
import { S32_MAX, S32_MIN, U16_MAX, U32_MAX, U8_MAX, checkInt, checkObject, checkU64, describeValue } from '../args.js';
import { RINGS } from '../core/setup.js';
import type { RingCtx } from '../core/ctx.js';
import type { Kernel, SetupParams } from '../kernel.js';

/** SQE fields by name, as the io_uring_prep_*() helpers fill them. */
export interface SqeInit {
  opcode: number;
  flags?: number;
  ioprio?: number;
  fd?: number;
  off?: bigint | number;
  addr?: bigint | number;
  len?: number;
  opFlags?: number;
  /** user_data: a number up to 2^53, a bigint beyond. */
  userData?: bigint | number;
  /** buf_index, or buf_group with IOSQE_BUFFER_SELECT (the same u16). */
  bufGroup?: number;
  personality?: number;
  fileIndex?: number;
  addr3?: bigint | number;
}

/** Each SqeInit field: its byte offset, and how it is checked and stored. */
const SQE_FIELDS: Readonly<Record<keyof SqeInit, { at: number; kind: 'u8' | 'u16' | 'u32' | 's32' | 'u64' }>> = {
  opcode: { at: 0, kind: 'u8' },
  flags: { at: 1, kind: 'u8' },
  ioprio: { at: 2, kind: 'u16' },
  fd: { at: 4, kind: 's32' },
  off: { at: 8, kind: 'u64' },
  addr: { at: 16, kind: 'u64' },
  len: { at: 24, kind: 'u32' },
  opFlags: { at: 28, kind: 'u32' },
  userData: { at: 32, kind: 'u64' },
  bufGroup: { at: 40, kind: 'u16' },
  personality: { at: 42, kind: 'u16' },
  fileIndex: { at: 44, kind: 'u32' },
  addr3: { at: 48, kind: 'u64' },
};

/** Checks every field before anything is written, so a bad SQE leaves the SQ untouched. */
function checkSqe(s: unknown): { at: number; kind: string; v: number | bigint }[] {
  const o = checkObject(s, 'SQE');
  const out: { at: number; kind: string; v: number | bigint }[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (!Object.hasOwn(SQE_FIELDS, k)) {
      throw new UringError('EINVAL', `unknown SQE field ${describeValue(k)}; fields: ${Object.keys(SQE_FIELDS).join(', ')}`);
    }
    if (v === undefined) continue;
    const f = SQE_FIELDS[k as keyof SqeInit];
    const what = `SQE field ${k}`;
    const val =
      f.kind === 'u64' ? checkU64(v, what)
        : f.kind === 's32' ? checkInt(v, what, S32_MIN, S32_MAX)
          : checkInt(v, what, 0, f.kind === 'u8' ? U8_MAX : f.kind === 'u16' ? U16_MAX : U32_MAX);
    out.push({ at: f.at, kind: f.kind, v: val });
  }
  if (!Object.hasOwn(o, 'opcode') || o.opcode === undefined) throw new UringError('EINVAL', 'an SQE needs an opcode');
  return out;
}

/** The kernel argument of the constructor: anything else is a typed error, not a TypeError later. */
function checkKernel(k: unknown): Kernel {
  const x = k as Partial<Kernel> | null | undefined;
  if (typeof x !== 'object' || x === null || typeof x.io_uring_setup !== 'function' || typeof x.memory?.mmap !== 'function') {
    throw new UringError('EINVAL', `UserRing needs a Kernel, got ${describeValue(k)}`);
  }
  return x as Kernel;
}

export interface Cqe {
  /** user_data; exact up to 2^53. */
  userData: number;
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
  private readonly dv: DataView;
  private sqeTail = 0;
  private sqeHead = 0;

  /**
   * io_uring_queue_init_params(), without liburing's own flag additions. Giving `cq_entries`
   * implies IORING_SETUP_CQSIZE.
   */
  constructor(readonly kernel: Kernel, entries: number, params: SetupParams = {}) {
    checkKernel(kernel);
    checkInt(entries, 'entries', 0, U32_MAX);
    checkObject(params, 'setup params');
    if (params.flags !== undefined) checkInt(params.flags, 'setup flags', 0, U32_MAX);
    if (params.cq_entries !== undefined) checkInt(params.cq_entries, 'cq_entries', 0, U32_MAX);
    const p = kernel.memory.mmap(IO_URING_PARAMS.size, 'params');
    const flags = ((params.flags ?? 0) | (params.cq_entries ? S.CQSIZE : 0)) >>> 0;
    kernel.memory.write(p.addr, encode(IO_URING_PARAMS, { flags, cq_entries: params.cq_entries ?? 0 }));
    const fd = kernel.io_uring_setup(entries, p.addr);
    kernel.memory.munmap(p.addr);
    if (fd < 0) throw UringError.fromRes(fd, 'io_uring_setup');
    this.fd = fd;
    this.ctx = kernel.ringOf(fd) as RingCtx;
    this.sqMask = this.ctx.sqEntries - 1;
    this.cqMask = this.ctx.cqEntries - 1;
    this.arrayWord = this.ctx.layout.sq_array_offset >> 2;
    this.sqeBytes = this.ctx.flags & S.SQE128 ? 128 : 64;
    this.dv = new DataView(this.ctx.sqes.buffer, this.ctx.sqes.byteOffset, this.ctx.sqes.byteLength);
  }

  /** SQ entries free to fill (io_uring_sq_space_left()). */
  get sqSpace(): number {
    return this.ctx.sqEntries - ((this.sqeTail - this.ctx.sqHead) >>> 0);
  }

  /** io_uring_get_sqe(): byte offset of a zeroed SQE in `ctx.sqes`, or -1 when the SQ is full. */
  getSqe(): number {
    if (((this.sqeTail - this.ctx.sqHead) >>> 0) >= this.ctx.sqEntries) return -1;
    const off = (this.sqeTail & this.sqMask) * this.sqeBytes;
    this.sqeTail = (this.sqeTail + 1) >>> 0;
    this.ctx.sqes.fill(0, off, off + this.sqeBytes);
    return off;
  }

  /** io_uring_prep_nop() with a 32-bit user_data: the benchmark's fast path. */
  prepNop(off: number, userData: number): void {
    // Cheap enough for the benchmark's hot path: an SQE offset getSqe() could have returned.
    if (!(off >= 0 && off < this.ctx.sqes.byteLength && off % this.sqeBytes === 0)) {
      throw new UringError('EINVAL', `prepNop: ${describeValue(off)} is not an SQE offset from getSqe()`);
    }
    if (userData >>> 0 !== userData) throw new UringError('EINVAL', `prepNop: user_data must be a u32, got ${describeValue(userData)}`);
    this.ctx.sqes[off] = IORING_OP.NOP;
    this.ctx.sqeU32[(off + 32) >> 2] = userData >>> 0;
  }

  /** Gets an SQE and fills it; throws EBUSY when the SQ is full (submit first). */
  sqe(s: SqeInit): void {
    const fields = checkSqe(s);
    const at = this.getSqe();
    if (at < 0) throw new UringError('EBUSY', 'the SQ is full: submit before queueing more SQEs');
    const v = this.dv;
    // getSqe() zeroed the slot: fields not given stay 0.
    for (const f of fields) {
      const o = at + f.at;
      if (f.kind === 'u64') v.setBigUint64(o, f.v as bigint, true);
      else if (f.kind === 'u8') v.setUint8(o, f.v as number);
      else if (f.kind === 'u16') v.setUint16(o, f.v as number, true);
      else if (f.kind === 's32') v.setInt32(o, f.v as number, true);
      else v.setUint32(o, f.v as number, true);
    }
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

  /** io_uring_submit_and_wait(): one system call, nothing else. */
  submitAndWait(waitNr: number): number {
    checkInt(waitNr, 'wait_nr', 0, U32_MAX);
    const n = this.flush();
    // liburing enters with GETEVENTS on an IOPOLL ring even to submit: only a poll completes I/O.
    const getevents = waitNr > 0 || (this.ctx.flags & S.IOPOLL) !== 0;
    return this.kernel.io_uring_enter(this.fd, n, waitNr, getevents ? IORING_ENTER.GETEVENTS : 0);
  }

  /** Submits and waits, then lets the simulated system settle (workers, devices, task_work). */
  submit(waitNr = 0): number {
    const ret = this.submitAndWait(waitNr);
    this.kernel.settle();
    return ret;
  }

  /** io_uring_for_each_cqe() + io_uring_cq_advance(): calls fn per CQE, returns how many. */
  forEachCqe(fn?: (userDataLo: number, res: number, flags: number) => void): number {
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

  /** Consumes every available CQE into `out`. */
  reap(out: Cqe[] = []): Cqe[] {
    const u32 = this.ctx.u32;
    const stride = this.ctx.flags & S.CQE32 ? 8 : 4;
    let head = u32[RINGS.cq_head >> 2]!;
    const tail = u32[RINGS.cq_tail >> 2]!;
    while (head !== tail) {
      const w = (RINGS.cqes >> 2) + (head & this.cqMask) * stride;
      out.push({ userData: u32[w]! + u32[w + 1]! * 4294967296, res: this.ctx.i32[w + 2]!, flags: u32[w + 3]! });
      head = (head + 1) >>> 0;
    }
    u32[RINGS.cq_head >> 2] = head;
    return out;
  }

  /** io_uring_register() on this ring. */
  register(opcode: number, arg: number, nrArgs: number): number {
    checkInt(opcode, 'register opcode', 0, U32_MAX);
    checkInt(arg, 'register arg', 0, Number.MAX_SAFE_INTEGER);
    checkInt(nrArgs, 'nr_args', 0, U32_MAX);
    return this.kernel.io_uring_register(this.fd, opcode, arg, nrArgs);
  }

  close(): void {
    this.kernel.close(this.fd);
  }
}
