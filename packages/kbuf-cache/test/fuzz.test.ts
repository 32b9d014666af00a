import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileScenario, fuzzGenerators, generateTemplates, parseScenario, realise, totalWeight } from '@uringlab/ring';
import { extension } from '../src/index.js';

const exts = [extension];
const W = totalWeight(fuzzGenerators(exts));

describe('kbuf step generators', () => {
  it('join the core generators through StepDef.fuzz', () => {
    const names = fuzzGenerators(exts).map((g) => g.name);
    for (const op of ['kbuf.provide', 'kbuf.remove', 'kbuf.register', 'kbuf.add', 'kbuf.recv', 'kbuf.read', 'kbuf.status', 'kbuf.unregister']) {
      expect(names).toContain(op);
    }
  });

  it('make scenarios that parse and compile with the kbuf extension (property over seeds)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.nat(5000), (seed, i) => {
        const r = realise(generateTemplates(seed, i, W), { name: `k-${seed}-${i}`, profile: '7.3', extensions: exts });
        expect(r.rejected).toEqual([]);
        expect(r.modelFailed).toBeUndefined();
        compileScenario(parseScenario(r.doc, exts), exts);
        for (const s of r.doc.steps) seen.add(String(s.op));
      }),
      { numRuns: 150 },
    );
    // Buffer rings get registered and filled, and selections read from them.
    for (const op of ['kbuf.register', 'kbuf.add', 'kbuf.provide', 'kbuf.recv']) expect(seen).toContain(op);
  });
});
