import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CORE_FUZZ, Choices, EXCLUSIONS, Shrinker, avoids, caseSeed, compileScenario, decodeRecords, diffTraces, fuzzGenerators,
  generateTemplates, generatorOf, parseScenario, realise, runOnModel, totalWeight, type FuzzTemplate,
} from '../src/index.js';
import { plantedFadvise as planted, truthfulFadvise as truthful } from '../src/testing.js';

const W = totalWeight(CORE_FUZZ);
const opts = (name: string) => ({ name, profile: '7.3' as const, extensions: [] });

describe('fuzz generation', () => {
  it('is deterministic per seed and case index, and differs between seeds', () => {
    expect(generateTemplates(7, 3, W)).toEqual(generateTemplates(7, 3, W));
    expect(generateTemplates(7, 3, W)).not.toEqual(generateTemplates(8, 3, W));
    expect(caseSeed(7, 3)).toBe(caseSeed(7, 3));
    const a = realise(generateTemplates(7, 3, W), opts('x'));
    const b = realise(generateTemplates(7, 3, W), opts('x'));
    expect(a.doc).toEqual(b.doc);
  });

  it('reads choices by position, 0 once they run out, simplest option first', () => {
    const c = new Choices([5, 0]);
    expect(c.int(3)).toBe(2);
    expect(c.pick(['a', 'b'])).toBe('a');
    expect(c.int(10)).toBe(0);
    expect(c.rare(4)).toBe(false);
  });

  it('starts every case with a setup and selects generators by weight', () => {
    expect(generatorOf(CORE_FUZZ, 0).name).toBe('setup');
    expect(generateTemplates(1, 0, W)[0]!.g).toBe(0);
    const names = new Set(Array.from({ length: W }, (_, g) => generatorOf(CORE_FUZZ, g).name));
    expect(names).toEqual(new Set(CORE_FUZZ.map((g) => g.name)));
  });

  it('every generated scenario parses and compiles (property over seeds and cases)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.nat(5000), fc.constantFrom<'7.3' | '6.18'>('7.3', '6.18'), (seed, i, profile) => {
        const r = realise(generateTemplates(seed, i, W), { name: `fuzz-${seed}-${i}`, profile, extensions: [] });
        expect(r.rejected).toEqual([]);
        expect(r.modelFailed).toBeUndefined();
        const sc = parseScenario(r.doc);
        const p = compileScenario(sc);
        expect(p.ops.length).toBeGreaterThan(0);
        expect(r.origin).toHaveLength(r.doc.steps.length);
      }),
      { numRuns: 150 },
    );
  });

  it('any sub-array of a case, and any choice set to 0, still realises to a valid scenario', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }), (i, keep) => {
        const t = generateTemplates(99, i, W).filter((_, k) => keep[k] !== false).map((x, k) => ({ g: x.g, c: x.c.map((v, j) => ((j + k) % 3 === 0 ? 0 : v)) }));
        const r = realise(t, opts('sub'));
        expect(r.rejected).toEqual([]);
        compileScenario(parseScenario(r.doc));
      }),
      { numRuns: 100 },
    );
  });

  it('never makes a wait the model finds blocking until the watchdog', () => {
    let timed = 0;
    for (let i = 0; i < 150; i++) {
      const r = realise(generateTemplates(5, i, W), opts(`w${i}`));
      const p = compileScenario(parseScenario(r.doc));
      // The model answers a wait it cannot end with -EINTR, as the runner's watchdog would.
      const trace = decodeRecords(p, runOnModel(p));
      expect(trace.filter((e) => e.ev === 'enter' && e.errno === 'EINTR')).toEqual([]);
      timed += trace.filter((e) => e.ev === 'enter' && e.errno === 'ETIME').length;
    }
    expect(timed).toBeGreaterThan(0);
  });

  it('lists every exclusion it applies, each with a reason', () => {
    for (const e of EXCLUSIONS) {
      expect(e.why.length).toBeGreaterThan(20);
      expect(avoids(e.id)).toBe(true);
    }
  });
});

/** Whether `templates` realise to a case where the planted model and the truthful one disagree. */
function diverges(templates: readonly FuzzTemplate[]): boolean {
  const r = realise(templates, { name: 'p', profile: '7.3', extensions: [planted] });
  const p = compileScenario(parseScenario(r.doc, [planted]), [planted]);
  const kernel = decodeRecords(p, runOnModel(p, { extensions: [truthful] }));
  const model = decodeRecords(p, runOnModel(p, { extensions: [planted] }));
  return !diffTraces(model, kernel).agree;
}

describe('fuzz shrinking', () => {
  it('brings a planted divergence down to a minimal case', () => {
    const w = totalWeight(fuzzGenerators([planted]));
    let found: FuzzTemplate[] | undefined;
    for (let i = 0; i < 300 && !found; i++) {
      const t = generateTemplates(11, i, w);
      if (t.length >= 8 && diverges(t)) found = t;
    }
    expect(found).toBeDefined();
    const s = new Shrinker(found!);
    while (!s.done) {
      const cands = s.candidates();
      if (!cands.length) break;
      s.accept(cands.map(diverges));
    }
    expect(diverges(s.current)).toBe(true);
    // 1-minimal: dropping any one template loses the divergence.
    for (let k = 0; k < s.current.length; k++) expect(diverges(s.current.filter((_, j) => j !== k))).toBe(false);
    const doc = realise(s.current, { name: 'p', profile: '7.3', extensions: [planted] }).doc;
    const ops = doc.steps.map((x) => x.op);
    expect(ops.filter((o) => o === 'plant.fadvise')).toHaveLength(1);
    // The ring may come from template 0 or from a generator that makes one when there is none.
    expect(ops.filter((o) => o === 'setup')).toHaveLength(1);
    expect(ops).toContain('pipe');
    expect(doc.steps.length).toBeLessThanOrEqual(8);
    expect(s.current.length).toBeLessThan(found!.length);
  });

  it('batches every candidate of a round and stops when a round changes nothing', () => {
    const t = generateTemplates(3, 1, W);
    const s = new Shrinker(t, { maxBatch: 4 });
    const c = s.candidates();
    expect(c.length).toBeGreaterThan(0);
    expect(c.length).toBeLessThanOrEqual(4);
    let rounds = 0;
    while (!s.done && rounds < 200) {
      const cands = s.candidates();
      if (!cands.length) break;
      s.accept(cands.map(() => false));
      rounds++;
    }
    expect(s.done).toBe(true);
    expect(s.current).toEqual(t);
  });
});
