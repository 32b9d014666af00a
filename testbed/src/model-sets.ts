// The two models a package scenario is judged with: its own package's extensions ("alone", as a
// user who installs just that package runs it) and every extension ("together", as the CLI runs
// it). The kernel runs one program, so both sets must parse the scenario and compile it to the
// same program; otherwise a break between packages would hide behind two different programs.

import {
  compileScenario, opToText, parseScenario,
  type CompiledOp, type Extension, type Program, type Scenario,
} from '@uringlab/ring';

/** How reports name a model: the core plus each extension, e.g. `core + kbuf`. */
export function modelName(extensions: readonly Extension[]): string {
  return ['core', ...extensions.map((e) => e.name)].join(' + ');
}

export const aloneLabel = (own: readonly Extension[]) => `with its own package's model (${modelName(own)})`;
export const togetherLabel = (all: readonly Extension[]) => `with every extension loaded (${modelName(all)})`;

/** True when `own` already holds every extension, so judging twice would run the same model. */
export function isEveryExtension(own: readonly Extension[], all: readonly Extension[]): boolean {
  return all.every((e) => own.includes(e));
}

/** A scenario that every extension together cannot run as its own package's model does. */
export class TogetherError extends Error {
  override readonly name = 'TogetherError';
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

function opLine(c: CompiledOp): string {
  return `step ${c.step}: ${opToText(c.op) ?? JSON.stringify(c.op)}`;
}

/** The first operation where two programs differ, in words, or undefined when they are equal. */
function programDifference(a: Program, b: Program): string | undefined {
  const n = Math.max(a.ops.length, b.ops.length);
  for (let i = 0; i < n; i++) {
    const x = a.ops[i];
    const y = b.ops[i];
    const lx = x ? opLine(x) : 'nothing';
    const ly = y ? opLine(y) : 'nothing';
    if (lx !== ly) return `operation ${i} is ${ly} instead of ${lx}`;
  }
  return undefined;
}

export interface PreparedScenario {
  scenario: Scenario;
  program: Program;
  /** Every extension, when that differs from the scenario's own set. */
  together: { extensions: Extension[] } | undefined;
}

/** Parses and compiles a scenario document with `own`, and again with `all` when that differs. */
export function prepareScenario(doc: unknown, own: Extension[], all: Extension[]): PreparedScenario {
  const scenario = parseScenario(doc, own);
  const program = compileScenario(scenario, own);
  if (isEveryExtension(own, all)) return { scenario, program, together: undefined };
  let other: Program;
  try {
    other = compileScenario(parseScenario(doc, all), all);
  } catch (e) {
    throw new TogetherError(`${togetherLabel(all)}: ${message(e)}`);
  }
  const diff = programDifference(program, other);
  if (diff) throw new TogetherError(`${togetherLabel(all)} it compiles to another program than ${aloneLabel(own)}: ${diff}`);
  return { scenario, program, together: { extensions: all } };
}
