// Copies one package's kernel traces out of testbed reports (results.jsonl and summary.json, in
// testbed/out/vm from `pnpm testbed` and testbed/out/native from `pnpm testbed --native`) into
// <into>/<profile>/<name>.jsonl, where scenarioSuite() compares the model with them.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toJsonl, type TraceEvent } from '@uringlab/ring/extend';

const OUT_ROOT = fileURLToPath(new URL('../../../testbed/out/', import.meta.url));

export interface ImportTracesOptions {
  /** The package whose scenarios' traces are copied (a result's `source`). */
  readonly source: string;
  /** The kernel-traces folder (a URL ending in /); one subfolder per profile. */
  readonly into: URL;
  /** Report folders; none: testbed/out/vm and testbed/out/native, each that holds a report. */
  readonly reports?: readonly string[];
  readonly log?: (line: string) => void;
}

/** Copies the traces; returns how many it wrote. */
export function importTraces(o: ImportTracesOptions): number {
  const dirs = o.reports?.length
    ? o.reports.map((d) => resolve(d))
    : ['vm', 'native'].map((m) => join(OUT_ROOT, m)).filter((d) => existsSync(join(d, 'summary.json')));
  if (!dirs.length) throw new Error(`no testbed report in ${OUT_ROOT}vm or ${OUT_ROOT}native: run pnpm testbed (and --native) first`);
  let total = 0;
  for (const dir of dirs) total += importReport(dir, o);
  return total;
}

function importReport(dir: string, o: ImportTracesOptions): number {
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { profile: string; kernel: string };
  const out = new URL(`${summary.profile}/`, o.into);
  mkdirSync(out, { recursive: true });
  let n = 0;
  for (const line of readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { name: string; source: string; verdict: string; kernel?: TraceEvent[] };
    // A skipped scenario (say, no huge pages on that machine) has nothing to compare with.
    if (r.source !== o.source || !r.kernel || r.verdict === 'skip') continue;
    writeFileSync(new URL(`${r.name}.jsonl`, out), toJsonl(r.kernel));
    n++;
  }
  (o.log ?? console.log)(`${n} kernel traces from ${summary.kernel} (profile ${summary.profile}) written to ${fileURLToPath(out)}`);
  return n;
}
