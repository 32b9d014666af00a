// A simulated kernel for one process: the facade that composes the fd table (files/fdtable.ts),
// the address space (memory.ts), task_work (core/tw-run.ts), the scheduler, cost counters, the
// extension registry (extension/registry.ts) and the io_uring system calls, each of which lives
// in the core module named after its kernel file.

import { ERRNO } from './uapi/errno.js';
import { IORING_REGISTER } from './uapi/constants.js';
import { UringError } from './errors.js';
import { Costs, DEFAULT_COST_MODEL, counter, type CostModel } from './cost.js';
import { Scheduler } from './sched.js';
import { UserMemory, type Mapping } from './memory.js';
import { getProfile, type KernelId, type KernelProfile } from './profile.js';
import { RingCtx } from './core/ctx.js';
import type { OpDef } from './core/opdef.js';
import { SqeReader } from './core/sqe.js';
import type { Req } from './core/req.js';
import type { IoHost } from './core/host.js';
import { Task } from './core/tw-run.js';
import { WATCHDOG_NS, ioUringEnter } from './core/enter.js';
import { ioUringCreate } from './core/create.js';
import { mmapErrno, mmapValidate } from './core/mmap.js';
import { ENABLE_RINGS_OP, PROBE_OP, registerDispatch } from './core/register.js';
import { isRingFile } from './core/ring-file.js';
import { ringExit } from './core/exit.js';
import { queueIowq, taskSubmit } from './core/submit.js';
import { NO_PROVIDED_BUFFERS } from './core/kbuf.js';
import { NO_FIXED_BUFFERS } from './core/rsrc.js';
import { FdTable } from './files/fdtable.js';
import { POLL, type FileObj } from './files/file.js';
import { makePipe, makeSocketPair } from './files/stream.js';
import { BlockDevice, RegularFile } from './files/regular.js';
import { EFD_FLAGS_SET, EventFd } from './files/eventfd.js';
import { NOP, NOP128 } from './ops/nop.js';
import { READ } from './rw/read.js';
import { WRITE } from './rw/write.js';
import { RECV } from './net/recv.js';
import { SEND } from './net/send.js';
import { Registry, resolveExtensions } from './extension/registry.js';
import type { BufferProvider, Extension, FixedBufferImporter, RegisterOpDef } from './extension/types.js';
import type { KernelStateKey } from './extension/define.js';

const C_SYSCALL_ENTER = counter('syscall', 'io_uring_enter');
const C_SYSCALL_REGISTER = counter('syscall', 'io_uring_register');
const C_SYSCALL_SETUP = counter('syscall', 'io_uring_setup');

/** The opcodes the core implements (io_uring/nop.c, rw.c, net.c). */
export const CORE_OPS: readonly OpDef[] = [NOP, NOP128, READ, WRITE, RECV, SEND];
const CORE_REGISTER_OPS: readonly RegisterOpDef[] = [PROBE_OP, ENABLE_RINGS_OP];

/** How many rounds of "run async work, then task_work" settle() allows before it calls it a livelock. */
const SETTLE_ROUNDS = 10_000;

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

export { RingFile, isRingFile } from './core/ring-file.js';
export { Task } from './core/tw-run.js';

export class Kernel implements IoHost {
  readonly profile: KernelProfile;
  readonly sched: Scheduler;
  readonly costs = new Costs();
  readonly memory = new UserMemory();
  readonly task = new Task();
  readonly registry: Registry;
  readonly extensions: readonly Extension[];
  /** Prices for the cost counters: the defaults, then what each extension adds. */
  readonly costModel: CostModel;
  readonly rings = new Set<RingCtx>();
  providedBuffers: BufferProvider = NO_PROVIDED_BUFFERS;
  fixedBuffers: FixedBufferImporter = NO_FIXED_BUFFERS;
  private readonly fds = new FdTable();
  private readonly readers = new WeakMap<RingCtx, SqeReader>();
  private readonly kstate = new Map<KernelStateKey<unknown>, unknown>();

