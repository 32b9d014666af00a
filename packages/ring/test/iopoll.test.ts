// IOPOLL behaviour the testbed cannot pin down deterministically (it depends on how long the
// device takes, or on paths a scenario cannot take): min_complete 0 polls once without
// spinning, polls over several files, the SQ thread polling, and teardown with I/O in flight.

import { describe, expect, it } from 'vitest';
import { IORING_ENTER, IORING_OP, IORING_SETUP, Kernel, UserRing, BlockDevice, type RingCtx } from '../src/extend.js';

const G = IORING_ENTER.GETEVENTS;
const DISK = 64 << 20;

function polledRing(flags = IORING_SETUP.IOPOLL) {
  const k = new Kernel();
  const ring = new UserRing(k, 8, { flags });
  const buf = k.memory.mmap(16384, 'buf');
  return { k, ring, buf };
}

/** io_uring_enter() to submit, without GETEVENTS (liburing's submit would poll). */
function submitOnly(ring: UserRing): number {
  return ring.kernel.io_uring_enter(ring.fd, ring.flush(), 0, 0);
}

/** The model's block device behind an fd (to look at its poll queue). */
function device(k: Kernel, fd: number): BlockDevice {
  return k.fget(fd) as BlockDevice;
}

describe('IOPOLL completions', () => {
  it('min_complete 0 polls once without spinning: nothing until the device has finished', () => {
    const { k, ring, buf } = polledRing();
    const fd = k.blockdev(DISK, true);
    ring.sqe({ opcode: IORING_OP.READ, fd, addr: buf.addr, len: 4096, off: 0, userData: 1 });
    expect(submitOnly(ring)).toBe(1);
    expect(k.io_uring_enter(ring.fd, 0, 0, G)).toBe(0);
    expect(ring.reap()).toEqual([]);
    // Time passes (the device finishes); a nonspinning poll now finds the request.
    k.sched.now += device(k, fd).latencyNs;
    expect(k.io_uring_enter(ring.fd, 0, 0, G)).toBe(0);
    expect(ring.reap()).toEqual([{ userData: 1, res: 4096, flags: 0 }]);
  });

  it('liburing-style submit on an IOPOLL ring enters with GETEVENTS, so repeated submits reap', () => {
    const { k, ring, buf } = polledRing();
    const fd = k.blockdev(DISK, true);
    ring.sqe({ opcode: IORING_OP.WRITE, fd, addr: buf.addr, len: 4096, off: 4096, userData: 7 });
    expect(ring.submit()).toBe(1);
    expect(ring.reap()).toEqual([]);
    k.sched.now += device(k, fd).latencyNs;
    expect(ring.submit()).toBe(0);
    expect(ring.reap()).toEqual([{ userData: 7, res: 4096, flags: 0 }]);
  });

  it('polls over two files do not spin, yet GETEVENTS still waits for min_complete', () => {
    const { k, ring, buf } = polledRing();
    const a = k.blockdev(DISK, true);
    const b = k.blockdev(DISK, true);
    ring.sqe({ opcode: IORING_OP.READ, fd: a, addr: buf.addr, len: 512, off: 0, userData: 1 });
    ring.sqe({ opcode: IORING_OP.READ, fd: b, addr: buf.addr + 4096, len: 512, off: 512, userData: 2 });
    expect(submitOnly(ring)).toBe(2);
    expect(ring.ctx.pollMultiQueue).toBe(true);
    expect(k.io_uring_enter(ring.fd, 0, 2, G)).toBe(0);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[1, 512], [2, 512]]);
  });

  it('the SQ thread of an SQPOLL|IOPOLL ring polls for completions itself', () => {
    const { k, ring, buf } = polledRing(IORING_SETUP.IOPOLL | IORING_SETUP.SQPOLL);
    const fd = k.blockdev(DISK, true);
    ring.sqe({ opcode: IORING_OP.READ, fd, addr: buf.addr, len: 4096, off: 0, userData: 3 });
    submitOnly(ring);
    k.settle();
    expect(ring.reap()).toEqual([{ userData: 3, res: 4096, flags: 0 }]);
  });

  it('closing the ring with polled I/O in flight reaps it: the device queue drains', () => {
    const { k, ring, buf } = polledRing();
    const fd = k.blockdev(DISK, true);
    ring.sqe({ opcode: IORING_OP.READ, fd, addr: buf.addr, len: 4096, off: 0, userData: 1 });
    ring.sqe({ opcode: IORING_OP.READ, fd, addr: buf.addr + 4096, len: 4096, off: 4096, userData: 2 });
    expect(submitOnly(ring)).toBe(2);
    const ctx: RingCtx = ring.ctx;
    expect(ctx.iopollList.length).toBe(2);
    expect(device(k, fd).polledInFlight).toBe(2);
    expect(k.close(ring.fd)).toBe(0);
    // The exit work runs after close(2) returns (io_ring_exit_work() on a kworker).
    k.settle();
    expect(ctx.iopollList.length).toBe(0);
    expect(device(k, fd).polledInFlight).toBe(0);
    expect(ctx.inflight).toBe(0);
  });

  it('a failed polled read does not break its link (io_complete_rw_iopoll() sets no REQ_F_FAIL)', () => {
    const { k, ring, buf } = polledRing();
    const fd = k.blockdev(DISK, true);
    // Past the end of the disk: 0 bytes of 4096 asked, a short read on an IOPOLL ring.
    ring.sqe({ opcode: IORING_OP.READ, fd, addr: buf.addr, len: 4096, off: DISK, flags: 1 << 2, userData: 1 });
    ring.sqe({ opcode: IORING_OP.NOP, userData: 2 });
    expect(submitOnly(ring)).toBe(2);
    k.io_uring_enter(ring.fd, 0, 1, G);
    k.settle();
    k.io_uring_enter(ring.fd, 0, 1, G);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[1, 0], [2, 0]]);
  });
});
