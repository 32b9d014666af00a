// When the counter moves, through the API (no scenario): per commit and not per CQE, only from
// io-wq for ASYNC, nothing while DISABLED (and the stale tail after it), the DEFER_TASKRUN
// task-work signal, signals deferred inside an eventfd wakeup and coalesced, and the two kernels'
// differences (7.3 defers a signal queued from a poll wakeup; 6.18 keeps the signal bit set).

import { describe, expect, it } from 'vitest';
import { IORING_CQ, IORING_OP, IORING_SETUP, IOSQE, RINGS, type UserRing } from '@uringlab/ring/extend';
import { statsOf } from '../src/index.js';
import { Bench, EFD_NONBLOCK } from './helpers.js';

const DEFER = IORING_SETUP.SINGLE_ISSUER | IORING_SETUP.DEFER_TASKRUN;

function setDisabled(ring: UserRing, on: boolean): void {
  ring.ctx.u32[RINGS.cq_flags >> 2] = on ? IORING_CQ.EVENTFD_DISABLED : 0;
}

/** A READ of `len` bytes on fd armed on `ring` (the file is empty), into a fresh buffer. */
function armRead(b: Bench, ring: UserRing, fd: number, ud: number, len = 8): number {
  const buf = b.kernel.memory.mmap(4096, 'buf');
  ring.sqe({ opcode: IORING_OP.READ, fd, addr: buf.addr, len, userData: ud });
  ring.submit();
  return buf.addr;
}

describe('the CQE path (io_commit_cqring_flush)', () => {
  it('signals once per commit that moved the tail, not once per CQE', () => {
    const b = new Bench();
    const r = b.ring();
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    expect(b.register(r, e)).toBe(0);
    b.nops(r, 8);
    expect(b.take(e)).toBe(1n);
    for (let i = 0; i < 3; i++) b.nops(r, 1);
    expect(b.take(e)).toBe(3n);
    r.reap();
  });

  it('does not signal a commit of skipped CQEs, except the first after DISABLED (the stale tail)', () => {
    const b = new Bench();
    const r = b.ring();
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    b.register(r, e);
    b.nops(r, 2, IOSQE.CQE_SKIP_SUCCESS);
    expect(b.take(e)).toBe(0n);
    setDisabled(r, true);
    b.nops(r, 3);
    expect(b.take(e)).toBe(0n);
    r.reap();
    setDisabled(r, false);
    b.nops(r, 2, IOSQE.CQE_SKIP_SUCCESS);
    expect(b.take(e)).toBe(1n); // last_cq_tail was not updated while disabled
    b.nops(r, 2, IOSQE.CQE_SKIP_SUCCESS);
    expect(b.take(e)).toBe(0n);
  });

  it('ASYNC signals only for commits made on an io-wq worker', () => {
    const b = new Bench();
    const r = b.ring();
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    b.register(r, e, true);
    b.nops(r, 4);
    expect(b.take(e)).toBe(0n);
    b.asyncNop(r, 1);
    b.asyncNop(r, 2);
    expect(b.take(e)).toBe(2n);
  });
});

describe('the task-work path (DEFER_TASKRUN)', () => {
  for (const profile of ['7.3', '6.18'] as const) {
    it(`${profile}: the first task work signals before any CQE, the commit signals again`, () => {
      const b = new Bench({ profile });
      const r = b.ring(8, DEFER);
      const e = b.kernel.eventfd(0, EFD_NONBLOCK);
      b.register(r, e);
      const [pr, pw] = b.kernel.pipe();
      armRead(b, r, pr, 1);
      b.kernel.write(pw, new Uint8Array(8));
      // 7.3: queued from the poll wakeup (IOU_F_TWQ_IN_WAKE), so deferred by a grace period.
      if (profile === '7.3') {
        expect(b.take(e)).toBe(0n);
        expect(b.kernel.sched.runUntil(() => b.kernel.fget(e)!.readable(), 50e6)).toBe(b.kernel.sched.gracePeriodNs);
      }
      expect(b.take(e)).toBe(1n);
      expect(r.ctx.cqTail).toBe(0);
      r.submitAndWait(1);
      expect(r.reap().map((c) => c.res)).toEqual([8]);
      expect(b.take(e)).toBe(1n);
    });
  }

  it('only the push onto an empty local list signals', () => {
    const b = new Bench({ profile: '6.18' });
    const r = b.ring(8, DEFER);
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    b.register(r, e);
    const p1 = b.kernel.pipe();
    const p2 = b.kernel.pipe();
    armRead(b, r, p1[0], 1);
    armRead(b, r, p2[0], 2);
    b.kernel.write(p1[1], new Uint8Array(8));
    b.kernel.write(p2[1], new Uint8Array(8));
    expect(b.take(e)).toBe(1n);
    r.submitAndWait(2);
    expect(r.reap()).toHaveLength(2);
    expect(b.take(e)).toBe(1n);
  });
});

