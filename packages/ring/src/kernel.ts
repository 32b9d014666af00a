// A simulated kernel for one process: the facade that composes the fd table (files/fdtable.ts),
// the address space (memory.ts), task_work (core/tw-run.ts), the scheduler, cost counters, the
// extension registry (extension/registry.ts) and the io_uring system calls, each of which lives
// in the core module named after its kernel file.

import { ERRNO } from './uapi/errno.js';
import { IORING_ENTER, IORING_REGISTER, IORING_SETUP } from './uapi/constants.js';
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
import { ioUringEnter } from './core/enter.js';
import { ioUringCreate } from './core/create.js';
import { mmapErrno, mmapValidate } from './core/mmap.js';
import { ENABLE_RINGS_OP, PROBE_OP, RING_FDS_OP, UNREGISTER_RING_FDS_OP, registerDispatch } from './core/register.js';
import { IO_RINGFD_REG_MAX, IoUringTask, enterGetFile, registerGetFile, ringAddRegisteredFile } from './core/tctx.js';
import { isRingFile, type RingFile } from './core/ring-file.js';
import { MEM_REGION_OP } from './core/param-region.js';
import { queueIowq, taskSubmit } from './core/submit.js';
import { NO_PROVIDED_BUFFERS } from './core/kbuf.js';
import { NO_FIXED_BUFFERS } from './core/rsrc.js';
import { FdTable } from './files/fdtable.js';
import { FMODE, POLL, type FileObj } from './files/file.js';
import { makePipe, makeSocketPair, type SocketPairKind } from './files/stream.js';
import { BlockDevice, RegularFile, type TmpfileFs } from './files/regular.js';
import { EFD_FLAGS_SET, EventFd } from './files/eventfd.js';
import { blockingRead, blockingWrite, pollFile } from './files/blocking.js';
import { NOP, NOP128 } from './ops/nop.js';
import { READ, READV, READ_FIXED, READV_FIXED } from './rw/read.js';
import { WRITE, WRITEV, WRITE_FIXED, WRITEV_FIXED } from './rw/write.js';
import { RECV } from './net/recv.js';
import { RECVMSG } from './net/recvmsg.js';
import { SEND, SENDMSG } from './net/send.js';
import { SHUTDOWN, fileShutdown } from './net/shutdown.js';
import { READ_MULTISHOT } from './rw/read-mshot.js';
import { FSYNC } from './ops/sync.js';
import { TIMEOUT, TIMEOUT_REMOVE } from './ops/timeout.js';
import { LINK_TIMEOUT } from './ops/link-timeout.js';
import { POLL_ADD, POLL_REMOVE } from './ops/poll-add.js';
import { ASYNC_CANCEL } from './ops/cancel-op.js';
import { Registry, resolveExtensions } from './extension/registry.js';
import type { BufferProvider, Extension, FixedBufferImporter, RegisterOpDef } from './extension/types.js';
import type { KernelStateKey } from './extension/define.js';

const C_SYSCALL_ENTER = counter('syscall', 'io_uring_enter');
const C_SYSCALL_REGISTER = counter('syscall', 'io_uring_register');
const C_SYSCALL_SETUP = counter('syscall', 'io_uring_setup');

