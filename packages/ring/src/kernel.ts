// A simulated kernel for one process: its file table, address space, task_work, scheduler and
// cost counters, the io_uring system calls, and the extensions plugged into it.

import { ERRNO } from './uapi/errno.js';
import { IORING_OFF, IORING_REGISTER, IORING_SETUP as S, IORING_SQ } from './uapi/constants.js';
import { IO_URING_PARAMS } from './uapi/structs.js';
import { decode, encodeInto } from './uapi/layout.js';
import { UringError } from './errors.js';
import { Costs, counter } from './cost.js';
import { Scheduler } from './sched.js';
import { UserMemory, type Mapping } from './memory.js';
import { getProfile, type KernelId, type KernelProfile } from './profile.js';
import { prepareConfig, ringOffsets } from './core/setup.js';
import { RingCtx } from './core/ctx.js';
import { buildOpTable, type OpDef } from './core/opdef.js';
import { SqeReader } from './core/sqe.js';
import { REQ_F, type Req } from './core/req.js';
import { flushCompletions } from './core/complete.js';
import { flushOverflow } from './core/cqe.js';
import { ioUringEnter } from './core/enter.js';
import { ENABLE_RINGS_OP, PROBE_OP } from './core/register.js';
import { FileObj } from './files/file.js';
import { makePipe, makeSocketPair } from './files/stream.js';
import { BlockDevice, RegularFile } from './files/regular.js';
import { EventFd } from './files/eventfd.js';
import { NOP, NOP128 } from './ops/nop.js';
import { READ, WRITE } from './ops/rw.js';
import { RECV, SEND } from './ops/net.js';
import type { BufferProvider, BufferSelection, Extension, ExtensionHooks, RegisterOpDef } from './extension.js';

const C_SYSCALL_ENTER = counter('syscall', 'io_uring_enter');
const C_SYSCALL_REGISTER = counter('syscall', 'io_uring_register');
const C_SYSCALL_SETUP = counter('syscall', 'io_uring_setup');

/** The anonymous file behind a ring fd. */
export class RingFile extends FileObj {
  readonly kind = 'io_uring';
  readonly pollable = true;
  constructor(readonly ctx: RingCtx) {
    super();
  }
  readable(): boolean {
    return this.ctx.cqEventsUser() > 0;
  }
  writable(): boolean {
    return false;
  }
  read() {
    return { res: -ERRNO.EINVAL };
  }
  write(): number {
    return -ERRNO.EINVAL;
  }
}

/** The task's task_work list, run on the way back to user space and while waiting. */
export class Task {
  private work: { ctx: RingCtx; fn: () => void }[] = [];
  get pending(): boolean {
    return this.work.length > 0;
  }
  add(ctx: RingCtx, fn: () => void): void {
    this.work.push({ ctx, fn });
  }
  /** tctx_task_work(): run everything queued, then flush each ring's batched completions. */
  run(): void {
    while (this.work.length) {
      const batch = this.work.splice(0);
      const touched = new Set<RingCtx>();
      for (const w of batch) {
        w.fn();
        touched.add(w.ctx);
      }
      for (const ctx of touched) flushCompletions(ctx);
    }
  }
}

export interface KernelOptions {
  profile?: KernelId | KernelProfile;
  seed?: number;
  nrCpus?: number;
  extensions?: readonly Extension[];
}

export interface SetupParams {
  flags?: number;
  cq_entries?: number;
  sq_thread_cpu?: number;
  sq_thread_idle?: number;
  wq_fd?: number;
}

export class Kernel {
  readonly profile: KernelProfile;
  readonly sched: Scheduler;
  readonly costs = new Costs();
  readonly memory = new UserMemory();
  readonly task: Task;
  private readonly files = new Map<number, FileObj>();
  private readonly ops: OpDef[];
  private readonly registerOps = new Map<number, RegisterOpDef>();
  private readonly hooks: ExtensionHooks[] = [];
  private provider: BufferProvider | undefined;
  private readonly readers = new WeakMap<RingCtx, SqeReader>();
  readonly extensions: Extension[] = [];
  readonly rings = new Set<RingCtx>();

