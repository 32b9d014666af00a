// RCU lifetime: a signaller sees the old registration or the new one, never a freed one; an
// unregistered io_ev_fd is freed one grace period later (or when the last deferred signal holding
// it is done); the eventfd_ctx outlives every registration of it. The property test drives random
// register/unregister/commit/deferred-signal interleavings in virtual time under both designs.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IORING_CQ, IORING_OP, IORING_SETUP, IOSQE, RINGS, isEventFd, isUringError, type UserRing } from '@uringlab/ring/extend';
import { EVFD, configOf, statsOf } from '../src/index.js';
import { Bench, EFD_NONBLOCK } from './helpers.js';

const DEFER = IORING_SETUP.SINGLE_ISSUER | IORING_SETUP.DEFER_TASKRUN;

function evfdObj(b: Bench, fd: number) {
  const f = b.kernel.fget(fd);
  if (!isEventFd(f)) throw new Error('not an eventfd');
  return f;
}

describe('lifetime', () => {
  it('unregister frees the io_ev_fd and drops its eventfd reference one grace period later', () => {
    const b = new Bench();
    const r = b.ring();
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    const obj = evfdObj(b, e);
    b.register(r, e);
    expect(obj.ctxRefs).toBe(2);
    const t0 = b.kernel.sched.now;
    expect(b.unregister(r)).toBe(0);
    expect(b.kernel.sched.now).toBe(t0); // nothing waited
    expect(obj.ctxRefs).toBe(2);
    b.kernel.sched.runUntil(() => statsOf(b.kernel).freed === 1);
    expect(b.kernel.sched.now - t0).toBe(b.kernel.sched.gracePeriodNs);
    expect(obj.ctxRefs).toBe(1);
  });

  it('a deferred signal queued before unregister still lands on the old eventfd, and frees it after', () => {
    const b = new Bench();
    const a = b.ring();
    const rb = b.ring(8, DEFER);
    const ea = b.kernel.eventfd(0, EFD_NONBLOCK);
    const eb = b.kernel.eventfd(0, EFD_NONBLOCK);
    const eb2 = b.kernel.eventfd(0, EFD_NONBLOCK);
    b.register(a, ea);
    b.register(rb, eb);
    const buf = b.kernel.memory.mmap(4096, 'buf');
    rb.sqe({ opcode: IORING_OP.READ, fd: ea, addr: buf.addr, len: 8, userData: 1 });
    rb.submit();
    b.nops(a, 1); // ea's wakeup queues rb's task work: rb's signal is deferred
    expect(statsOf(b.kernel).deferred).toBe(1);
    const old = rb.ctx.state(EVFD).ioEvFd!;
    expect(b.unregister(rb)).toBe(0);
    expect(b.register(rb, eb2)).toBe(0); // the new registration is in place at once
    expect(old.refs).toBe(1); // held by the deferred signal only
    b.kernel.sched.runUntil(() => b.kernel.sched.pendingRcuCallbacks === 0);
    expect(old.freed).toBe(true);
    expect(b.take(eb)).toBe(1n);
    expect(b.take(eb2)).toBe(0n);
    expect(evfdObj(b, eb).ctxRefs).toBe(1);
  });

  it('closing the eventfd leaves the registration working; closing the ring releases the context', () => {
    const b = new Bench();
    const r = b.ring();
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    const obj = evfdObj(b, e);
    b.register(r, e);
    expect(b.kernel.close(e)).toBe(0);
    expect(obj.ctxRefs).toBe(1);
    b.nops(r, 1);
    expect(obj.count).toBe(1n); // signalled, though nobody can read it
    r.close();
    // The ring's exit work runs from a kworker; io_ring_ctx_free() unregisters, RCU frees after.
    expect(obj.freed).toBe(false);
    expect(b.kernel.sched.runUntil(() => obj.freed)).toBeDefined();
  });

  it('a signal on a freed eventfd_ctx is a typed internal error, never a silent write', () => {
    const b = new Bench();
    const e = b.kernel.eventfd(0, EFD_NONBLOCK);
    const obj = evfdObj(b, e);
    b.kernel.close(e);
    expect(() => obj.signal()).toThrow(/INTERNAL: eventfd_signal\(\) on a freed eventfd_ctx/);
  });
});

type Op =
  | { k: 'register'; ring: number; efd: number; async: boolean }
  | { k: 'unregister'; ring: number }
  | { k: 'nops'; ring: number; n: number; skip: boolean }
  | { k: 'asyncNop'; ring: number }
  | { k: 'armRead'; ring: number; on: 'efd' | 'pipe'; efd: number }
  | { k: 'writePipe' }
  | { k: 'disable'; ring: number; on: boolean }
  | { k: 'getevents'; ring: number }
  | { k: 'time'; ms: number }
  | { k: 'take'; efd: number };

