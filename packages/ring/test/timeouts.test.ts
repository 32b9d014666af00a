// TIMEOUT, TIMEOUT_REMOVE and LINK_TIMEOUT in the model (core/timeout.ts, core/link-timeout.ts,
// ops/timeout.ts). The timeout-* and link-timeout-* scenarios pin what a kernel shows; these
// tests look at virtual time, the list order, ring teardown and the model's own timers.

import { describe, expect, it } from 'vitest';
import { IORING_OP, IORING_TIMEOUT as T, IOSQE, Kernel, UserRing, type Cqe } from '../src/index.js';
import { HrTimer, CLOCK_BASE_NS } from '../src/core/hrtimer.js';
import { TIMEOUTS } from '../src/core/timeout-state.js';

const ETIME = -62;
const ECANCELED = -125;
const ENOENT = -2;
const MS = 1_000_000;

function setup(entries = 8) {
  const k = new Kernel();
  const ring = new UserRing(k, entries);
  const mem = k.memory.mmap(4096, 'ts');
  return { k, ring, ctx: ring.ctx, mem };
}

/** A __kernel_timespec at `off` in the region. */
function ts(k: Kernel, base: number, off: number, ns: number): number {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, BigInt(Math.floor(ns / 1e9)), true);
  dv.setBigInt64(8, BigInt(ns % 1e9), true);
  k.memory.write(base + off, b);
  return base + off;
}

function byUd(cqes: Cqe[]): Record<number, Cqe> {
  return Object.fromEntries(cqes.map((c) => [c.userData, c]));
}

describe('TIMEOUT', () => {
  it('expires in virtual time: the wait ends when the timer does', () => {
    const { k, ring, mem } = setup();
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr: ts(k, mem.addr, 0, 30 * MS), len: 1, userData: 1 });
    const t0 = k.sched.now;
    ring.submitAndWait(1);
    expect(k.sched.now - t0).toBe(30 * MS);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[1, ETIME]]);
  });

  it('keeps counted timeouts sorted by the CQEs they still need, ahead of pure timers', () => {
    const { k, ring, ctx, mem } = setup();
    const addr = ts(k, mem.addr, 0, 5_000 * MS);
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr, len: 1, userData: 1 });
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr, len: 1, off: 3, userData: 2 });
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr, len: 1, off: 1, userData: 3 });
    ring.submit();
    expect(ctx.state(TIMEOUTS).list.map((r) => r.udLo)).toEqual([3, 2, 1]);
    // Three NOPs: the off=1 timeout completes after the first, the off=3 one after the third; the
    // timeouts' own CQEs do not count.
    for (let i = 0; i < 3; i++) ring.sqe({ opcode: IORING_OP.NOP, userData: 10 + i });
    ring.submitAndWait(5);
    const c = byUd(ring.reap());
    expect(c[3]!.res).toBe(0);
    expect(c[2]!.res).toBe(0);
    expect(c[1]).toBeUndefined();
    expect(ctx.state(TIMEOUTS).list.map((r) => r.udLo)).toEqual([1]);
  });

  it('an infinite multishot timeout (off 0) posts -ETIME with F_MORE until removed', () => {
    const { k, ring, mem } = setup();
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr: ts(k, mem.addr, 0, 10 * MS), len: 1, opFlags: T.MULTISHOT, userData: 1 });
    ring.submit();
    for (let i = 0; i < 4; i++) {
      ring.submitAndWait(1);
      const [c] = ring.reap();
      expect([c!.res, c!.flags]).toEqual([ETIME, 2]);
    }
    ring.sqe({ opcode: IORING_OP.TIMEOUT_REMOVE, addr: 1, userData: 2 });
    ring.submitAndWait(2);
    expect(ring.reap().map((c) => [c.userData, c.res, c.flags])).toEqual([[2, 0, 0], [1, ECANCELED, 0]]);
  });

  it('an update turns a counted timeout into a pure timer', () => {
    const { k, ring, ctx, mem } = setup();
    const long = ts(k, mem.addr, 0, 5_000 * MS);
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr: long, len: 1, off: 1, userData: 1 });
    ring.sqe({ opcode: IORING_OP.TIMEOUT_REMOVE, addr: 1, off: long, opFlags: T.UPDATE, userData: 2 });
    ring.sqe({ opcode: IORING_OP.NOP, userData: 3 });
    ring.submitAndWait(2);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[2, 0], [3, 0]]);
    expect(ctx.state(TIMEOUTS).list.map((r) => r.udLo)).toEqual([1]);
  });

  it('a closing ring kills its timeouts with -ECANCELED and is freed', () => {
    const { k, ring, ctx, mem } = setup();
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr: ts(k, mem.addr, 0, 5_000 * MS), len: 1, userData: 1 });
    ring.submit();
    ring.close();
    k.settle();
    expect(ctx.freed).toBe(true);
    expect(ctx.state(TIMEOUTS).list).toEqual([]);
  });

  it('TIMEOUT_REMOVE of a timeout that already fired finds nothing', () => {
    const { k, ring, mem } = setup();
    ring.sqe({ opcode: IORING_OP.TIMEOUT, addr: ts(k, mem.addr, 0, 1 * MS), len: 1, userData: 1 });
    ring.submitAndWait(1);
    ring.sqe({ opcode: IORING_OP.TIMEOUT_REMOVE, addr: 1, userData: 2 });
    ring.submitAndWait(2);
    expect(byUd(ring.reap())[2]!.res).toBe(ENOENT);
  });
});

describe('LINK_TIMEOUT', () => {
  it('a request finishing first leaves no timer behind that could fire later', () => {
    const { k, ring, ctx, mem } = setup();
    ring.sqe({ opcode: IORING_OP.NOP, flags: IOSQE.IO_LINK, userData: 1 });
    ring.sqe({ opcode: IORING_OP.LINK_TIMEOUT, addr: ts(k, mem.addr, 0, 10 * MS), len: 1, userData: 2 });
    ring.submitAndWait(2);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[1, 0], [2, ECANCELED]]);
    expect(ctx.state(TIMEOUTS).ltList).toEqual([]);
    k.sched.runUntil(() => false, 50 * MS);
    k.settle();
    expect(ring.reap()).toEqual([]);
  });

  it('updating a linked timeout that is not armed is -ENOENT', () => {
    const { k, ring, mem } = setup();
    ring.sqe({ opcode: IORING_OP.TIMEOUT_REMOVE, addr: 5, off: ts(k, mem.addr, 0, MS), opFlags: T.UPDATE | T.LINK_TIMEOUT_UPDATE, userData: 1 });
    ring.submitAndWait(1);
    expect(ring.reap()[0]!.res).toBe(ENOENT);
  });
});

describe('HrTimer', () => {
  it('a cancelled or restarted timer does not fire at its old expiry', () => {
    const k = new Kernel();
    let fired = 0;
    const t = new HrTimer(k.sched, () => fired++);
    t.start(10, false);
    expect(t.tryToCancel()).toBe(1);
    expect(t.tryToCancel()).toBe(0);
    t.start(20, false);
    t.start(40, false);
    k.sched.runUntil(() => false, 30);
    expect(fired).toBe(0);
    k.sched.runUntil(() => false, 30);
    expect(fired).toBe(1);
    expect(t.pending).toBe(false);
  });

  it('an absolute expiry before the clock base fires at once', () => {
    const k = new Kernel();
    let at = -1;
    const t = new HrTimer(k.sched, () => (at = k.sched.now));
    t.start(CLOCK_BASE_NS - 5, true);
    k.settle();
    expect(at).toBe(0);
  });
});
