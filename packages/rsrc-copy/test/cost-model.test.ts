import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COST_PROFILES, GIB, KIB, MIB, PAGE_SIZE, SEED_FIGURES, cloneCost, poolShape, registerCost, reproduceSeed, sweepPools,
  type CostProfileId,
} from '../src/index.js';

const PROFILES = Object.keys(COST_PROFILES) as CostProfileId[];

describe('poolShape', () => {
  it('counts base pages as folios and charges them page by page', () => {
    expect(poolShape({ poolBytes: 64 * MIB, bufferBytes: MIB, pageBytes: PAGE_SIZE })).toEqual({
      buffers: 64, pages: 16384, folios: 16384, acctScans: 0, chargedBytes: 64 * MIB,
    });
  });

  it('coalesces huge pages to one entry a folio and scans the heads before each (6.18)', () => {
    // One 512 MiB buffer in 2 MiB pages: 256 folios, entry i scans i entries.
    expect(poolShape({ poolBytes: 512 * MIB, bufferBytes: 512 * MIB, pageBytes: 2 * MIB })).toEqual({
      buffers: 1, pages: 131072, folios: 256, acctScans: (256 * 255) / 2, chargedBytes: 512 * MIB,
    });
  });

  it('charges a huge page shared by consecutive buffers once (last_hpage)', () => {
    const s = poolShape({ poolBytes: 8 * MIB, bufferBytes: MIB, pageBytes: 2 * MIB });
    expect(s).toMatchObject({ buffers: 8, pages: 2048, folios: 8, chargedBytes: 8 * MIB });
  });

  it('charges a partly used huge page whole', () => {
    const s = poolShape({ poolBytes: 3 * MIB, bufferBytes: 3 * MIB, pageBytes: 2 * MIB });
    expect(s).toMatchObject({ buffers: 1, pages: 768, folios: 2, chargedBytes: 4 * MIB });
  });

  it('gives a short last buffer its own shape', () => {
    const s = poolShape({ poolBytes: 10 * KIB, bufferBytes: 4 * KIB, pageBytes: PAGE_SIZE });
    expect(s).toMatchObject({ buffers: 3, pages: 3, folios: 3, chargedBytes: 12 * KIB });
  });

  it('gives the periodic walk the same answer as walking every buffer', () => {
    // 2 MiB buffers in 1 GiB pages use the periodic path; 3 MiB buffers the general one.
    for (const bufferBytes of [MIB, 2 * MIB, 3 * MIB, 4 * MIB]) {
      const whole = poolShape({ poolBytes: 96 * MIB, bufferBytes, pageBytes: 16 * MIB });
      let pages = 0, folios = 0;
      for (let start = 0; start < 96 * MIB; start += bufferBytes) {
        const end = Math.min(start + bufferBytes, 96 * MIB) - 1;
        pages += Math.floor(end / PAGE_SIZE) - Math.floor(start / PAGE_SIZE) + 1;
        folios += Math.floor(end / (16 * MIB)) - Math.floor(start / (16 * MIB)) + 1;
      }
      expect({ pages: whole.pages, folios: whole.folios, charged: whole.chargedBytes }).toEqual({ pages, folios, charged: 96 * MIB });
    }
  });
});