  constructor(opts: KernelOptions = {}) {
    const p = opts.profile ?? '7.3';
    try {
      this.profile = typeof p === 'string' ? getProfile(p) : p;
    } catch (e) {
      throw new UringError('UNSUPPORTED_PROFILE', (e as Error).message);
    }
    this.sched = new Scheduler({ seed: opts.seed ?? 1, nrCpus: opts.nrCpus ?? 2 });
    this.task = new Task();
    this.ops = buildOpTable([NOP, NOP128, READ, WRITE, RECV, SEND]);
    for (const op of [PROBE_OP, ENABLE_RINGS_OP]) this.registerOps.set(op.opcode, op);
    for (const ext of opts.extensions ?? []) this.use(ext);
  }

  /** Attaches an extension: its opcodes, register opcodes, buffer provider and hooks. */
  use(ext: Extension): this {
    if (this.extensions.some((e) => e.name === ext.name)) return this;
    this.extensions.push(ext);
    for (const op of ext.ops ?? []) this.ops[op.opcode] = op;
    for (const r of ext.registerOps ?? []) this.registerOps.set(r.opcode, r);
    if (ext.bufferProvider) this.provider = ext.bufferProvider(this);
    if (ext.hooks) this.hooks.push(ext.hooks);
    ext.init?.(this);
    return this;
  }

  opdef(opcode: number): OpDef {
    return this.ops[opcode]!;
  }

  /** The opcode table (for probe and docs). */
  opTable(): readonly OpDef[] {
    return this.ops;
  }

  // ---- hooks the core calls ----

  selectBuffer(req: Req, len: number, issueFlags: number): BufferSelection | undefined {
    return this.provider?.select(req, len, issueFlags);
  }

  putKbuf(req: Req, res: number, issueFlags: number): number {
    // io_put_kbuf(): a legacy buffer (BUFFER_SELECTED) or a ring buffer (BUFFER_RING).
    if (!(req.flags & (REQ_F.BUFFER_SELECTED | REQ_F.BUFFER_RING)) || !this.provider) return 0;
    return this.provider.put(req, res, issueFlags);
  }

  recycleBuffer(req: Req, issueFlags: number, path: 'rw' | 'net'): void {
    if (req.flags & (REQ_F.BUFFER_SELECTED | REQ_F.BUFFER_RING)) this.provider?.recycle(req, issueFlags, path);
  }

  hasFixedBuffer(ctx: RingCtx, index: number): boolean {
    return this.hooks.some((h) => h.hasFixedBuffer?.(ctx, index) === true);
  }

  onCqePosted(ctx: RingCtx): void {
    for (let i = 0; i < this.hooks.length; i++) this.hooks[i]!.cqePosted?.(ctx);
  }

  /** Keeps IORING_SQ_TASKRUN in step with a DEFER_TASKRUN ring's pending work. */
  onLocalWork(ctx: RingCtx): void {
    if (!(ctx.flags & S.TASKRUN_FLAG)) return;
    ctx.sqFlags = ctx.localWork.length ? ctx.sqFlags | IORING_SQ.TASKRUN : ctx.sqFlags & ~IORING_SQ.TASKRUN;
  }

  sqeReader(ctx: RingCtx): SqeReader {
    let r = this.readers.get(ctx);
    if (!r) {
      r = new SqeReader(ctx);
      this.readers.set(ctx, r);
    }
    return r;
  }

  fget(fd: number): FileObj | undefined {
    return this.files.get(fd);
  }

  /** io_assign_file() */
  assignFile(req: Req, def: OpDef): boolean {
    if (req.file || !def.needsFile) return true;
    if (req.flags & REQ_F.FIXED_FILE) return false;
    const f = this.files.get(req.fd);
    if (!f) return false;
    req.file = f;
    if (f.isReg) req.flags |= REQ_F.ISREG;
    return true;
  }

  /** Lets io-wq, devices and timers run up to `limit`; whether anything happened. */
  progress(limit: number): boolean {
    if (this.sched.settle()) return true;
    return this.sched.advance(limit);
  }

  /** What happens between two system calls of the scenario: async work settles, task_work runs. */
  settle(): void {
    for (let i = 0; i < 1000; i++) {
      const ran = this.sched.settle();
      const tw = this.task.pending;
      this.task.run();
      if (!ran && !tw) return;
    }
  }