/** The opcodes the core implements (io_uring/nop.c, rw.c, net.c, sync.c, timeout.c, poll.c, cancel.c). */
export const CORE_OPS: readonly OpDef[] = [
  NOP, NOP128,
  READ, READV, READ_FIXED, READV_FIXED, WRITE, WRITEV, WRITE_FIXED, WRITEV_FIXED, READ_MULTISHOT,
  RECV, SEND, RECVMSG, SENDMSG, SHUTDOWN,
  FSYNC,
  TIMEOUT, TIMEOUT_REMOVE, LINK_TIMEOUT, POLL_ADD, POLL_REMOVE, ASYNC_CANCEL,
];
const CORE_REGISTER_OPS: readonly RegisterOpDef[] = [PROBE_OP, ENABLE_RINGS_OP, MEM_REGION_OP, RING_FDS_OP, UNREGISTER_RING_FDS_OP];

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
  /** current->io_uring (tctx.c): allocated by the first ring this task creates. */
  tctx: IoUringTask | null = null;
  readonly registry: Registry;
  /** The hook points (the registry), a plain field: the hot paths read it per request. */
  readonly hooks: Registry;
  /** The opcode table the registry fills (shared, so opdef() is one array load). */
  private readonly ops: readonly OpDef[];
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
    // getProfile() throws UNSUPPORTED_PROFILE for a name that is not a profile.
    this.profile = typeof p === 'string' ? getProfile(p) : p;
    this.sched = new Scheduler({ seed: opts.seed ?? 1, nrCpus: opts.nrCpus ?? 2 });
    this.registry = new Registry(CORE_OPS, CORE_REGISTER_OPS);
    this.hooks = this.registry;
    this.ops = this.registry.table;
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
    return this.ops[opcode]!;
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

  ringOf(fd: number): RingCtx | number {
    const f = this.fds.get(fd);
    if (!f) return -ERRNO.EBADF;
    if (!isRingFile(f)) return -ERRNO.EOPNOTSUPP;
    return f.ctx;
  }

  // ---- system calls (kernel-style results: >= 0, or -errno) ----

  /**
   * io_uring_setup(entries, params): params are read from and written back to user memory.
   * io_uring_create() gives the task its io_uring context (__io_uring_add_tctx_node()); with
   * IORING_SETUP_REGISTERED_FD_ONLY the ring gets a registered slot instead of an fd, and the
   * result is the slot's index (-EBUSY when all are taken: the ring is released again).
   */
  io_uring_setup(entries: number, paramsAddr: number): number {
    this.costs.add(C_SYSCALL_SETUP);
    const r = ioUringCreate(this, this.fds, entries, paramsAddr);
    if (typeof r === 'number') return r;
    this.tctx ??= new IoUringTask();
    this.rings.add(r.ctx);
    this.registry.ringCreated(r.ctx);
    if (r.ctx.flags & IORING_SETUP.REGISTERED_FD_ONLY) {
      // The fd ioUringCreate() installed is taken back: the slot holds the only reference.
      const file = this.fds.remove(r.fd)!;
      r.ctx.fd = -1;
      const idx = ringAddRegisteredFile(this.tctx, file as RingFile, 0, IO_RINGFD_REG_MAX);
      if (idx < 0) {
        this.rings.delete(r.ctx);
        file.put();
        return this.syscallExit(idx);
      }
      return idx;
    }
    return r.fd;
  }

  /**
   * mmap() of `size` bytes of the ring fd at an offset: the SQ/CQ rings, the SQE array, the
   * parameter region, or a region an extension owns (no size: the whole region).
   */
  mmapRing(fd: number, offset: number, size?: number): Mapping | number {
    const ctx = this.ringOf(fd);
    if (typeof ctx === 'number') return ctx;
    return mmapErrno(ctx, mmapValidate(ctx, offset, size, (c, o) => this.registry.mmapRegion(c, o)));
  }

  /** io_uring_enter2(fd, to_submit, min_complete, flags, arg, argsz) */
  io_uring_enter(fd: number, toSubmit: number, minComplete: number, flags: number, arg = 0, argsz = 0): number {
    this.costs.add(C_SYSCALL_ENTER);
    // IORING_ENTER_FLAGS is checked before the fd is even looked up.
    if ((flags & ~0xff) >>> 0) return -ERRNO.EINVAL;
    // IORING_ENTER_REGISTERED_RING: fd is an index into the task's registered rings.
    const file = enterGetFile(this, fd, (flags & IORING_ENTER.REGISTERED_RING) !== 0);
    if (typeof file === 'number') return file;
    return this.syscallExit(ioUringEnter(file.ctx, toSubmit >>> 0, minComplete >>> 0, flags >>> 0, arg, argsz));
  }

  /** io_uring_register(): IORING_REGISTER_USE_REGISTERED_RING makes fd a registered index (io_uring_register_get_file()). */
  io_uring_register(fd: number, opcode: number, arg: number, nrArgs: number): number {
    this.costs.add(C_SYSCALL_REGISTER);
    const registered = ((opcode & IORING_REGISTER.USE_REGISTERED_RING) >>> 0) !== 0;
    const op = (opcode & ~IORING_REGISTER.USE_REGISTERED_RING) >>> 0;
    if (op >= this.profile.registerLast) return -ERRNO.EINVAL;
    const file = registerGetFile(this, fd, registered);
    if (typeof file === 'number') return file;
    return this.syscallExit(registerDispatch(file.ctx, this.registry.registerOp(op), op, arg, nrArgs));
  }

  pipe(): [number, number] {
    const [r, w] = makePipe();
    return [this.fds.install(r), this.fds.install(w)];
  }

  socketpair(kind: SocketPairKind): [number, number] {
    const [a, b] = makeSocketPair(kind);
    return [this.fds.install(a), this.fds.install(b)];
  }

  /** eventfd2(): do_eventfd() checks the flags first. */
  eventfd(initval: number, flags: number): number {
    if ((flags & ~EFD_FLAGS_SET) >>> 0) return -ERRNO.EINVAL;
    return this.fds.install(new EventFd(initval >>> 0, flags));
  }

  /** A patterned regular file opened with `flags` (an access mode, maybe O_APPEND; default O_RDWR). */
  tmpfile(size: number, seed: number, flags?: number, fs?: TmpfileFs): number {
    return this.fds.install(new RegularFile(size, seed, flags, fs));
  }

  /** fstat(2)'s st_size and lseek(fd, 0, SEEK_CUR) of a regular file (other kinds are not modelled). */
  fstat(fd: number): { res: number; size: number; pos: number } {
    const f = this.fds.get(fd);
    if (!f) return { res: -ERRNO.EBADF, size: 0, pos: 0 };
    if (!(f instanceof RegularFile)) throw new UringError('NOT_MODELLED', `fstat of a ${f.kind} (the model reports regular files only)`);
    return { res: 0, size: f.size, pos: f.pos };
  }

  /** The testbed's NVMe disk (64 MiB, patterned), opened with or without O_DIRECT. */
  blockdev(size: number, odirect: boolean): number {
    return this.fds.install(new BlockDevice(size, odirect));
  }

  /**
   * write(2) on a blocking fd: a full pipe, or an eventfd without EFD_NONBLOCK whose sum would
   * reach ULLONG_MAX, waits, and the runner's watchdog ends the wait (files/blocking.ts).
   */
  write(fd: number, data: Uint8Array): number {
    if (!(data instanceof Uint8Array)) throw new UringError('EINVAL', 'write() takes the bytes as a Uint8Array');
    const f = this.fds.get(fd);
    // vfs_write(): a file not open for writing is -EBADF.
    if (!f || !(f.fmode & FMODE.WRITE)) return -ERRNO.EBADF;
    return this.syscallExit(blockingWrite(this, f, data));
  }

  /**
   * read(2) on a blocking fd: an empty pipe, or an eventfd at zero without EFD_NONBLOCK, waits,
   * and the runner's watchdog ends the wait with -EINTR.
   */
  read(fd: number, len: number): { res: number; data?: Uint8Array } {
    if (!Number.isSafeInteger(len) || len < 0) throw new UringError('EINVAL', `read() length must be a non-negative integer, got ${String(len)}`);
    const f = this.fds.get(fd);
    // vfs_read(): a file not open for reading is -EBADF.
    if (!f || !(f.fmode & FMODE.READ)) return { res: -ERRNO.EBADF };
    return this.syscallExit(blockingRead(this, f, len));
  }

  /**
   * poll(2) of one fd for POLLIN and/or POLLOUT, waiting up to timeoutMs (negative: no limit but
   * the watchdog). res is 1 when an event is ready, 0 on timeout, -EINTR when interrupted.
   */
  poll(fd: number, events: number, timeoutMs: number): { res: number; revents: number } {
    const f = this.fds.get(fd);
    if (!f) return { res: 1, revents: POLL.NVAL };
    return this.syscallExit(pollFile(this, f, events, timeoutMs < 0 ? Infinity : timeoutMs * 1e6));
  }

  /**
   * fcntl(F_SETFL) of O_NONBLOCK only. io_uring does not look at it for files that support
   * nonblocking attempts (io_file_get_flags() counts O_NONBLOCK as REQ_F_SUPPORT_NOWAIT), so a
   * READ of an empty O_NONBLOCK pipe still waits; read(2) returns -EAGAIN.
   */
  setNonblock(fd: number, on: boolean): number {
    const f = this.fds.get(fd);
    if (!f) return -ERRNO.EBADF;
    f.oNonblock = on;
    return 0;
  }

  /** shutdown(2): -EBADF for no fd, -ENOTSOCK for anything but a socket (net/shutdown.ts). */
  shutdown(fd: number, how: number): number {
    const f = this.fds.get(fd);
    if (!f) return -ERRNO.EBADF;
    return this.syscallExit(fileShutdown(f, how | 0));
  }

  close(fd: number): number {
    const f = this.fds.remove(fd);
    if (!f) return -ERRNO.EBADF;
    if (isRingFile(f)) this.rings.delete(f.ctx);
    // filp_close() -> fput(): requests using the file hold their own references.
    f.put();
    return this.syscallExit(0);
  }
}
