// Every rsrc scenario: named after its file with the package prefix, compiles to runner
// primitives only, runs on both profiles without a model error, and (where a kernel trace was
// recorded by the testbed) matches the kernel exactly.

import { describe, expect, it } from 'vitest';
import { compileScenario, diffTraces, parseScenario, programToText, type KernelId } from '@uringlab/ring/extend';
import { extension } from '../src/index.js';
import { kernelTrace, loadScenario, scenarioNames, traceOf } from './helpers.js';

const names = scenarioNames();

describe('rsrc scenarios', () => {
  it('there are at least 40, all named rsrc-*', () => {
    expect(names.length).toBeGreaterThanOrEqual(40);
    for (const n of names) expect(n).toMatch(/^rsrc-/);
  });

  for (const name of names) {
    const doc = loadScenario(name) as { name: string; kernels?: KernelId[] };
    it(`${name}: is named after its file and compiles to runner primitives only`, () => {
      expect(doc.name).toBe(name);
      const program = compileScenario(parseScenario(doc, [extension]), [extension]);
      expect(() => programToText(program)).not.toThrow();
    });
    for (const kernel of ['7.3', '6.18'] as const) {
      if (doc.kernels && !doc.kernels.includes(kernel)) continue;
      it(`${name} on ${kernel}: runs without a model error`, () => {
        expect(traceOf(name, kernel).filter((e) => e.ev === 'error')).toEqual([]);
      });
      const real = kernelTrace(name, kernel);
      if (real) {
        it(`${name} on ${kernel}: agrees with the recorded kernel trace`, () => {
          expect(diffTraces(traceOf(name, kernel), real).divergence?.explanation).toBeUndefined();
        });
      }
    }
  }

  // Huge-page scenarios run where huge pages are free: in the testbed guest (7.3), not on our hosts.
  const needsHuge = (n: string) => (loadScenario(n) as { steps: { op: string }[] }).steps.some((s) => s.op === 'rsrc.huge_region');

  it('has a recorded kernel trace on both kernels for every scenario (7.3 only for huge pages)', () => {
    const missing = names.flatMap((n) => (['7.3', '6.18'] as const).filter((k) => !(k === '6.18' && needsHuge(n)) && !kernelTrace(n, k)).map((k) => `${n} (${k})`));
    expect(missing).toEqual([]);
  });
});
