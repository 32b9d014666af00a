import { describe, expect, it } from 'vitest';
import { MIB, PAGE_SIZE, cloneCostOf, fitPrices, nnlsRelative, poolShape, registerCostOf, type CostProfile } from '../src/index.js';

describe('fitPrices', () => {
  it('recovers the prices that generated the timings', () => {
    const truth = { registerCall: 5000, perBuffer: 400, perPage: 2.5, perFolio: 80, acctScan: 1.5, cloneCall: 3000, clonePerBuffer: 40 };
    const c = (ns: number) => ({ ns, source: 'assumed' as const, basis: 'test' });
    const profile: CostProfile = {
      id: 't', kernel: '6.18', where: 'test',
      registerCall: c(truth.registerCall), perBuffer: c(truth.perBuffer), perPage: c(truth.perPage), perFolio: c(truth.perFolio),
      acctScan: c(truth.acctScan), cloneCall: c(truth.cloneCall), clonePerBuffer: c(truth.clonePerBuffer),
    };
    const shapes = [
      [16 * MIB, MIB, PAGE_SIZE], [64 * MIB, 4096, PAGE_SIZE], [512 * MIB, 16 * MIB, PAGE_SIZE], [64 * MIB, 2 * MIB, 2 * MIB],
      [512 * MIB, 512 * MIB, 2 * MIB], [512 * MIB, 32 * MIB, 2 * MIB], [16 * MIB, 4096, PAGE_SIZE],
    ].map(([poolBytes, bufferBytes, pageBytes]) => poolShape({ poolBytes: poolBytes!, bufferBytes: bufferBytes!, pageBytes: pageBytes! }));
    const f = fitPrices(shapes.map((shape) => ({ shape, registerNs: registerCostOf(shape, profile).ns, cloneNs: cloneCostOf(shape.buffers, profile).ns })), '6.18');
    for (const [k, v] of Object.entries(truth)) expect(f[k as keyof typeof f]).toBeCloseTo(v, 3);
  });

  it('keeps every price nonnegative', () => {
    // y falls as the column grows: unconstrained, the slope would be negative.
    const x = nnlsRelative([[1, 1], [1, 2], [1, 3]], [10, 9, 8]);
    expect(x[1]).toBe(0);
    expect(x[0]).toBeGreaterThan(8);
  });
});
