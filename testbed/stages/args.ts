// What the stage scripts share: their command line (zx's minimist, strict like main.ts: an unknown
// option or a bad value exits 2 with the usage line) and the scenario selection the later stages
// need, made by the same loadSuite() as a full run.
import { chalk, echo, minimist } from 'zx';
import type { AccelChoice } from '../src/accel.js';
import { parseFilter, SelectionError } from '../src/selection.js';
import { loadSuite, type Suite } from '../src/suite.js';

export interface StageArgs {
  native: boolean;
  accel: AccelChoice;
  kernelVersion: string | undefined;
  scenarios: string[];
  onlyScenarios: boolean;
  filter: string | undefined;
  keep: boolean;
  verbose: boolean;
}

const BOOLEANS = ['native', 'only-scenarios', 'keep', 'verbose', 'help'];
const STRINGS = ['accel', 'kernel-version', 'scenarios', 'filter'];

/**
 * Parses a stage's arguments (after `pnpm testbed STAGE`, or of the script run on its own).
 * `allowed` lists the options the stage takes; anything else is a usage error.
 */
export function stageArgs(stage: string, allowed: readonly string[], usage: string, argv = process.argv.slice(2)): StageArgs {
  // Under the zx CLI the script's own path comes first; under `pnpm testbed STAGE`, the stage name.
  const own = argv.findIndex((x) => x.endsWith(`stages/${stage}.ts`));
  const rest = own >= 0 ? argv.slice(own + 1) : argv;
  const args = rest[0] === stage ? rest.slice(1) : rest;
  const bad = (why: string): never => {
    console.error(`${why}\n${usage}`);
    process.exit(2);
  };
  const a = minimist(args, {
    boolean: BOOLEANS,
    string: STRINGS,
    unknown: (o) => (o.startsWith('-') ? bad(`unknown option ${o}`) : bad(`unexpected argument ${o}`)),
  });
  if (a['help']) {
    console.log(usage);
    process.exit(0);
  }
  for (const k of [...BOOLEANS, ...STRINGS]) {
    if (k !== 'help' && a[k] !== undefined && a[k] !== false && !allowed.includes(k)) bad(`${stage} does not take --${k}`);
  }
  for (const k of ['accel', 'kernel-version', 'filter']) if (Array.isArray(a[k])) bad(`--${k} is given twice`);
  const accel = (a['accel'] as string | undefined) ?? 'auto';
  if (!['auto', 'kvm', 'tcg'].includes(accel)) bad('--accel must be auto, kvm or tcg');
  const list = a['scenarios'] as string | string[] | undefined;
  return {
    native: Boolean(a['native']),
    accel: accel as AccelChoice,
    kernelVersion: a['kernel-version'] as string | undefined,
    scenarios: list === undefined ? [] : Array.isArray(list) ? list : [list],
    onlyScenarios: Boolean(a['only-scenarios']),
    filter: a['filter'] as string | undefined,
    keep: Boolean(a['keep']),
    verbose: Boolean(a['verbose']),
  };
}

/** The selected scenarios, or exit 2 for a selection that cannot mean what was asked. */
export async function stageSuite(a: StageArgs): Promise<Suite> {
  try {
    const suite = await loadSuite({ extra: a.scenarios, onlyExtra: a.onlyScenarios, ...(a.filter ? { filter: parseFilter(a.filter) } : {}) });
    for (const e of suite.errors) echo(chalk.yellow(`invalid scenario file ${e.file}: ${e.message}`));
    return suite;
  } catch (e) {
    console.error((e as Error).message);
    process.exit(e instanceof SelectionError ? 2 : 1);
  }
}

/** Every scenario the kernel can run, as (id, program text). */
export function runnablePrograms(suite: Suite): Array<{ id: string; text: string }> {
  return suite.scenarios.flatMap((s) => (s.text === undefined ? [] : [{ id: s.program.id, text: s.text }]));
}
