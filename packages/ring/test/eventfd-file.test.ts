// The core's eventfd (fs/eventfd.c) and the plain system calls around it: the 8-byte rule, the
// ULLONG_MAX bounds (writes refused, signals saturate), EFD_SEMAPHORE, the flags eventfd2() takes,
// blocking read(2)/write(2) sleeping in virtual time until the watchdog, and poll(2).

import { describe, expect, it } from 'vitest';
import { EFD_NONBLOCK, EFD_SEMAPHORE, Kernel, POLL, WATCHDOG_NS, isEventFd } from '../src/extend.js';

const u64 = (v: bigint, len = 8) => {
  const b = new Uint8Array(len);
  if (len >= 8) new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};
const valueOf = (r: { res: number; data?: Uint8Array }) => (r.data ? new DataView(r.data.buffer, r.data.byteOffset, 8).getBigUint64(0, true) : undefined);
const MAX = 2n ** 64n - 1n;

describe('eventfd', () => {
  it('takes exactly 8-byte writes and at least 8-byte reads', () => {
    const k = new Kernel();
    const e = k.eventfd(2, EFD_NONBLOCK);
    expect(k.write(e, u64(1n, 4))).toBe(-22);
    expect(k.write(e, u64(1n, 16))).toBe(-22);
    expect(k.read(e, 7).res).toBe(-22);
    const r = k.read(e, 64);
    expect(r.res).toBe(8);
    expect(valueOf(r)).toBe(2n);
    expect(k.read(e, 8).res).toBe(-11);
  });

  it('refuses ULLONG_MAX and sums that would reach it; signals saturate there', () => {
    const k = new Kernel();
    const e = k.eventfd(0, EFD_NONBLOCK);
    expect(k.write(e, u64(MAX))).toBe(-22);
    expect(k.write(e, u64(MAX - 1n))).toBe(8);
    expect(k.write(e, u64(1n))).toBe(-11);
    const f = k.fget(e)!;
    if (!isEventFd(f)) throw new Error('not an eventfd');
    f.signal();
    f.signal();
    expect(f.count).toBe(MAX);
    expect(valueOf(k.read(e, 8))).toBe(MAX);
  });

  it('hands out 1 per read with EFD_SEMAPHORE', () => {
    const k = new Kernel();
    const e = k.eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    expect([valueOf(k.read(e, 8)), valueOf(k.read(e, 8)), k.read(e, 8).res]).toEqual([1n, 1n, -11]);
  });

  it('rejects flags outside SEMAPHORE | NONBLOCK | CLOEXEC', () => {
    const k = new Kernel();
    expect(k.eventfd(0, 2)).toBe(-22);
    expect(k.eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | 0o2000000)).toBeGreaterThan(0);
  });

  it('a blocking read sleeps in virtual time, until a timer signals or the watchdog interrupts it', () => {
    const k = new Kernel();
    const e = k.eventfd(0, 0);
    const t0 = k.sched.now;
    expect(k.read(e, 8).res).toBe(-4);
    expect(k.sched.now - t0).toBe(WATCHDOG_NS);
    const f = k.fget(e)!;
    if (!isEventFd(f)) throw new Error('not an eventfd');
    k.sched.after(5_000, () => f.signal());
    const t1 = k.sched.now;
    expect(valueOf(k.read(e, 8))).toBe(1n);
    expect(k.sched.now - t1).toBe(5_000);
  });

  it('a blocking write that would overflow sleeps until a read makes room, else EINTR', () => {
    const k = new Kernel();
    const e = k.eventfd(0, 0);
    expect(k.write(e, u64(MAX - 1n))).toBe(8);
    expect(k.write(e, u64(1n))).toBe(-4);
    // EPOLLOUT is set (count < ULLONG_MAX - 1) yet a large value has no room: it waits for room.
    const f = k.fget(e)!;
    if (!isEventFd(f)) throw new Error('not an eventfd');
    f.count = 10n;
    expect(f.writable()).toBe(true);
    const t0 = k.sched.now;
    expect(k.write(e, u64(MAX - 5n))).toBe(-4);
    expect(k.sched.now - t0).toBe(WATCHDOG_NS);
    k.sched.after(7_000, () => void k.read(e, 8));
    const t1 = k.sched.now;
    expect(k.write(e, u64(MAX - 5n))).toBe(8);
    expect(k.sched.now - t1).toBe(7_000);
  });

  it('poll reports readiness at once, waits up to its timeout, and flags a closed fd', () => {
    const k = new Kernel();
    const e = k.eventfd(0, EFD_NONBLOCK);
    expect(k.poll(e, POLL.IN | POLL.OUT, 0)).toEqual({ res: 1, revents: POLL.OUT });
    const t0 = k.sched.now;
    expect(k.poll(e, POLL.IN, 30)).toEqual({ res: 0, revents: 0 });
    expect(k.sched.now - t0).toBe(30e6);
    expect(k.poll(e, POLL.IN, -1)).toEqual({ res: -4, revents: 0 });
    k.write(e, u64(3n));
    expect(k.poll(e, POLL.IN, 100)).toEqual({ res: 1, revents: POLL.IN });
    k.close(e);
    expect(k.poll(e, POLL.IN, 0)).toEqual({ res: 1, revents: POLL.NVAL });
  });
});
