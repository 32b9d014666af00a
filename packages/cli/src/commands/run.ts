// `uringlab run TARGET...`: every scenario on the model of one kernel profile, its trace as JSONL
// (a `scenario` line first, then one event per line) or as a table. A scenario whose `kernels`
// field leaves out the profile is skipped, as the testbed skips it.

import { readFileSync } from 'node:fs';
import { isUringError, runScenario, toJsonl, type Extension, type KernelId, type ScenarioInput } from '@uringlab/ring';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseJson } from '../json.js';
import { formatTable } from '../table.js';
import type { Target } from '../targets.js';

export interface RunOptions {
  kernel: KernelId;
  format: 'jsonl' | 'table';
}

/** The line that opens each scenario's trace in JSONL output. */
export interface ScenarioLine {
  ev: 'scenario';
  name: string;
  file: string;
  kernel: KernelId;
  pins?: string;
  /** Why the scenario did not run (its `kernels` field leaves out this profile). */
  skipped?: string;
}

interface Header {
  name?: unknown;
  pins?: unknown;
  kernels?: unknown;
}

/** Why a scenario does not apply to `kernel`, or undefined when it does (the testbed's rule). */
export function kernelSkip(doc: unknown, kernel: KernelId): string | undefined {
  const k = (doc as Header | null)?.kernels;
  if (!Array.isArray(k) || k.includes(kernel)) return undefined;
  return `applies to kernel ${k.join(', ')} only`;
}

export function runTargets(targets: readonly Target[], opts: RunOptions, extensions: readonly Extension[], io: CliIo): number {
  const files = targets.flatMap((t) => t.files);
  let failed = 0;
  let skipped = 0;
  for (const file of files) {
    let doc: unknown;
    try {
      doc = parseJson(readFileSync(file, 'utf8'), file);
    } catch (e) {
      failed++;
      io.err(`${(e as Error).message}\n`);
      continue;
    }
    const h = (doc ?? {}) as Header;
    const name = typeof h.name === 'string' ? h.name : file;
    const line: ScenarioLine = { ev: 'scenario', name, file, kernel: opts.kernel, ...(typeof h.pins === 'string' ? { pins: h.pins } : {}) };
    const skip = kernelSkip(doc, opts.kernel);
    if (skip) {
      skipped++;
      io.err(`skip ${name}: ${skip}\n`);
      io.out(opts.format === 'table' ? `# ${name}: skipped, ${skip}\n` : `${JSON.stringify({ ...line, skipped: skip })}\n`);
      continue;
    }
    try {
      // JSON from a file is validated by runScenario (a typed UringError when it is not a scenario).
      const r = runScenario(doc as ScenarioInput, { kernel: opts.kernel, extensions });
      if (opts.format === 'table') io.out(`${files.length > 1 ? '\n' : ''}# ${r.scenario.name}: ${r.scenario.pins}\n${formatTable(r.trace)}`);
      else io.out(`${JSON.stringify(line)}\n${toJsonl(r.trace)}`);
      const errors = r.trace.filter((e) => e.ev === 'error');
      if (errors.length > 0) {
        failed++;
        for (const e of errors) io.err(`${file}: model error at step ${e.step}: ${e.message}\n`);
      }
    } catch (e) {
      failed++;
      io.err(`${file}: ${isUringError(e) ? e.message : `SCENARIO_INVALID: ${(e as Error).message}`}\n`);
    }
  }
  if (files.length > 1) {
    io.err(`${files.length} scenarios on ${opts.kernel}: ${files.length - failed - skipped} ran, ${skipped} skipped, ${failed} failed\n`);
  }
  return failed ? EXIT.FAILED : EXIT.OK;
}
