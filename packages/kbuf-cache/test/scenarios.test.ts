// Every kbuf scenario: runs on both profiles without model errors, compiles to a program the C
// runner accepts, and (where a kernel trace was recorded) matches the kernel exactly.

import { describe, expect, it } from 'vitest';
import { compileScenario, diffTraces, parseScenario, programToText } from '@uringlab/ring/extend';
import { extension } from '../src/index.js';
import { kernelTrace, loadScenario, scenarioNames, traceOf, type Profile } from './helpers.js';

const names = scenarioNames();

describe('kbuf scenarios', () => {
  it('there are at least 40', () => {
    expect(names.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of names) {
    const doc = loadScenario(name) as { name: string; kernels?: Profile[] };
    it(`${name}: is named after its file and compiles to runner primitives only`, () => {
      expect(doc.name).toBe(name);
      const program = compileScenario(parseScenario(doc, [extension]), [extension]);
      expect(() => programToText(program)).not.toThrow();
    });
    for (const kernel of ['7.3', '6.18'] as const) {
      if (doc.kernels && !doc.kernels.includes(kernel)) continue;
      it(`${name} on ${kernel}: runs without a model error`, () => {
        const errors = traceOf(name, kernel).filter((e) => e.ev === 'error');
        expect(errors).toEqual([]);
      });
      const real = kernelTrace(name, kernel);
      if (real) {
        it(`${name} on ${kernel}: agrees with the recorded kernel trace`, () => {
          const d = diffTraces(traceOf(name, kernel), real);
          expect(d.divergence?.explanation).toBeUndefined();
        });
      }
    }
  }
});
