import { scenarioFiles } from '@uringlab/testkit/scenarios';
import { IORING_OP, IORING_REGISTER, Kernel, UserRing, memAccounting, type KernelId } from '@uringlab/ring/extend';
import { extension, rsrcRing, rsrcStats } from '../src/index.js';

export const files = scenarioFiles(new URL('../', import.meta.url), [extension]);
export const { load: loadScenario, names: scenarioNames, traceOf, kernelTrace } = files;

export const PAGE = 4096;

/** A model kernel with the rsrc extension and liburing-like helpers. */
export class Bench {
  readonly kernel: Kernel;
  constructor(profile: KernelId = '7.3') {
    this.kernel = new Kernel({ profile, extensions: [extension] });
  }

  ring(entries = 8): UserRing {
    return new UserRing(this.kernel, entries);
  }

  /** Anonymous memory, filled with `seed + i`. */
  mem(size: number, seed = 0): number {
    const m = this.kernel.memory.mmap(size, 'buf');
    const b = new Uint8Array(size);
    for (let i = 0; i < size; i++) b[i] = (seed + i) & 0xff;
    this.kernel.memory.write(m.addr, b);
    return m.addr;
  }

  /** An array of iovecs in memory. */
  iovecs(iovs: readonly { base: number | bigint; len: number | bigint }[]): number {
    const m = this.kernel.memory.mmap(Math.max(16, iovs.length * 16), 'iov');
    const b = new Uint8Array(iovs.length * 16);
    const dv = new DataView(b.buffer);
    iovs.forEach((v, i) => {
      dv.setBigUint64(i * 16, BigInt(v.base), true);
      dv.setBigUint64(i * 16 + 8, BigInt(v.len), true);
    });
    this.kernel.memory.write(m.addr, b);
    return m.addr;
  }

  u64s(vals: readonly (number | bigint)[]): number {
    const m = this.kernel.memory.mmap(Math.max(8, vals.length * 8), 'u64s');
    const b = new Uint8Array(vals.length * 8);
    vals.forEach((v, i) => new DataView(b.buffer).setBigUint64(i * 8, BigInt(v), true));
    this.kernel.memory.write(m.addr, b);
    return m.addr;
  }

  /** io_uring_register_buffers() */
  register(r: UserRing, iovs: readonly { base: number | bigint; len: number | bigint }[]): number {
    return r.register(IORING_REGISTER.BUFFERS, this.iovecs(iovs), iovs.length);
  }

  /** io_uring_register_buffers_tags() (BUFFERS2) */
  registerTags(r: UserRing, iovs: readonly { base: number; len: number }[], tags: readonly number[]): number {
    const rr = this.struct([[0, 4, iovs.length], [16, 8, this.iovecs(iovs)], [24, 8, this.u64s(tags)]]);
    return r.register(IORING_REGISTER.BUFFERS2, rr, 32);
  }

  update(r: UserRing, offset: number, iovs: readonly { base: number; len: number }[], tags: readonly number[] = []): number {
    const up = this.struct([[0, 4, offset], [8, 8, this.iovecs(iovs)], [16, 8, tags.length ? this.u64s(tags) : 0], [24, 4, iovs.length]]);
    return r.register(IORING_REGISTER.BUFFERS_UPDATE, up, 32);
  }

  /** io_uring_clone_buffers_offset() without liburing's SRC_REGISTERED. */
  clone(dst: UserRing, srcFd: number, o: { flags?: number; srcOff?: number; dstOff?: number; nr?: number; pad?: number } = {}): number {
    const a = this.struct([[0, 4, srcFd], [4, 4, o.flags ?? 0], [8, 4, o.srcOff ?? 0], [12, 4, o.dstOff ?? 0], [16, 4, o.nr ?? 0], [20, 4, o.pad ?? 0]]);
    return dst.register(IORING_REGISTER.CLONE_BUFFERS, a, 1);
  }

  unregister(r: UserRing): number {
    return r.register(IORING_REGISTER.UNREGISTER_BUFFERS, 0, 0);
  }

  private struct(fields: readonly [number, 4 | 8, number][]): number {
    const m = this.kernel.memory.mmap(32, 'arg');
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    for (const [at, w, v] of fields) {
      if (w === 4) dv.setUint32(at, v >>> 0, true);
      else dv.setBigUint64(at, BigInt(v), true);
    }
    this.kernel.memory.write(m.addr, b);
    return m.addr;
  }

  /** WRITE_FIXED of [addr, addr + len) to fd; the CQE's res. */
  writeFixed(r: UserRing, fd: number, addr: number, len: number, index: number): number {
    r.sqe({ opcode: IORING_OP.WRITE_FIXED, fd, addr, len, off: 0, bufGroup: index, userData: 1 });
    r.submitAndWait(1);
    return r.reap()[0]!.res;
  }

  slots(r: UserRing): (number | null)[] {
    return rsrcRing(r.ctx).table.map((n) => (n ? n.buf.ubuf : null));
  }

  get pinnedKb(): number {
    return memAccounting(this.kernel).pinnedPages * 4;
  }

  get stats() {
    return rsrcStats(this.kernel);
  }
}