  private syscallExit<T>(v: T): T {
    this.task.run();
    return v;
  }

  private allocFd(f: FileObj): number {
    let fd = 3;
    while (this.files.has(fd)) fd++;
    this.files.set(fd, f);
    return fd;
  }

  ringOf(fd: number): RingCtx | number {
    const f = this.files.get(fd);
    if (!f) return -ERRNO.EBADF;
    if (!(f instanceof RingFile)) return -ERRNO.EOPNOTSUPP;
    return f.ctx;
  }

  // ---- system calls (kernel-style results: >= 0, or -errno) ----

  /** io_uring_setup(entries, params): params are read from and written back to user memory. */
  io_uring_setup(entries: number, paramsAddr: number): number {
    this.costs.add(C_SYSCALL_SETUP);
    const raw = this.memory.read(paramsAddr, IO_URING_PARAMS.size);
    if (!raw) return -ERRNO.EFAULT;
    const p = decode(IO_URING_PARAMS, raw);
    const layout = prepareConfig(
      {
        entries,
        flags: Number(p.flags),
        cq_entries: Number(p.cq_entries),
        sq_thread_cpu: Number(p.sq_thread_cpu),
        sq_thread_idle: Number(p.sq_thread_idle),
        wq_fd: Number(p.wq_fd),
        resv: (p.resv as number[]).map(Number),
      },
      this.profile,
    );
    if (typeof layout === 'number') return layout;
    const flags = layout.flags;
    // io_sq_offload_create()
    if ((flags & (S.ATTACH_WQ | S.SQPOLL)) === S.ATTACH_WQ) {
      const f = this.files.get(Number(p.wq_fd));
      if (!f) return -ERRNO.ENXIO;
      if (!(f instanceof RingFile)) return -ERRNO.EINVAL;
    }
    if (flags & S.SQ_AFF && (!(flags & S.SQPOLL) || Number(p.sq_thread_cpu) >= this.sched.nrCpus)) return -ERRNO.EINVAL;
    if (flags & S.NO_MMAP) {
      // The application supplies the ring memory; the model keeps its own copy mapped there.
      if (!Number(p['sq_off.user_addr']) || !Number(p['cq_off.user_addr'])) return -ERRNO.EFAULT;
    }
    const ctx = new RingCtx(this, layout);
    const off = ringOffsets(layout);
    const out = new DataView(raw.buffer);
    const values: Record<string, number> = {
      sq_entries: layout.sq_entries,
      cq_entries: layout.cq_entries,
      features: this.profile.features,
    };
    for (const [k, v] of Object.entries(off.sq_off)) values[`sq_off.${k}`] = v;
    for (const [k, v] of Object.entries(off.cq_off)) values[`cq_off.${k}`] = v;
    if (flags & S.NO_SQARRAY) delete values['sq_off.array'];
    values['sq_off.resv1'] = 0;
    values['cq_off.resv1'] = 0;
    encodeInto(IO_URING_PARAMS, out, 0, values);
    if (!this.memory.write(paramsAddr, raw)) return -ERRNO.EFAULT;
    const ringMap = this.memory.mapBytes(ctx.rings, 'io_uring:rings');
    const sqeMap = this.memory.mapBytes(ctx.sqes, 'io_uring:sqes');
    ctx.ringsAddr = ringMap.addr;
    ctx.sqesAddr = sqeMap.addr;
    const fd = this.allocFd(new RingFile(ctx));
    ctx.fd = fd;
    this.rings.add(ctx);
    for (const h of this.hooks) h.ringCreated?.(ctx);
    return fd;
  }

  /**
   * mmap() of the ring fd at an offset: the SQ/CQ rings, the SQE array, or a region an extension
   * owns. A failed validation is -EINVAL on 7.3; 6.18's io_uring_get_unmapped_area() said -ENOMEM.
   */
  mmapRing(fd: number, offset: number): Mapping | number {
    const r = this.mmapValidate(fd, offset);
    if (r === -ERRNO.EINVAL && this.profile.quirks.mmapBadOffsetErrno === 'ENOMEM') return -ERRNO.ENOMEM;
    return r;
  }

