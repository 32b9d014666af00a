// One call from a scenario document to its model trace.

import type { Extension } from '../extension/types.js';
import type { KernelId } from '../profile.js';
import { decodeRecords } from '../trace/decode.js';
import type { TraceEvent } from '../trace/events.js';
import { compileScenario, parseScenario } from './compile.js';
import { runOnModel } from './model-executor.js';
import type { Program } from './program.js';
import type { Scenario } from './schema.js';
import type { ScenarioInput } from './input.js';

export interface ScenarioRun {
  scenario: Scenario;
  program: Program;
  records: string[];
  trace: TraceEvent[];
}

/**
 * Parses, compiles and runs a scenario on the model; returns the trace. `doc` is typed (a typo in
 * an `op` or a field fails to type-check) and validated at run time as well (a `UringError`
 * SCENARIO_INVALID), so JSON read from a file can be passed as it is parsed.
 */
export function runScenario(doc: ScenarioInput, opts: { kernel?: KernelId; extensions?: readonly Extension[] } = {}): ScenarioRun {
  const extensions = opts.extensions ?? [];
  const scenario = parseScenario(doc, extensions);
  const program = compileScenario(scenario, extensions);
  const records = runOnModel(program, { profile: opts.kernel ?? '7.3', extensions, ...(scenario.seed === undefined ? {} : { seed: scenario.seed }) });
  return { scenario, program, records, trace: decodeRecords(program, records) };
}
