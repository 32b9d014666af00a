// The fuzzer hook: each eventfd step carries a generator (`fuzz`), and random cases built from
// them (src/fuzz-cases.ts, what scripts/fuzz.ts writes for the testbed) are valid scenarios that
// run on both model profiles without a model error, the same for the same seed.

import type { ScenarioInput } from '@uringlab/ring';
import { describe, expect, it } from 'vitest';
import { compileScenario, parseScenario, programToText, runScenario } from '@uringlab/ring/extend';
import { EVENTFD_FUZZ, EVENTFD_STEPS, extension } from '../src/index.js';
import { eventfdCase } from '../src/fuzz-cases.js';

describe('fuzz generators', () => {
  it('every generated step op is an eventfd step with a generator attached', () => {
    const withFuzz = EVENTFD_STEPS.filter((s) => (s as { fuzz?: unknown }).fuzz).map((s) => s.op);
    expect(withFuzz.sort()).toEqual(Object.keys(EVENTFD_FUZZ).sort());
  });

  it('random cases compile to runner programs and run on both profiles without a model error', () => {
    const ops = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const doc = eventfdCase(7, i);
      for (const s of doc.steps) ops.add(String(s.op));
      const program = compileScenario(parseScenario(doc, [extension]), [extension]);
      expect(() => programToText(program)).not.toThrow();
      for (const kernel of ['7.3', '6.18'] as const) {
        const errors = runScenario(doc as unknown as ScenarioInput, { kernel, extensions: [extension] }).trace.filter((e) => e.ev === 'error');
        expect(errors, `${doc.name} on ${kernel}`).toEqual([]);
      }
    }
    for (const op of ['eventfd.register', 'eventfd.unregister', 'eventfd.read', 'eventfd.write', 'eventfd.cycle']) expect(ops).toContain(op);
  });

  it('is deterministic in (seed, index)', () => {
    expect(eventfdCase(3, 5)).toEqual(eventfdCase(3, 5));
    expect(eventfdCase(3, 5)).not.toEqual(eventfdCase(3, 6));
  });
});
