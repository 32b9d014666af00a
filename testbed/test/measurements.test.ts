// Timed operations are reported beside the model's prediction, by scenario and name.

import { describe, expect, it } from 'vitest';
import { collectMeasurements, formatMeasurements, formatNs } from '../src/measurements.js';
import type { ScenarioVerdict } from '../src/judge.js';

const t = (name: string, ns: number) => ({ ev: 'time' as const, name, step: 1, ns });

describe('measurements', () => {
  it('groups the kernel times of each scenario by name, with the model median beside them', () => {
    const v = {
      name: 'eventfd-cycle', source: 'x', pins: 'p', verdict: 'agree', alone: 'agree', together: 'same',
      kernel: [t('register', 3000), t('unregister', 900), t('register', 1000), t('register', 2000)],
      model: [t('register', 224), t('unregister', 188), t('register', 224), t('register', 224)],
    } as unknown as ScenarioVerdict;
    const m = collectMeasurements([v]);
    expect(m).toEqual([
      { scenario: 'eventfd-cycle', name: 'register', n: 3, kernel: { min: 1000, median: 2000, p90: 3000, max: 3000 }, model: 224 },
      { scenario: 'eventfd-cycle', name: 'unregister', n: 1, kernel: { min: 900, median: 900, p90: 900, max: 900 }, model: 188 },
    ]);
    const lines = formatMeasurements(m, '6.18 (native)');
    expect(lines[0]).toMatch(/Measured on 6.18 \(native\)/);
    expect(lines[2]).toMatch(/eventfd-cycle\s+register\s+3\s+2.0 us\s+1.0 us\s+3.0 us\s+3.0 us\s+224 ns/);
    expect(formatMeasurements([], 'x')).toEqual([]);
    expect([formatNs(15_070_000), formatNs(null)]).toEqual(['15.07 ms', '-']);
  });
});
