// A package's shipped scenarios (scenarios/*.json) and the kernel traces the testbed recorded for
// them (test/kernel-traces/<profile>/<name>.jsonl, copied there by importTraces()).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fromJsonl, runScenario, type Extension, type KernelId, type ScenarioInput, type TraceEvent } from '@uringlab/ring/extend';

export interface ScenarioFiles {
  /** The package's scenarios/ folder. */
  readonly dir: URL;
  /** The scenario names (file names without .json), sorted. */
  names(): string[];
  load(name: string): ScenarioInput;
  /** The model's trace of a scenario, with the package's extensions unless others are given. */
  traceOf(name: string, kernel?: KernelId, extensions?: readonly Extension[]): TraceEvent[];
  /** The recorded kernel trace, or undefined when none was recorded for that kernel. */
  kernelTrace(name: string, kernel: KernelId): TraceEvent[] | undefined;
}

/** The scenario files of the package rooted at `packageRoot` (a URL ending in /), run with `extensions`. */
export function scenarioFiles(packageRoot: URL, extensions: readonly Extension[]): ScenarioFiles {
  const dir = new URL('scenarios/', packageRoot);
  const traces = new URL('test/kernel-traces/', packageRoot);
  const load = (name: string) => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as ScenarioInput;
  return {
    dir,
    names: () => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort(),
    load,
    traceOf: (name, kernel = '7.3', exts = extensions) => runScenario(load(name), { kernel, extensions: [...exts] }).trace,
    kernelTrace(name, kernel) {
      const f = new URL(`${kernel}/${name}.jsonl`, traces);
      return existsSync(f) ? fromJsonl(readFileSync(f, 'utf8')) : undefined;
    },
  };
}