const ring = fc.integer({ min: 0, max: 1 });
const efd = fc.integer({ min: 0, max: 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  // Weighted toward what makes lifetimes overlap: registrations changing while a DEFER_TASKRUN
  // ring's READ of an eventfd turns the other ring's commits into deferred signals.
  { weight: 3, arbitrary: fc.record({ k: fc.constant('register' as const), ring, efd, async: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('unregister' as const), ring }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('nops' as const), ring, n: fc.integer({ min: 1, max: 3 }), skip: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('asyncNop' as const), ring }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('armRead' as const), ring, on: fc.constantFrom('efd' as const, 'pipe' as const), efd }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('writePipe' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('disable' as const), ring, on: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('getevents' as const), ring }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('time' as const), ms: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('take' as const), efd }) },
);

/** Runs ops on a plain ring and a DEFER_TASKRUN ring sharing two eventfds; checks the invariants. */
function play(strategy: 'rcu' | 'quiesce', profile: '7.3' | '6.18', ops: readonly Op[]): void {
  const b = new Bench({ strategy, profile });
  const rings: UserRing[] = [b.ring(16), b.ring(16, DEFER)];
  const efds = [b.kernel.eventfd(0, EFD_NONBLOCK), b.kernel.eventfd(0, EFD_NONBLOCK)];
  const objs = efds.map((fd) => evfdObj(b, fd));
  const [pr, pw] = b.kernel.pipe();
  const buf = b.kernel.memory.mmap(4096, 'buf').addr;
  const taken = [0n, 0n];
  let ud = 1;
  const inflight = () => rings.reduce((n, r) => n + r.ctx.inflight, 0);
  for (const op of ops) {
    const r = 'ring' in op ? rings[op.ring]! : undefined;
    switch (op.k) {
      case 'register': {
        const ret = b.register(r!, efds[op.efd]!, op.async);
        expect([0, -16, -4]).toContain(ret);
        break;
      }
      case 'unregister':
        expect([0, -6, -4]).toContain(b.unregister(r!));
        break;
      case 'nops':
        if (r!.sqSpace < op.n) break;
        for (let i = 0; i < op.n; i++) r!.sqe({ opcode: IORING_OP.NOP, userData: ud++, flags: op.skip ? IOSQE.CQE_SKIP_SUCCESS : 0 });
        r!.submit();
        break;
      case 'asyncNop':
        if (r!.sqSpace < 1) break;
        r!.sqe({ opcode: IORING_OP.NOP, userData: ud++, flags: IOSQE.ASYNC });
        r!.submit();
        break;
      case 'armRead':
        if (r!.sqSpace < 1 || inflight() > 6) break;
        r!.sqe({ opcode: IORING_OP.READ, fd: op.on === 'pipe' ? pr : efds[op.efd]!, addr: buf, len: 8, userData: ud++ });
        r!.submit();
        break;
      case 'writePipe':
        b.kernel.write(pw, new Uint8Array(8));
        break;
      case 'disable':
        r!.ctx.u32[RINGS.cq_flags >> 2] = op.on ? IORING_CQ.EVENTFD_DISABLED : 0;
        break;
      case 'getevents':
        r!.submitAndWait(0);
        if (r!.ctx.deferTaskrun) b.kernel.io_uring_enter(r!.fd, 0, 0, 1);
        r!.reap();
        break;
      case 'time':
        b.kernel.sched.runUntil(() => false, op.ms * 1e6);
        b.kernel.settle();
        break;
      case 'take':
        taken[op.efd]! += b.take(efds[op.efd]!);
        break;
    }
    for (const rr of rings) rr.reap();
  }
  // Let everything in flight settle: deferred signals run, frees happen.
  b.kernel.sched.runUntil(() => b.kernel.sched.pendingRcuCallbacks === 0);
  const stats = statsOf(b.kernel);
  const live = rings.filter((rr) => rr.ctx.hasState(EVFD) && rr.ctx.state(EVFD).ioEvFd).length;
  // Every io_ev_fd not registered any more was freed; none was used after (use() would have thrown).
  expect(stats.allocated - stats.freed).toBe(live);
  // Each eventfd_ctx holds its file's reference plus one per live registration of it.
  for (let i = 0; i < 2; i++) {
    const regs = rings.filter((rr) => rr.ctx.hasState(EVFD) && rr.ctx.state(EVFD).ioEvFd?.evfd === objs[i]).length;
    expect(objs[i]!.ctxRefs).toBe(1 + regs);
    // Only io_uring's signals add to the counter here: what our reads took plus what is left
    // cannot exceed them (READ SQEs on the eventfd took the difference).
    expect(taken[i]! + objs[i]!.count).toBeLessThanOrEqual(BigInt(objs[i]!.signals));
  }
  expect(stats.signals).toBe(objs[0]!.signals + objs[1]!.signals);
  expect(configOf(b.kernel).strategy.name).toBe(strategy);
}

describe('random interleavings (fast-check)', () => {
  for (const strategy of ['rcu', 'quiesce'] as const) {
    for (const profile of ['7.3', '6.18'] as const) {
      it(`${strategy} on ${profile}: no use after free, every io_ev_fd freed once unregistered, refs balanced`, () => {
        fc.assert(
          fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
            try {
              play(strategy, profile, ops);
            } catch (e) {
              if (isUringError(e) && e.code === 'INTERNAL') throw new Error(`model invariant broken: ${e.message}`);
              throw e;
            }
          }),
          { numRuns: 300, seed: 10 },
        );
      });
    }
  }
});
