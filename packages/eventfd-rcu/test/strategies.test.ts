// The two designs as strategies: what register/unregister wait for under a load of requests in
// flight, the seed's figure from the stated cost model, and that the designs differ in time only,
// never in what the application sees.

import { describe, expect, it } from 'vitest';
import { IORING_OP, TIME_CONSTANTS } from '@uringlab/ring/extend';
import { eventfdExtension, quiesceWaitNs, statsOf } from '../src/index.js';
import { SEED_LOAD, quiesceReportOf, registerUnderLoad, signalCostPerCommit, type Load } from '../bench/workload.js';
import { Bench, EFD_NONBLOCK } from './helpers.js';

const GP = TIME_CONSTANTS.rcu_grace_period_ns.ns;

describe('the seed figure', () => {
  it('about 15 ms with quiesce, under 1 ms with RCU, at the stated load', () => {
    const q = registerUnderLoad('quiesce', SEED_LOAD);
    const r = registerUnderLoad('rcu', SEED_LOAD);
    expect(q.register.ns).toBeGreaterThan(14e6);
    expect(q.register.ns).toBeLessThan(16e6);
    expect(r.register.ns).toBeLessThan(1e6);
    expect(r.register.waitedNs).toBe(0);
    expect(r.unregister.waitedNs).toBe(0);
    expect([q.register.res, q.unregister.res, r.register.res, r.unregister.res]).toEqual([0, 0, 0, 0]);
  });
});

describe('quiesce', () => {
  const cases: [Load, number][] = [
    [{ inflight: 0, latencyNs: 0, spread: 'fixed' }, GP],
    [{ inflight: 4, latencyNs: 1_000_000, spread: 'fixed' }, GP],
    [{ inflight: 64, latencyNs: 1_000_000, spread: 'uniform' }, GP],
    [{ inflight: 4, latencyNs: 20_000_000, spread: 'fixed' }, 20_000_000],
    [{ inflight: 64, latencyNs: 30_000_000, spread: 'uniform' }, 30_000_000],
  ];
  for (const [load, wait] of cases) {
    it(`waits ${wait / 1e6} ms with ${load.inflight} in flight (${load.latencyNs / 1e6} ms, ${load.spread}): max(grace period, slowest request)`, () => {
      const q = registerUnderLoad('quiesce', load);
      expect(q.register.waitedNs).toBe(wait);
      expect(q.unregister.waitedNs).toBe(wait);
      expect(quiesceWaitNs({ inflight: load.inflight, maxRemainingNs: load.latencyNs })).toBe(wait);
      expect(quiesceReportOf('quiesce', load)).toMatchObject({ waitedNs: wait, inflightAtStart: load.inflight, interrupted: false });
    });
  }

  it('grows with the requests in flight through its wake-ups, and the designs see the same CQEs', () => {
    const few = registerUnderLoad('quiesce', { inflight: 4, latencyNs: 10_000_000, spread: 'uniform' });
    const many = registerUnderLoad('quiesce', { inflight: 64, latencyNs: 10_000_000, spread: 'uniform' });
    expect(many.register.ns).toBeGreaterThan(few.register.ns);
    const load: Load = { inflight: 32, latencyNs: 5_000_000, spread: 'uniform' };
    expect(registerUnderLoad('quiesce', load).cqes).toBe(registerUnderLoad('rcu', load).cqes);
  });

  it('never returns while a request waits for data that never comes: the sleep is interrupted (EINTR)', () => {
    for (const strategy of ['quiesce', 'rcu'] as const) {
      const b = new Bench({ strategy });
      const r = b.ring();
      const e = b.kernel.eventfd(0, EFD_NONBLOCK);
      const [pr] = b.kernel.pipe();
      const buf = b.kernel.memory.mmap(4096, 'buf');
      r.sqe({ opcode: IORING_OP.READ, fd: pr, addr: buf.addr, len: 8, userData: 1 });
      r.submit();
      const t0 = b.kernel.sched.now;
      const ret = b.register(r, e);
      if (strategy === 'quiesce') {
        expect(ret).toBe(-4);
        expect(b.kernel.sched.now - t0).toBe(1e9);
      } else {
        expect(ret).toBe(0);
        expect(b.kernel.sched.now).toBe(t0);
      }
    }
  });

  it('a quiesced unregister frees at once; RCU frees after a grace period', () => {
    for (const strategy of ['quiesce', 'rcu'] as const) {
      const b = new Bench({ strategy });
      const r = b.ring();
      const e = b.kernel.eventfd(0, EFD_NONBLOCK);
      b.register(r, e);
      b.unregister(r);
      expect(statsOf(b.kernel).freed).toBe(strategy === 'quiesce' ? 1 : 0);
      b.kernel.sched.runUntil(() => b.kernel.sched.pendingRcuCallbacks === 0);
      expect(statsOf(b.kernel).freed).toBe(1);
    }
  });
});

describe('the signal per commit', () => {
  it('adds its counted work to each commit batch, whatever the batch size, once per batch', () => {
    const one = signalCostPerCommit(50, 1);
    const eight = signalCostPerCommit(50, 8);
    expect(one.signalsPerCommit).toBe(1);
    expect(eight.signalsPerCommit).toBe(1);
    expect(one.withEventfd - one.without).toBeGreaterThan(0);
    expect(eight.withEventfd - eight.without).toBeCloseTo(one.withEventfd - one.without, 6);
  });
});

describe('options', () => {
  it('an unknown strategy is a typed error', () => {
    expect(() => eventfdExtension({ strategy: 'magic' as never })).toThrow(/EINVAL: unknown eventfd strategy magic/);
    expect(() => eventfdExtension({ strategy: '__proto__' as never })).toThrow(/unknown eventfd strategy/);
  });
});