  /** io_uring_validate_mmap_request() */
  private mmapValidate(fd: number, offset: number): Mapping | number {
    const ctx = this.ringOf(fd);
    if (typeof ctx === 'number') return ctx;
    if (offset === IORING_OFF.SQ_RING || offset === IORING_OFF.CQ_RING) return this.memory.find(ctx.ringsAddr, 1)!.m;
    if (offset === IORING_OFF.SQES) return this.memory.find(ctx.sqesAddr, 1)!.m;
    // Other offsets (provided-buffer rings, zcrx regions) belong to extensions.
    for (const h of this.hooks) {
      const m = h.mmap?.(ctx, offset);
      if (m !== undefined) return m;
    }
    return -ERRNO.EINVAL;
  }

  /** io_uring_enter2(fd, to_submit, min_complete, flags, arg, argsz) */
  io_uring_enter(fd: number, toSubmit: number, minComplete: number, flags: number, arg = 0, argsz = 0): number {
    this.costs.add(C_SYSCALL_ENTER);
    // IORING_ENTER_FLAGS is checked before the fd is even looked up.
    if ((flags & ~0xff) >>> 0) return -ERRNO.EINVAL;
    const ctx = this.ringOf(fd);
    if (typeof ctx === 'number') return ctx;
    return this.syscallExit(ioUringEnter(ctx, toSubmit >>> 0, minComplete >>> 0, flags >>> 0, arg, argsz));
  }

  io_uring_register(fd: number, opcode: number, arg: number, nrArgs: number): number {
    this.costs.add(C_SYSCALL_REGISTER);
    const op = (opcode & ~IORING_REGISTER.USE_REGISTERED_RING) >>> 0;
    if (op >= this.profile.registerLast) return -ERRNO.EINVAL;
    const ctx = this.ringOf(fd);
    if (typeof ctx === 'number') return ctx;
    const def = this.registerOps.get(op);
    if (!def) throw new UringError('ENOSYS', `no model implements register opcode ${op} yet; an extension package may add it`);
    return this.syscallExit(def.handler(ctx, arg, nrArgs >>> 0));
  }

  registerOpDef(opcode: number): RegisterOpDef | undefined {
    return this.registerOps.get(opcode);
  }

  pipe(): [number, number] {
    const [r, w] = makePipe();
    return [this.allocFd(r), this.allocFd(w)];
  }

  socketpair(kind: 'tcp' | 'unix'): [number, number] {
    const [a, b] = makeSocketPair(kind);
    return [this.allocFd(a), this.allocFd(b)];
  }

  eventfd(initval: number, flags: number): number {
    return this.allocFd(new EventFd(initval, flags));
  }

  tmpfile(size: number, seed: number): number {
    return this.allocFd(new RegularFile(size, seed));
  }

  /** The testbed's NVMe disk (64 MiB, patterned), opened with or without O_DIRECT. */
  blockdev(size: number, odirect: boolean): number {
    return this.allocFd(new BlockDevice(size, odirect));
  }

  /** write(2) of `len` pattern bytes. Writes never block here: a full pipe returns -EAGAIN. */
  write(fd: number, data: Uint8Array): number {
    const f = this.files.get(fd);
    if (!f) return -ERRNO.EBADF;
    return this.syscallExit(f.write(data, undefined));
  }

  read(fd: number, len: number): { res: number; data?: Uint8Array } {
    const f = this.files.get(fd);
    if (!f) return { res: -ERRNO.EBADF };
    return this.syscallExit(f.read(len, undefined));
  }

  close(fd: number): number {
    const f = this.files.get(fd);
    if (!f) return -ERRNO.EBADF;
    this.files.delete(fd);
    if (f instanceof RingFile) this.ringExit(f.ctx);
    else f.release();
    return this.syscallExit(0);
  }

  /** io_ring_exit_work(): the last reference to a ring is gone. */
  private ringExit(ctx: RingCtx): void {
    ctx.dead = true;
    flushOverflow(ctx, true);
    for (const h of this.hooks) h.ringExit?.(ctx);
    this.memory.munmap(ctx.ringsAddr);
    this.memory.munmap(ctx.sqesAddr);
    this.rings.delete(ctx);
  }
}
