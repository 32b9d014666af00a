// Runs a program on the models and prints the same raw records the C runner prints on a kernel
// (testbed/PROTOCOL.md). Between operations the simulated system settles: io-wq workers and
// devices finish what they can and task_work runs, as it would while the runner goes on.

import { UringError } from '../errors.js';
import { asUringError } from '../debug.js';
import { priceSince } from '../cost.js';
import { Kernel } from '../kernel.js';
import { IO_URING_PARAMS } from '../uapi/structs.js';
import { toHex } from '../uapi/layout.js';
import { IORING_CQE_F, IORING_SETUP as S } from '../uapi/constants.js';
import { RINGS } from '../core/setup.js';
import { memAccounting, procStatusField } from '../core/mem-account.js';
import type { RingCtx } from '../core/ctx.js';
import { pageAlign, type Mapping } from '../memory.js';
import { RegularFile, patternBytes } from '../files/regular.js';
import type { Extension } from '../extension/types.js';
import type { KernelId, KernelProfile } from '../profile.js';
import type { Fixup, Program, ProgramOp } from './program.js';

export interface ModelRunOptions {
  profile?: KernelId | KernelProfile;
  extensions?: readonly Extension[];
  seed?: number;
  /** Called with the kernel before the first operation (tests use it to inspect state). */
  onKernel?: (k: Kernel) => void;
}

interface RingUser {
  /** The ring's fd, or its registered index (REGISTERED_FD_ONLY). */
  fd: number;
  ctx: RingCtx;
  sqeTail: number;
  /** Closed by a close step: its mappings are gone (the runner unmaps them), its number stays. */
  closed?: boolean;
}

export class ModelExecutor {
  readonly kernel: Kernel;
  readonly records: string[] = [];
  private readonly regions = new Map<string, Mapping>();
  private readonly fds = new Map<string, number>();
  private readonly rings = new Map<string, RingUser>();

  constructor(opts: ModelRunOptions = {}) {
    try {
      this.kernel = new Kernel({ profile: opts.profile ?? '7.3', extensions: opts.extensions ?? [], seed: opts.seed ?? 1 });
    } catch (e) {
      throw asUringError(e, 'creating the model kernel');
    }
    opts.onKernel?.(this.kernel);
  }

  regionAddr(name: string): number {
    const m = this.regions.get(name);
    if (!m) throw new UringError('SCENARIO_INVALID', `no region ${name}`);
    return m.addr;
  }

  fdOf(name: string): number {
    const r = this.rings.get(name);
    if (r) return r.fd;
    const fd = this.fds.get(name);
    if (fd === undefined) throw new UringError('SCENARIO_INVALID', `no fd ${name}`);
    return fd;
  }

  /** A ring whose memory the program touches: set up and not closed, as the runner's mapped_ring(). */
  ringUser(name: string): RingUser {
    const r = this.rings.get(name);
    if (!r) throw new UringError('SCENARIO_INVALID', `ring ${name} was not set up (or setup failed)`);
    if (r.closed) throw new UringError('SCENARIO_INVALID', `ring ${name} is not mapped (it was closed)`);
    return r;
  }

  /** The number enter/register pass for a ring name: its fd (a closed one keeps its number), -1 after a failed setup. */
  private ringFd(name: string): number {
    const r = this.rings.get(name);
    if (r) return r.fd;
    const fd = this.fds.get(name);
    if (fd === undefined) throw new UringError('SCENARIO_INVALID', `no ring ${name}`);
    return fd;
  }

  private applyFixups(bytes: Uint8Array, fixups: readonly Fixup[]): Uint8Array {
    const out = bytes.slice();
    const dv = new DataView(out.buffer);
    for (const f of fixups) {
      if (f.kind === 'a') dv.setBigUint64(f.at, BigInt(this.regionAddr(f.region) + f.add), true);
      else if (f.kind === 'f') dv.setInt32(f.at, this.fdOf(f.fd), true);
      else dv.setBigUint64(f.at, BigInt.asUintN(64, f.value), true);
    }
    return out;
  }

  /**
   * Runs every operation; a model error ends the program with an `error OP MESSAGE` record, OP
   * being the operation's index in the program. A UringError keeps its code (`EINVAL: ...`);
   * anything else is a model bug, recorded as `INTERNAL: ...` with its stack in the debug log.
   */
  run(p: Program): string[] {
    if (typeof p !== 'object' || p === null || !Array.isArray(p.ops)) {
      throw new UringError('EINVAL', 'runOnModel needs a compiled program (compileScenario())');
    }
    for (let i = 0; i < p.ops.length; i++) {
      try {
        const op = p.ops[i]!.op;
        // The runner's `require`: a profile older than the scenario needs skips it (require.c).
        if (op.op === 'require' && !requirementMet(op.what, this.kernel.profile)) {
          this.records.push(`skip ${op.what}`);
          break;
        }
        this.exec(op);
        this.kernel.settle();
      } catch (e) {
        const err = asUringError(e, `operation ${i} (${String(p.ops[i]?.op?.op)})`);
        this.records.push(`error ${i} ${err.message.replace(/\s+/g, ' ')}`);
        break;
      }
    }
    return this.records;
  }

