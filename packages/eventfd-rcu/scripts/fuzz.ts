// Differential fuzzing of the eventfd model: writes random cases (src/fuzz-cases.ts) as scenario
// files after checking that each runs on both model profiles without a model error, then says how
// to judge them against the kernels. Usage:
//   pnpm --filter @uringlab/eventfd-rcu fuzz [--cases N] [--seed S] [--length L] [--out DIR]
//   pnpm testbed --scenarios DIR --only-scenarios [--native]

import type { ScenarioInput } from '@uringlab/ring';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenario } from '@uringlab/ring/extend';
import { extension } from '../src/index.js';
import { eventfdCase } from '../src/fuzz-cases.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
    length: { type: 'string', default: '16' },
    out: { type: 'string', default: join(tmpdir(), 'uringlab-fuzz-eventfd') },
  },
});
const n = Number(values.cases);
const seed = Number(values.seed);
const length = Number(values.length);
if (![n, seed, length].every((x) => Number.isInteger(x) && x > 0)) {
  console.error('--cases, --seed and --length take positive integers');
  process.exit(2);
}
const out = resolve(values.out);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let bad = 0;
for (let i = 0; i < n; i++) {
  const doc = eventfdCase(seed, i, length);
  for (const kernel of ['7.3', '6.18'] as const) {
    const errors = runScenario(doc as unknown as ScenarioInput, { kernel, extensions: [extension] }).trace.filter((e) => e.ev === 'error');
    if (errors.length) {
      bad++;
      console.error(`${doc.name} on ${kernel}: ${JSON.stringify(errors[0])}`);
    }
  }
  writeFileSync(resolve(out, `${doc.name}.json`), JSON.stringify(doc, null, 2) + '\n');
}
console.log(`${n} cases (seed ${seed}, ${length} templates each) in ${out}${bad ? `; ${bad} model errors` : ''}`);
console.log(`judge them: pnpm testbed --scenarios ${out} --only-scenarios [--native]`);
process.exit(bad ? 1 : 0);
