// Runs kbuf scenarios on this machine's kernel through the testbed's C runner and compares each
// trace with the model's for the matching profile. With --record, the kernel's traces are saved
// under test/kernel-traces/<kernel>/ so the unit tests can hold the model to them without a
// kernel. Usage (the runner is built by testbed/src/runner-build.ts):
//   tsx --conditions=@uringlab/source scripts/host-check.ts --runner PATH [--kernel 6.18] [--record] [NAME...]

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compileScenario, decodeRecords, diffTraces, parseScenario, programToText, runScenario, toJsonl, type KernelId, type ScenarioInput } from '@uringlab/ring/extend';
import { extension } from '../src/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runner: { type: 'string' }, kernel: { type: 'string', default: '6.18' }, verbose: { type: 'boolean', short: 'v' },
    record: { type: 'boolean' },
  },
});
if (!values.runner) throw new Error('--runner PATH is required (testbed/src/runner-build.ts builds it)');
const kernel = values.kernel as KernelId;
const dir = new URL('../scenarios/', import.meta.url);
const names = positionals.length ? positionals : readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();

let bad = 0;
let skipped = 0;
for (const n of names) {
  const doc = JSON.parse(readFileSync(new URL(`${n}.json`, dir), 'utf8')) as { kernels?: string[] };
  if (doc.kernels && !doc.kernels.includes(kernel)) {
    skipped++;
    continue;
  }
  const sc = parseScenario(doc, [extension]);
  const program = compileScenario(sc, [extension]);
  const out = execFileSync(values.runner, ['-'], { input: programToText(program) }).toString();
  const prefix = `@@ ${sc.name} `;
  const recs = out.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length)).filter((r) => r !== 'begin' && r !== 'end');
  const real = decodeRecords(program, recs);
  const model = runScenario(doc as ScenarioInput, { kernel, extensions: [extension] }).trace;
  if (values.record) {
    const out = new URL(`../test/kernel-traces/${kernel}/`, import.meta.url);
    mkdirSync(out, { recursive: true });
    writeFileSync(new URL(`${n}.jsonl`, out), toJsonl(real));
  }
  const d = diffTraces(model, real, sc);
  if (d.agree) {
    console.log(`ok    ${n}`);
  } else {
    bad++;
    console.log(`DIFF  ${n}: ${d.divergence!.explanation}`);
    if (values.verbose) for (const e of real) console.log(`      kernel ${JSON.stringify(e)}`);
  }
}
console.log(`${names.length - bad - skipped} agree, ${bad} differ, ${skipped} not for ${kernel}`);
process.exitCode = bad ? 1 : 0;
