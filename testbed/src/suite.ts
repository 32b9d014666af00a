// The scenarios a testbed run judges: every model package's `scenarios/` folder, plus any files
// or folders the user names. Each scenario is parsed and compiled for both models it is judged
// with (model-sets.ts): its own package's extensions, and every extension.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isModelOnly, programToText, type Extension, type Program, type Scenario } from '@uringlab/ring';
import { prepareScenario } from './model-sets.js';
import { scenarioFiles } from './scenario-files.js';
import { assertSelected, extraScenarioFiles } from './selection.js';

export const REPO_DIR = resolve(new URL('../..', import.meta.url).pathname);

export interface SuiteScenario {
  file: string;
  /** Package the scenario ships with, or `user` for --scenarios files. */
  source: string;
  scenario: Scenario;
  /** The one program both the kernel and the models run. */
  program: Program;
  /** Program text for the runner, or undefined when only the model can run it. */
  text: string | undefined;
  /** Its own package's extensions (none for the core's); every extension for user scenarios. */
  extensions: Extension[];
  /** Every extension, when that is a different model from `extensions`; judged as well. */
  together: { extensions: Extension[] } | undefined;
}

export interface SuiteError {
  file: string;
  message: string;
}

export interface Suite {
  scenarios: SuiteScenario[];
  errors: SuiteError[];
  extensions: Extension[];
}

/** A model package: where its scenarios are, and the extension it exports, if any. */
export interface ModelPackage {
  name: string;
  dir: string;
  extension?: Extension;
}

/** Every package under packages/ (the CLI aside), with the `extension` its source exports. */
export async function modelPackages(): Promise<ModelPackage[]> {
  const out: ModelPackage[] = [];
  // Published packages, then the worked examples (whose scenarios are judged like any other).
  for (const top of ['packages', 'examples']) {
    const root = join(REPO_DIR, top);
    if (!existsSync(root)) continue;
    for (const d of readdirSync(root).sort()) {
      const dir = join(root, d);
      if (!existsSync(join(dir, 'package.json'))) continue;
      const name = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name;
      const entry = join(dir, 'src', 'index.ts');
      if (name === '@uringlab/cli' || !existsSync(entry)) continue;
      const mod = (await import(pathToFileURL(entry).href)) as { extension?: Extension };
      out.push({ name, dir, ...(mod.extension ? { extension: mod.extension } : {}) });
    }
  }
  return out;
}

export interface LoadSuiteOptions {
  /** Extra scenario files or folders (--scenarios); folders are searched with their subfolders. */
  extra?: readonly string[];
  /** Run only the extra scenarios, not the built-in ones. */
  onlyExtra?: boolean;
  /** Keep scenarios whose name matches (--filter). */
  filter?: RegExp;
  /** The model packages, instead of everything under packages/ (tests use it). */
  packages?: readonly ModelPackage[];
}

/** Loads the selected scenarios; throws a SelectionError when the selection holds none. */
export async function loadSuite(o: LoadSuiteOptions = {}): Promise<Suite> {
  const extraFiles = extraScenarioFiles(o.extra ?? [], o.onlyExtra ?? false);
  const packages = o.packages ?? (await modelPackages());
  const extensions = packages.flatMap((p) => (p.extension ? [p.extension] : []));
  const sources: { file: string; source: string; own: Extension[] }[] = [];
  if (!o.onlyExtra) {
    for (const p of packages) {
      const own = p.extension ? [p.extension] : [];
      for (const file of scenarioFiles(join(p.dir, 'scenarios')) ?? []) sources.push({ file, source: p.name, own });
    }
  }
  for (const file of extraFiles) sources.push({ file, source: 'user', own: extensions });
  const scenarios: SuiteScenario[] = [];
  const errors: SuiteError[] = [];
  const seen = new Set<string>();
  let filteredOut = 0;
  for (const { file, source, own } of sources) {
    try {
      const p = prepareScenario(JSON.parse(readFileSync(file, 'utf8')), own, extensions);
      if (o.filter && !o.filter.test(p.scenario.name)) {
        filteredOut++;
        continue;
      }
      if (seen.has(p.scenario.name)) throw new Error(`another scenario is already named ${p.scenario.name}`);
      seen.add(p.scenario.name);
      const text = p.scenario.modelOnly || isModelOnly(p.program) ? undefined : programToText(p.program);
      scenarios.push({ file, source, scenario: p.scenario, program: p.program, text, extensions: own, together: p.together });
    } catch (e) {
      errors.push({ file, message: (e as Error).message });
    }
  }
  assertSelected({ selected: scenarios.length, filteredOut, invalid: errors }, o.filter);
  return { scenarios, errors, extensions };
}
