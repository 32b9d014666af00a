// What the user asked to run (--scenarios, --only-scenarios, --filter), checked so that a typo
// cannot select nothing and pass: an empty selection is an error, never a run with 0 scenarios.

import { resolve } from 'node:path';
import { scenarioFiles } from './scenario-files.js';

/** A selection that names nothing, or names it wrongly. main.ts prints the message alone. */
export class SelectionError extends Error {
  override readonly name = 'SelectionError';
}

/** --filter's pattern as a RegExp. */
export function parseFilter(source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new SelectionError(`--filter ${source}: not a regular expression (${(e as Error).message})`);
  }
}

/** The files every --scenarios path names, in order; each path must exist and hold a scenario. */
export function extraScenarioFiles(paths: readonly string[], onlyExtra: boolean): string[] {
  if (onlyExtra && paths.length === 0) throw new SelectionError('--only-scenarios needs at least one --scenarios PATH');
  const out: string[] = [];
  for (const p of paths) {
    const files = scenarioFiles(resolve(p));
    if (files === undefined) throw new SelectionError(`--scenarios ${p}: no such file or folder`);
    if (files.length === 0) throw new SelectionError(`--scenarios ${p}: no .json file in this folder or its subfolders`);
    out.push(...files);
  }
  return out;
}

export interface SelectionCounts {
  /** Scenarios that parsed and passed the filter. */
  selected: number;
  /** Scenarios that parsed but the filter dropped. */
  filteredOut: number;
  /** Files that failed to parse or compile, with why. */
  invalid: readonly { file: string; message: string }[];
}

/** Throws unless at least one scenario is selected, saying why none is. */
export function assertSelected(c: SelectionCounts, filter: RegExp | undefined): void {
  if (c.selected > 0) return;
  if (filter && c.filteredOut > 0) {
    throw new SelectionError(`--filter ${filter.source} matches none of the ${c.filteredOut} scenarios`);
  }
  if (c.invalid.length > 0) {
    const list = c.invalid.map((i) => `  ${i.file}: ${i.message}`).join('\n');
    throw new SelectionError(`no valid scenario selected; ${c.invalid.length} invalid:\n${list}`);
  }
  throw new SelectionError('no scenario selected');
}