  exec(op: ProgramOp): void {
    const k = this.kernel;
    const rec = (s: string) => this.records.push(s);
    switch (op.op) {
      case 'require':
        return;
      case 'region':
        this.regions.set(op.name, k.memory.mmap(op.size, op.name));
        return;
      case 'fill':
        k.memory.write(this.regionAddr(op.region) + op.off, patternBytes(op.len, op.seed));
        return;
      case 'wmem':
        if (!k.memory.write(this.regionAddr(op.region) + op.off, this.applyFixups(op.bytes, op.fixups))) {
          throw new UringError('EFAULT', `wmem past the end of region ${op.region}`);
        }
        return;
      case 'rmem': {
        const b = k.memory.read(this.regionAddr(op.region) + op.off, op.len);
        if (!b) throw new UringError('EFAULT', `rmem past the end of region ${op.region}`);
        rec(`mem ${op.region} ${op.off} ${toHex(b)}`);
        return;
      }
      case 'setup': {
        const addr = this.regionAddr(op.region) + op.off;
        const ret = k.io_uring_setup(op.entries, addr);
        rec(`setup ${op.ring} ${ret} ${toHex(k.memory.read(addr, IO_URING_PARAMS.size)!)}`);
        if (ret >= 0) {
          // REGISTERED_FD_ONLY returns a registered index: the ring is in the task's table.
          const params = k.memory.read(addr, IO_URING_PARAMS.size)!;
          const regOnly = (new DataView(params.buffer, params.byteOffset).getUint32(8, true) & S.REGISTERED_FD_ONLY) !== 0;
          const ctx = regOnly ? k.tctx!.registeredRings[ret]!.ctx : (k.ringOf(ret) as RingCtx);
          this.rings.set(op.ring, { fd: ret, ctx, sqeTail: 0 });
        } else {
          // As the runner: a failed setup still names the ring, as fd -1.
          this.fds.set(op.ring, -1);
        }
        return;
      }
      case 'sqe': {
        // Placed exactly as the C runner places it (testbed/runner/ring.c).
        const r = this.ringUser(op.ring);
        const ctx = r.ctx;
        const mask = ctx.sqEntries - 1;
        const size = ctx.flags & S.SQE128 ? 128 : 64;
        const slots = op.bytes.byteLength === 128 && ctx.flags & S.SQE_MIXED ? 2 : 1;
        const slot = r.sqeTail & mask;
        if (slots === 2 && slot === mask) throw new UringError('EINVAL', 'a 128-byte SQE cannot start in the last slot of a SQE_MIXED ring');
        if (!(ctx.flags & S.SQ_REWIND) && ((r.sqeTail - ctx.sqHead) >>> 0) + slots > ctx.sqEntries) {
          throw new UringError('EINVAL', `SQ of ring ${op.ring} is full: this SQE would overwrite one not yet submitted`);
        }
        const bytes = new Uint8Array(size * slots);
        bytes.set(this.applyFixups(op.bytes, op.fixups).subarray(0, size * slots));
        k.memory.write(ctx.sqesAddr + slot * size, bytes);
        if (!(ctx.flags & S.NO_SQARRAY)) {
          const words = ctx.layout.sq_array_offset >> 2;
          ctx.u32[words + (r.sqeTail & mask)] = op.array ?? slot;
          if (slots === 2) ctx.u32[words + ((r.sqeTail + 1) & mask)] = slot + 1;
        }
        r.sqeTail = (r.sqeTail + slots) >>> 0;
        if (!(ctx.flags & S.SQ_REWIND)) ctx.u32[RINGS.sq_tail >> 2] = r.sqeTail;
        return;
      }
      case 'enter': {
        const r = this.rings.get(op.ring);
        const arg = op.arg ? (op.arg.region === '-' ? op.arg.off : this.regionAddr(op.arg.region) + op.arg.off) : 0;
        const fd = op.fd ?? this.ringFd(op.ring);
        rec(`enter ${op.ring} ${k.io_uring_enter(fd, op.toSubmit, op.minComplete, op.flags, arg, op.arg?.size ?? 0)}`);
        // SQ_REWIND rings read from slot 0 on every enter.
        if (r && r.ctx.flags & S.SQ_REWIND) r.sqeTail = 0;
        return;
      }
      case 'reap': {
        const ctx = this.ringUser(op.ring).ctx;
        let head = ctx.cqHead;
        let n = 0;
        const big = (ctx.flags & S.CQE32) !== 0;
        while (head !== ctx.cqTail && (op.max === 0 || n < op.max)) {
          const idx = head & (ctx.cqEntries - 1);
          const at = RINGS.cqes + idx * (big ? 32 : 16);
          const flags = ctx.u32[(at + 12) >> 2]!;
          // A 32-byte CQE needs two published slots: the last one alone is read as 16 bytes (the
          // runner does the same; 6.18 can leave a stale IORING_CQE_F_32 there, core/cqe.ts).
          const mixed32 = (ctx.flags & S.CQE_MIXED) !== 0 && (flags & IORING_CQE_F['32']) !== 0;
          const is32 = big || (mixed32 && ((ctx.cqTail - head) >>> 0) >= 2);
          rec(`cqe ${op.ring} ${toHex(ctx.rings.subarray(at, at + (is32 ? 32 : 16)))}`);
          head = (head + (is32 && !big ? 2 : 1)) >>> 0;
          ctx.u32[RINGS.cq_head >> 2] = head;
          n++;
        }
        rec(`reaped ${op.ring} ${n}`);
        return;
      }
      case 'observe': {
        const c = this.ringUser(op.ring).ctx;
        rec(`ring ${op.ring} sq_head=${c.sqHead} sq_tail=${c.sqTail} cq_head=${c.cqHead} cq_tail=${c.cqTail} sq_flags=${c.sqFlags} cq_flags=${c.cqFlags} sq_dropped=${c.sqDropped} cq_overflow=${c.cqOverflowCount}`);
        return;
      }
      case 'cqflags':
        this.ringUser(op.ring).ctx.u32[RINGS.cq_flags >> 2] = op.value >>> 0;
        return;
      case 'register': {
        const addr = op.region === null ? 0 : this.regionAddr(op.region) + op.off;
        const fd = op.fd ?? (op.ring === '-' ? -1 : this.ringFd(op.ring));
        rec(`register ${op.ring} ${op.opcode} ${k.io_uring_register(fd, op.opcode, addr, op.nrArgs)}`);
        return;
      }
      case 'pipe': {
        const [a, b] = k.pipe();
        this.fds.set(op.r, a);
        this.fds.set(op.w, b);
        rec(`fd ${op.r} 0`);
        return;
      }
      case 'tcppair':
      case 'unixpair':
      case 'dgrampair':
      case 'udppair': {
        const [a, b] = k.socketpair(op.op === 'tcppair' ? 'tcp' : op.op === 'dgrampair' ? 'unix-dgram' : op.op === 'udppair' ? (op.connect ? 'udp' : 'udp-unconnected') : 'unix');
        this.fds.set(op.a, a);
        this.fds.set(op.b, b);
        rec(`fd ${op.a} 0`);
        return;
      }
      case 'eventfd': {
        const fd = k.eventfd(op.initval, op.flags);
        this.fds.set(op.fd, fd < 0 ? -1 : fd);
        rec(`fd ${op.fd} ${fd < 0 ? fd : 0}`);
        return;
      }
      case 'tmpfile':
        this.fds.set(op.fd, k.tmpfile(op.size, op.seed, op.flags, op.fs));
        rec(`fd ${op.fd} 0`);
        return;
      case 'blockdev':
        this.fds.set(op.fd, k.blockdev(64 << 20, op.odirect));
        rec(`fd ${op.fd} 0`);
        return;
      case 'write':
        rec(`io ${op.fd} ${k.write(this.fdOf(op.fd), patternBytes(op.len, op.seed))}`);
        return;
      case 'read': {
        const r = k.read(this.fdOf(op.fd), op.len);
        rec(`io ${op.fd} ${r.res} ${r.data ? toHex(r.data) : ''}`.trimEnd());
        return;
      }
      case 'writemem': {
        const bytes = k.memory.read(this.regionAddr(op.region) + op.off, op.len);
        if (!bytes) throw new UringError('EFAULT', `writemem past the end of region ${op.region}`);
        rec(`io ${op.fd} ${k.write(this.fdOf(op.fd), bytes)}`);
        return;
      }
      case 'poll': {
        const r = k.poll(this.fdOf(op.fd), op.events, op.timeoutMs);
        rec(`poll ${op.fd} ${r.res} ${r.revents}`);
        return;
      }
      case 'time': {
        // The model's figure: virtual time that passed plus the counted costs, priced.
        const t0 = k.sched.now;
        const before = k.costs.snapshot();
        this.exec(op.inner);
        const ns = k.sched.now - t0 + priceSince(before, k.costs.snapshot(), k.costModel);
        rec(`time ${op.name} ${Math.round(ns)}`);
        return;
      }
      case 'close': {
        const fd = this.fdOf(op.fd);
        // The name keeps its old number for `f:` fixups and enter/register (as the runner's
        // does); a ring's mappings go first, as liburing (and the runner) unmap them.
        const r = this.rings.get(op.fd);
        if (r && !r.closed) {
          r.closed = true;
          k.memory.munmap(r.ctx.ringsAddr);
          k.memory.munmap(r.ctx.sqesAddr);
        }
        rec(`close ${op.fd} ${k.close(fd)}`);
        return;
      }
      case 'sleep': {
        // nanosleep(): the clock moves on; the task's task_work still runs (TWA_SIGNAL restarts the sleep).
        const until = k.sched.now + op.ms * 1_000_000;
        k.sched.runUntil(() => (k.task.run(), false), until - k.sched.now);
        return;
      }
      case 'mmap': {
        const r = this.ringUser(op.ring);
        const m = k.mmapRing(r.fd, op.offset, op.size);
        if (typeof m === 'number') rec(`mmap ${op.region} ${m}`);
        else {
          this.regions.set(op.region, m);
          rec(`mmap ${op.region} 0`);
        }
        return;
      }
      case 'munmap': {
        // The mapping goes; pages the kernel pinned keep their bytes (a pinned buffer ring).
        const ok = k.memory.munmap(this.regionAddr(op.region));
        rec(`munmap ${op.region} ${ok ? 0 : -22}`);
        return;
      }
      case 'setfl':
        rec(`setfl ${op.fd} ${k.setNonblock(this.fdOf(op.fd), op.nonblock)}`);
        return;
      case 'fstat': {
        const r = k.fstat(this.fdOf(op.fd));
        rec(`stat ${op.fd} ${r.res} ${r.size} ${r.pos}`);
        return;
      }
      case 'shutdown':
        rec(`shutdown ${op.fd} ${k.shutdown(this.fdOf(op.fd), op.how)}`);
        return;
      case 'filemap': {
        // MAP_PRIVATE: the pages read what the file holds until written. The model copies them at
        // mmap time (a later write to the file does not show through pages nobody wrote).
        const f = k.fget(this.fdOf(op.fd));
        if (!(f instanceof RegularFile)) throw new UringError('NOT_MODELLED', `filemap of ${op.fd}: the model maps only regular files`);
        if (op.size > pageAlign(f.size)) throw new UringError('NOT_MODELLED', `filemap of ${op.size} bytes of ${op.fd}: pages past the end of the file (${f.size} bytes) fault`);
        const bytes = new Uint8Array(pageAlign(op.size));
        const got = f.read(op.size, 0);
        if (got.data) bytes.set(got.data);
        this.regions.set(op.name, k.memory.mapBytes(bytes, op.name));
        return;
      }
      case 'hugeregion':
        this.regions.set(op.name, k.memory.mmapHuge(op.size, op.name));
        return;
      case 'procstatus': {
        const kv = op.fields.map((f) => {
          const v = procStatusField(k, f);
          if (v === undefined) throw new UringError('NOT_MODELLED', `the model does not know the /proc/self/status field ${f} (it knows VmPin and VmLck)`);
          return `${f}=${v}`;
        });
        rec(['proc', ...kv].join(' '));
        return;
      }
      case 'creds': {
        // setrlimit(RLIMIT_MEMLOCK) then setresuid(): a nonzero uid loses CAP_IPC_LOCK, so rings
        // created from now on are charged to that user (ctx->user).
        const acct = memAccounting(k);
        acct.memlockLimit = op.memlock;
        if (op.uid !== 0) acct.capIpcLock = false;
        acct.uid = op.uid;
        rec('creds 0');
        return;
      }
      case 'inject':
        this.ringUser(op.ring).ctx.failOverflowAllocs += op.n;
        return;
    }
  }
}

/** Kernel release as require.c's release_number() reads it: X.Y.Z as one number. */
function releaseNumber(s: string): number {
  const [a = 0, b = 0, c = 0] = s.split('.').map((x) => Number.parseInt(x, 10) || 0);
  return a * 1_000_000 + b * 1000 + c;
}

/**
 * Whether the model meets a `require`: the model has every device and privilege the runner may
 * lack, so only a minimum kernel can fail, against the profile's release.
 */
export function requirementMet(what: string, profile: KernelProfile): boolean {
  const m = /^kernel>=(.+)$/.exec(what);
  if (!m) return true;
  return releaseNumber(profile.release) >= releaseNumber(m[1]!);
}

/** Runs a program on a fresh model kernel; returns the raw records. */
export function runOnModel(p: Program, opts: ModelRunOptions = {}): string[] {
  return new ModelExecutor(opts).run(p);
}

