// Replacing the core's READ and RECV must not change anything the core's own scenarios pin.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffTraces, runScenario, type ScenarioInput } from '@uringlab/ring/extend';
import { extension } from '../src/index.js';

const DIR = new URL('../../ring/scenarios/', import.meta.url);

describe('core scenarios with the kbuf extension loaded', () => {
  for (const f of readdirSync(DIR).filter((x) => x.endsWith('.json')).sort()) {
    it(`${f.slice(0, -5)}: same trace as the core alone`, () => {
      const doc = JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as ScenarioInput;
      for (const kernel of ['7.3', '6.18'] as const) {
        const d = diffTraces(runScenario(doc, { kernel }).trace, runScenario(doc, { kernel, extensions: [extension] }).trace);
        expect(d.divergence?.explanation).toBeUndefined();
      }
    });
  }
});