  constructor(opts: KernelOptions = {}) {
    const p = opts.profile ?? '7.3';
    try {
      this.profile = typeof p === 'string' ? getProfile(p) : p;
    } catch (e) {
      throw new UringError('UNSUPPORTED_PROFILE', (e as Error).message);
    }
    this.sched = new Scheduler({ seed: opts.seed ?? 1, nrCpus: opts.nrCpus ?? 2 });
    this.registry = new Registry(CORE_OPS, CORE_REGISTER_OPS);
    // Everything is checked before anything is attached: a conflict leaves no half-built kernel.
    this.extensions = resolveExtensions(opts.extensions ?? []);
    this.costModel = Object.assign({}, DEFAULT_COST_MODEL, ...this.extensions.map((e) => e.costModel ?? {})) as CostModel;
    for (const ext of this.extensions) this.attach(ext);
  }

  private attach(ext: Extension): void {
    const r = this.registry;
    for (const op of ext.ops ?? []) r.addOp(op, ext.name);
    for (const op of ext.registerOps ?? []) r.addRegisterOp(op, ext.name);
    if (ext.providedBuffers) {
      r.setProvidedBuffers(ext.providedBuffers(this), ext.name);
      this.providedBuffers = r.providedBuffers!;
    }
    if (ext.fixedBuffers) {
      r.setFixedBuffers(ext.fixedBuffers(this), ext.name);
      this.fixedBuffers = r.fixedBuffers!;
    }
    if (ext.hooks) r.addHooks(ext.hooks);
    ext.init?.(this);
  }

  get hooks(): Registry {
    return this.registry;
  }

  /** Kernel-wide state of an extension (shared by every ring), created on first use. */
  state<T>(key: KernelStateKey<T>): T {
    let v = this.kstate.get(key as KernelStateKey<unknown>);
    if (v === undefined) {
      v = key.init(this);
      this.kstate.set(key as KernelStateKey<unknown>, v);
    }
    return v as T;
  }

  opdef(opcode: number): OpDef {
    return this.registry.opdef(opcode);
  }

  /** The opcode table (for probe and docs). */
  opTable(): readonly OpDef[] {
    return this.registry.opTable();
  }

  registerOpDef(opcode: number): RegisterOpDef | undefined {
    return this.registry.registerOp(opcode);
  }

  taskSubmit(req: Req): void {
    taskSubmit(req);
  }

  queueIowq(req: Req): void {
    queueIowq(req);
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
    return this.fds.get(fd);
  }

  /** Lets io-wq, devices and timers run up to `limit`; whether anything happened. */
  progress(limit: number): boolean {
    if (this.sched.settle()) return true;
    return this.sched.advance(limit);
  }

  /**
   * What happens between two system calls of the scenario: async work settles, task_work runs.
   * Work that keeps requeueing itself forever is a model bug, reported as such.
   */
  settle(): void {
    for (let i = 0; i < SETTLE_ROUNDS; i++) {
      const ran = this.sched.settle();
      const tw = this.task.pending;
      this.task.run();
      if (!ran && !tw) return;
    }
    throw new UringError('INTERNAL', `the model did not settle after ${SETTLE_ROUNDS} rounds of async work and task_work (a livelock in a model)`);
  }

  private syscallExit<T>(v: T): T {
    this.task.run();
    return v;
  }

  /**
   * An interruptible sleep in a system call until cond() holds: the world runs in virtual time,
   * and task_work runs as TWA_SIGNAL makes it run (the syscall restarts after it). `timeoutNs`
   * ends it first, else the testbed runner's watchdog (SIGALRM) does after WATCHDOG_NS.
   */
  private sleep(cond: () => boolean, timeoutNs = Infinity): 'ok' | 'timeout' | 'intr' {
    const byTimeout = timeoutNs < WATCHDOG_NS;
    const deadline = this.sched.now + (byTimeout ? timeoutNs : WATCHDOG_NS);
    for (;;) {
      this.task.run();
      if (cond()) return 'ok';
      if (this.sched.now >= deadline) return byTimeout ? 'timeout' : 'intr';
      if (!this.sched.settle() && !this.sched.advance(deadline)) this.sched.now = deadline;
    }
  }

  ringOf(fd: number): RingCtx | number {
    const f = this.fds.get(fd);
    if (!f) return -ERRNO.EBADF;
    if (!isRingFile(f)) return -ERRNO.EOPNOTSUPP;
    return f.ctx;
  }

  // ---- system calls (kernel-style results: >= 0, or -errno) ----