describe('deferred signals (eventfd_signal_allowed, call_rcu_hurry)', () => {
  /** Ring a (plain, eventfd ea) and ring b (DEFER_TASKRUN, eventfd eb) with a READ of ea armed on b. */
  function chained(profile: '7.3' | '6.18') {
    const b = new Bench({ profile });
    const a = b.ring();
    const rb = b.ring(8, DEFER);
    const ea = b.kernel.eventfd(0, EFD_NONBLOCK);
    const eb = b.kernel.eventfd(0, EFD_NONBLOCK);
    b.register(a, ea);
    b.register(rb, eb);
    return { b, a, rb, ea, eb };
  }

  it('a signal due inside another eventfd wakeup waits a grace period, then arrives', () => {
    const { b, a, rb, ea, eb } = chained('7.3');
    armRead(b, rb, ea, 1);
    b.nops(a, 1);
    expect(b.take(eb)).toBe(0n);
    expect(statsOf(b.kernel).deferred).toBe(1);
    const t = b.kernel.sched.runUntil(() => b.kernel.fget(eb)!.readable());
    expect(t).toBe(b.kernel.sched.gracePeriodNs);
    expect(b.take(eb)).toBe(1n);
  });

  it('coalesces: while one deferred signal is queued, another is dropped', () => {
    const { b, a, rb, ea, eb } = chained('7.3');
    armRead(b, rb, ea, 1);
    b.nops(a, 1); // deferred #1
    rb.submitAndWait(1); // runs the task work: the READ completes, its commit signals eb directly
    rb.reap();
    expect(b.take(eb)).toBe(1n);
    armRead(b, rb, ea, 2);
    b.nops(a, 1); // deferred #2, inside the same grace period
    expect(statsOf(b.kernel).coalesced).toBe(1);
    b.kernel.sched.runUntil(() => b.kernel.sched.pendingRcuCallbacks === 0);
    expect(b.take(eb)).toBe(1n); // one increment for both
  });

  for (const [profile, second] of [['7.3', 1n], ['6.18', 0n]] as const) {
    it(`${profile}: a later deferred signal of the same registration ${second ? 'arrives' : 'is dropped (the bit stays set)'}`, () => {
      const { b, a, rb, ea, eb } = chained(profile);
      armRead(b, rb, ea, 1);
      b.nops(a, 1);
      b.kernel.sched.runUntil(() => b.kernel.sched.pendingRcuCallbacks === 0);
      expect(b.take(eb)).toBe(1n);
      rb.submitAndWait(1);
      rb.reap();
      expect(b.take(eb)).toBe(1n);
      armRead(b, rb, ea, 2);
      b.nops(a, 1);
      b.kernel.sched.runUntil(() => b.kernel.sched.pendingRcuCallbacks === 0);
      expect(b.take(eb)).toBe(second);
    });
  }
});

describe('the eventfd object', () => {
  it('saturates io_uring signals at ULLONG_MAX and refuses writes that would reach it', () => {
    const b = new Bench();
    const r = b.ring();
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    const u64 = (v: bigint) => {
      const x = new Uint8Array(8);
      new DataView(x.buffer).setBigUint64(0, v, true);
      return x;
    };
    expect(b.kernel.write(e, u64(2n ** 64n - 2n))).toBe(8);
    expect(b.kernel.write(e, u64(1n))).toBe(-11);
    expect(b.kernel.write(e, u64(2n ** 64n - 1n))).toBe(-22);
    expect(b.kernel.write(e, new Uint8Array(16))).toBe(-22);
    b.register(r, e);
    b.nops(r, 1);
    b.nops(r, 1);
    expect(b.take(e)).toBe(2n ** 64n - 1n);
  });

  it('rejects unknown eventfd() flags', () => {
    const b = new Bench();
    expect(b.kernel.eventfd(0, 2)).toBe(-22);
  });
});
