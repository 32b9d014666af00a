import { describe, expect, it } from 'vitest';
import { Costs, DEFAULT_COST_MODEL, PerCpu, Rng, Scheduler, counter } from '../src/extend.js';

describe('scheduler', () => {
  it('is deterministic for a seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
  });

  it('runs timers in deadline order in virtual time', () => {
    const s = new Scheduler();
    const got: string[] = [];
    s.after(200, () => got.push('b'));
    s.after(100, () => got.push('a'));
    s.after(200, () => got.push('c'));
    while (s.advance()) { /* run all */ }
    expect(got).toEqual(['a', 'b', 'c']);
    expect(s.now).toBe(200);
  });

  it('gives each CPU its own per-CPU slot', () => {
    const s = new Scheduler({ nrCpus: 4 });
    const pc = new PerCpu(s, () => ({ n: 0 }));
    pc.this_cpu.n++;
    s.onCpu(3, () => pc.this_cpu.n += 10);
    expect(pc.all().map((x) => x.n)).toEqual([1, 0, 0, 10]);
    expect(pc.on(3).n).toBe(10);
    expect(() => pc.on(4)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});

describe('cost counters', () => {
  it('count by kind and site and turn counts into time with a cost model', () => {
    const c = new Costs();
    c.add(counter('alloc', 'kmalloc:test'), 3);
    c.add(counter('lock', 'uring_lock'));
    expect(c.get('alloc', 'kmalloc:test')).toBe(3);
    expect(c.total('alloc')).toBe(3);
    expect(c.snapshot()).toEqual({ 'alloc:kmalloc:test': 3, 'lock:uring_lock': 1 });
    expect(c.estimateNs(DEFAULT_COST_MODEL)).toBe(3 * 40 + 20);
  });
});
