// Copies the kernel traces of the eventfd scenarios out of testbed runs (results.jsonl and
// summary.json in testbed/out/vm, written by `pnpm testbed`, and testbed/out/native, by
// `pnpm testbed --native`) into test/kernel-traces/<profile>/, where the unit tests compare the
// model with them. Usage (default: both folders, each that exists):
//   tsx --conditions=@uringlab/source scripts/import-testbed.ts [REPORT_DIR]...

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { toJsonl, type TraceEvent } from '@uringlab/ring/extend';

const outRoot = new URL('../../../testbed/out/', import.meta.url).pathname;
const dirs = process.argv.length > 2
  ? process.argv.slice(2).map((d) => resolve(d))
  : ['vm', 'native'].map((m) => join(outRoot, m)).filter((d) => existsSync(join(d, 'summary.json')));
if (!dirs.length) throw new Error(`no testbed report in ${outRoot}vm or ${outRoot}native: run pnpm testbed (and --native) first`);
for (const dir of dirs) importRun(dir);

function importRun(dir: string): void {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { profile: string; kernel: string };
  const out = new URL(`../test/kernel-traces/${summary.profile}/`, import.meta.url);
  mkdirSync(out, { recursive: true });
  let n = 0;
  for (const line of readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { name: string; source: string; verdict: string; kernel?: TraceEvent[] };
    if (r.source !== '@uringlab/eventfd-rcu' || !r.kernel) continue;
    writeFileSync(new URL(`${r.name}.jsonl`, out), toJsonl(r.kernel));
    n++;
  }
  console.log(`${n} kernel traces from ${summary.kernel} (profile ${summary.profile}) written to ${out.pathname}`);
}

