// Copies the kernel traces of the rsrc scenarios (not the skipped ones) out of a testbed run (testbed/out/results.jsonl
// and summary.json, written by `pnpm testbed`) into test/kernel-traces/<profile>/, where the unit
// tests compare the model with them. Usage:
//   tsx --conditions=@uringlab/source scripts/import-testbed.ts [testbed/out]

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { toJsonl, type TraceEvent } from '@uringlab/ring/extend';

const dir = resolve(process.argv[2] ?? new URL('../../../testbed/out', import.meta.url).pathname);
const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { profile: string; kernel: string };
const out = new URL(`../test/kernel-traces/${summary.profile}/`, import.meta.url);
mkdirSync(out, { recursive: true });
let n = 0;
for (const line of readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as { name: string; source: string; verdict: string; kernel?: TraceEvent[] };
  // A skipped scenario (no huge pages on this machine) has nothing to compare with.
  if (r.source !== '@uringlab/rsrc-copy' || !r.kernel || r.verdict === 'skip') continue;
  writeFileSync(new URL(`${r.name}.jsonl`, out), toJsonl(r.kernel));
  n++;
}
console.log(`${n} kernel traces from ${summary.kernel} (profile ${summary.profile}) written to ${out.pathname}`);
