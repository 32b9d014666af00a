import { scenarioFiles } from '@uringlab/testkit/scenarios';
import { IORING_OP, IORING_REGISTER, IOSQE, Kernel, UserRing, type KernelId } from '@uringlab/ring/extend';
import { eventfdExtension, extension, type EventfdOptions } from '../src/index.js';

export const files = scenarioFiles(new URL('../', import.meta.url), [extension]);
export const { load: loadScenario, names: scenarioNames, traceOf, kernelTrace } = files;

/** A model kernel with the eventfd extension, and helpers that drive it the way liburing does. */
export class Bench {
  readonly kernel: Kernel;
  constructor(opts: EventfdOptions & { profile?: KernelId; seed?: number } = {}) {
    this.kernel = new Kernel({ profile: opts.profile ?? '7.3', seed: opts.seed ?? 1, extensions: [eventfdExtension({ strategy: opts.strategy ?? 'rcu' })] });
  }

  ring(entries = 8, flags = 0): UserRing {
    return new UserRing(this.kernel, entries, { flags });
  }

  /** io_uring_register_eventfd(): the fd written into memory, its address passed. */
  register(ring: UserRing, fd: number, async = false): number {
    const m = this.kernel.memory.mmap(4, 'evfd');
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, fd, true);
    this.kernel.memory.write(m.addr, b);
    const ret = this.kernel.io_uring_register(ring.fd, async ? IORING_REGISTER.EVENTFD_ASYNC : IORING_REGISTER.EVENTFD, m.addr, 1);
    this.kernel.memory.munmap(m.addr);
    return ret;
  }

  unregister(ring: UserRing): number {
    return this.kernel.io_uring_register(ring.fd, IORING_REGISTER.UNREGISTER_EVENTFD, 0, 0);
  }

  /** The counter, read nonblocking: 0 when read(2) says EAGAIN. */
  take(efd: number): bigint {
    const r = this.kernel.read(efd, 8);
    if (r.res === -11) return 0n;
    if (r.res !== 8 || !r.data) throw new Error(`eventfd read: ${r.res}`);
    return new DataView(r.data.buffer, r.data.byteOffset, 8).getBigUint64(0, true);
  }

  nops(ring: UserRing, n: number, flags = 0): void {
    for (let i = 0; i < n; i++) ring.sqe({ opcode: IORING_OP.NOP, userData: i + 1, flags });
    ring.submit();
  }

  asyncNop(ring: UserRing, ud = 1): void {
    ring.sqe({ opcode: IORING_OP.NOP, userData: ud, flags: IOSQE.ASYNC });
    ring.submitAndWait(1);
    ring.reap();
  }
}

export const EFD_NONBLOCK = 0o4000;
