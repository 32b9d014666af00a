// The task's registered ring table (core/tctx.ts) through the system-call API: what the testbed
// scenarios (ring-fds-*) cannot reach, REGISTERED_FD_ONLY setups (their NO_MMAP params have no
// scenario step yet) and the lookup extensions use.

import { describe, expect, it } from 'vitest';
import {
  ERRNO, IORING_ENTER, IORING_REGISTER, IORING_SETUP, IO_URING_PARAMS, IO_RINGFD_REG_MAX, Kernel, encode, registerGetFile,
} from '../src/extend.js';
import { unregRingfd } from '../src/core/tctx.js';

const RFD = IORING_REGISTER.RING_FDS;
const UNRFD = IORING_REGISTER.UNREGISTER_RING_FDS;

/** One io_uring_rsrc_update per entry, in fresh memory. */
function updates(k: Kernel, entries: readonly { offset: number; data: number }[]): number {
  const m = k.memory.mmap(Math.max(16, entries.length * 16), 'upd');
  const b = new Uint8Array(entries.length * 16);
  const dv = new DataView(b.buffer);
  entries.forEach((e, i) => {
    dv.setUint32(i * 16, e.offset >>> 0, true);
    dv.setBigUint64(i * 16 + 8, BigInt(e.data), true);
  });
  k.memory.write(m.addr, b);
  return m.addr;
}

function plainRing(k: Kernel): number {
  const p = k.memory.mmap(4096, 'params');
  return k.io_uring_setup(4, p.addr);
}

/** io_uring_setup() with REGISTERED_FD_ONLY | NO_MMAP over fresh user memory. */
function regOnlyRing(k: Kernel): number {
  const p = k.memory.mmap(4096, 'params');
  const mem = k.memory.mmap(16384, 'rings');
  k.memory.write(p.addr, encode(IO_URING_PARAMS, {
    flags: IORING_SETUP.NO_MMAP | IORING_SETUP.REGISTERED_FD_ONLY, 'sq_off.user_addr': mem.addr, 'cq_off.user_addr': mem.addr + 8192,
  }));
  return k.io_uring_setup(4, p.addr);
}

describe('registered rings', () => {
  it('REGISTERED_FD_ONLY returns a slot, not an fd; enter and register reach the ring only through it', () => {
    const k = new Kernel();
    const idx = regOnlyRing(k);
    expect(idx).toBe(0);
    const ctx = k.tctx!.registeredRings[0]!.ctx;
    expect(k.rings.has(ctx)).toBe(true);
    expect(k.io_uring_enter(idx, 0, 0, IORING_ENTER.REGISTERED_RING)).toBe(0);
    expect(k.io_uring_register(idx, IORING_REGISTER.ENABLE_RINGS | IORING_REGISTER.USE_REGISTERED_RING, 0, 0)).toBe(-ERRNO.EBADFD);
    // No fd was installed: the first pipe still gets the lowest fd.
    expect(k.pipe()[0]).toBe(3);
    // Emptying the slot drops the only reference: the ring is torn down.
    const fd = plainRing(k);
    expect(k.io_uring_register(fd, UNRFD, updates(k, [{ offset: 0, data: 0 }]), 1)).toBe(1);
    k.settle();
    expect(ctx.dead).toBe(true);
  });

  it('REGISTERED_FD_ONLY with every slot taken is -EBUSY, and that ring is released', () => {
    const k = new Kernel();
    const fd = plainRing(k);
    const all = Array.from({ length: IO_RINGFD_REG_MAX }, () => ({ offset: -1, data: fd }));
    expect(k.io_uring_register(fd, RFD, updates(k, all), IO_RINGFD_REG_MAX)).toBe(IO_RINGFD_REG_MAX);
    const before = k.rings.size;
    expect(regOnlyRing(k)).toBe(-ERRNO.EBUSY);
    expect(k.rings.size).toBe(before);
  });

  it('registerGetFile() (the extension lookup) answers as io_uring_register_get_file()', () => {
    const k = new Kernel();
    const fd = plainRing(k);
    const [pr] = k.pipe();
    expect(k.io_uring_register(fd, RFD, updates(k, [{ offset: 5, data: fd }]), 1)).toBe(1);
    const f = registerGetFile(k, 5, true);
    expect(typeof f === 'number' ? f : f.ctx).toBe(k.tctx!.registeredRings[5]!.ctx);
    expect(registerGetFile(k, 4, true)).toBe(-ERRNO.EBADF);
    expect(registerGetFile(k, 16, true)).toBe(-ERRNO.EINVAL);
    expect(registerGetFile(k, pr, false)).toBe(-ERRNO.EOPNOTSUPP);
    expect(registerGetFile(k, 999, false)).toBe(-ERRNO.EBADF);
  });

  it('a closed ring fd lives on in its slot until the task exits (io_uring_unreg_ringfd())', () => {
    const k = new Kernel();
    const fd = plainRing(k);
    const ctx = [...k.rings][0];
    expect(k.io_uring_register(fd, RFD, updates(k, [{ offset: -1, data: fd }]), 1)).toBe(1);
    expect(k.close(fd)).toBe(0);
    k.settle();
    expect(ctx!.dead).toBe(false);
    expect(k.io_uring_enter(0, 0, 0, IORING_ENTER.REGISTERED_RING)).toBe(0);
    unregRingfd(k.tctx!);
    k.settle();
    expect(ctx!.dead).toBe(true);
    expect(k.io_uring_enter(0, 0, 0, IORING_ENTER.REGISTERED_RING)).toBe(-ERRNO.EBADF);
  });
});