describe('cost model monotonicity', () => {
  const pow2 = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((k) => 2 ** k);

  it('registration costs more for a larger pool, clone never less', () => {
    fc.assert(fc.property(fc.constantFrom(...PROFILES), pow2(12, 30), pow2(12, 30), fc.integer({ min: 1, max: 64 }), (id, page, buf, n) => {
      const p = COST_PROFILES[id];
      const a = { poolBytes: n * buf, bufferBytes: buf, pageBytes: page };
      const b = { ...a, poolBytes: (n + 1) * buf };
      expect(registerCost(b, p).ns).toBeGreaterThan(registerCost(a, p).ns);
      expect(cloneCost(b, p).ns).toBeGreaterThan(cloneCost(a, p).ns);
    }));
  });

  it('clone time depends on the buffer count only, not on the bytes or the page size', () => {
    fc.assert(fc.property(fc.constantFrom(...PROFILES), pow2(12, 30), pow2(12, 30), fc.integer({ min: 1, max: 64 }), (id, page, buf, n) => {
      const p = COST_PROFILES[id];
      expect(cloneCost({ poolBytes: n * buf, bufferBytes: buf, pageBytes: page }, p).ns)
        .toBe(cloneCost({ poolBytes: n * PAGE_SIZE, bufferBytes: PAGE_SIZE, pageBytes: PAGE_SIZE }, p).ns);
    }));
  });

  it('in the seed layout the ratio grows with the pool for every page size, and from 2 MiB to 1 GiB pages', () => {
    for (const id of PROFILES) {
      const series = sweepPools(id, 64 * MIB, 1024 * GIB);
      for (const s of series) {
        expect(s.points.length).toBeGreaterThan(3);
        for (let i = 1; i < s.points.length; i++) expect(s.points[i]!.ratio).toBeGreaterThan(s.points[i - 1]!.ratio);
      }
      // One buffer per page: a clone's work is per buffer, a registration's per 4 KiB page, so
      // larger pages (fewer buffers for the same bytes) widen the gap.
      const huge = series.find((x) => x.pageBytes === 2 * MIB)!, giant = series.find((x) => x.pageBytes === GIB)!;
      for (const q of giant.points) expect(q.ratio).toBeGreaterThan(huge.points.find((h) => h.poolBytes === q.poolBytes)!.ratio);
      // 4 KiB pages pay per-folio work for every page: registering costs more per byte than with huge pages.
      const at = (page: number) => series.find((x) => x.pageBytes === page)!.points.find((q) => q.poolBytes === 64 * GIB)!;
      expect(at(PAGE_SIZE).registerNs).toBeGreaterThan(at(2 * MIB).registerNs);
    }
  });
});

describe('the seed reproduction', () => {
  it('seed profile: 900 buffers in 738 ms and 17 µs are its inputs; 500 buffers and the ratio follow', () => {
    const r = reproduceSeed('seed');
    // Inputs: 738 ms / (900 × 262,144 pages) and (17 µs − 1 µs) / 900.
    expect(r.register900Ms).toBeCloseTo(SEED_FIGURES.register900Ms, -1);
    expect(r.clone900Us).toBeCloseTo(SEED_FIGURES.clone900Us, 5);
    // Prediction: linear scaling gives the seed's other figure within 1%.
    expect(Math.abs(r.register500Ms - SEED_FIGURES.register500Ms) / SEED_FIGURES.register500Ms).toBeLessThan(0.01);
    expect(r.ratio900).toBeGreaterThan(SEED_FIGURES.speedup[0]);
  });

  it('native profile (measured on 6.18 with 2 MiB THP): 900 × 1 GiB registration within 10% of 738 ms', () => {
    // Inputs: perPage, perBuffer and perFolio fitted to the native timing run; nothing from the seed.
    const r = reproduceSeed('native-6.18');
    expect(Math.abs(r.register900Ms - SEED_FIGURES.register900Ms) / SEED_FIGURES.register900Ms).toBeLessThan(0.1);
    expect(Math.abs(r.register500Ms - SEED_FIGURES.register500Ms) / SEED_FIGURES.register500Ms).toBeLessThan(0.1);
    // Cloning is orders of magnitude cheaper, though this machine's clone is slower than the seed's.
    expect(r.ratio900).toBeGreaterThan(5_000);
    expect(r.restsOn.join('\n')).toMatch(/perPage 3\.\d+ ns \(measured\)/);
  });

  it('every profile says where each of its constants comes from', () => {
    for (const id of PROFILES) {
      const p = COST_PROFILES[id];
      for (const k of ['registerCall', 'perBuffer', 'perPage', 'perFolio', 'acctScan', 'cloneCall', 'clonePerBuffer'] as const) {
        expect(['measured', 'seed', 'assumed']).toContain(p[k].source);
        expect(p[k].basis.length).toBeGreaterThan(10);
        expect(p[k].ns).toBeGreaterThanOrEqual(0);
      }
    }
  });
});