  /** io_uring_setup(entries, params): params are read from and written back to user memory. */
  io_uring_setup(entries: number, paramsAddr: number): number {
    this.costs.add(C_SYSCALL_SETUP);
    const r = ioUringCreate(this, this.fds, entries, paramsAddr);
    if (typeof r === 'number') return r;
    this.rings.add(r.ctx);
    this.registry.ringCreated(r.ctx);
    return r.fd;
  }

  /** mmap() of the ring fd at an offset: the SQ/CQ rings, the SQE array, or a region an extension owns. */
  mmapRing(fd: number, offset: number): Mapping | number {
    const ctx = this.ringOf(fd);
    if (typeof ctx === 'number') return ctx;
    return mmapErrno(ctx, mmapValidate(ctx, offset, (c, o) => this.registry.mmap(c, o)));
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
    return this.syscallExit(registerDispatch(ctx, this.registry.registerOp(op), op, arg, nrArgs));
  }

  pipe(): [number, number] {
    const [r, w] = makePipe();
    return [this.fds.install(r), this.fds.install(w)];
  }

  socketpair(kind: 'tcp' | 'unix'): [number, number] {
    const [a, b] = makeSocketPair(kind);
    return [this.fds.install(a), this.fds.install(b)];
  }

  /** eventfd2(): do_eventfd() checks the flags first. */
  eventfd(initval: number, flags: number): number {
    if ((flags & ~EFD_FLAGS_SET) >>> 0) return -ERRNO.EINVAL;
    return this.fds.install(new EventFd(initval >>> 0, flags));
  }

  tmpfile(size: number, seed: number): number {
    return this.fds.install(new RegularFile(size, seed));
  }

  /** The testbed's NVMe disk (64 MiB, patterned), opened with or without O_DIRECT. */
  blockdev(size: number, odirect: boolean): number {
    return this.fds.install(new BlockDevice(size, odirect));
  }

  /**
   * write(2). A file that blocks (an eventfd without EFD_NONBLOCK) sleeps until it can take the
   * write; the others return -EAGAIN (a full pipe).
   */
  write(fd: number, data: Uint8Array): number {
    const f = this.fds.get(fd);
    if (!f) return -ERRNO.EBADF;
    let res = f.write(data, undefined);
    if (res === -ERRNO.EAGAIN && f.blocking) res = this.sleep(() => f.writable()) === 'ok' ? f.write(data, undefined) : -ERRNO.EINTR;
    return this.syscallExit(res);
  }

  /** read(2); a file that blocks sleeps until it is readable (-EINTR when the watchdog fires). */
  read(fd: number, len: number): { res: number; data?: Uint8Array } {
    const f = this.fds.get(fd);
    if (!f) return { res: -ERRNO.EBADF };
    let r = f.read(len, undefined);
    if (r.res === -ERRNO.EAGAIN && f.blocking) r = this.sleep(() => f.readable()) === 'ok' ? f.read(len, undefined) : { res: -ERRNO.EINTR };
    return this.syscallExit(r);
  }

  /**
   * poll(2) of one fd for POLLIN and/or POLLOUT, waiting up to timeoutMs (negative: no limit but
   * the watchdog). res is 1 when an event is ready, 0 on timeout, -EINTR when interrupted.
   */
  poll(fd: number, events: number, timeoutMs: number): { res: number; revents: number } {
    const f = this.fds.get(fd);
    if (!f) return { res: 1, revents: POLL.NVAL };
    const mask = () => (events & POLL.IN && f.ready('in') ? POLL.IN : 0) | (events & POLL.OUT && f.ready('out') ? POLL.OUT : 0);
    if (!mask() && timeoutMs !== 0) {
      if (this.sleep(() => mask() !== 0, timeoutMs < 0 ? Infinity : timeoutMs * 1e6) === 'intr') return this.syscallExit({ res: -ERRNO.EINTR, revents: 0 });
    }
    const m = mask();
    return this.syscallExit({ res: m ? 1 : 0, revents: m });
  }

  close(fd: number): number {
    const f = this.fds.remove(fd);
    if (!f) return -ERRNO.EBADF;
    if (isRingFile(f)) {
      ringExit(f.ctx, this.registry);
      this.rings.delete(f.ctx);
    } else {
      f.release();
    }
    return this.syscallExit(0);
  }
}
