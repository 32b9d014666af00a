// The scenarios a testbed run judges: every model package's `scenarios/` folder, plus any files
// or folders the user names. Each package's extension is loaded so its steps compile.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  compileScenario, isModelOnly, parseScenario, programToText, isUringError,
  type Extension, type Program, type Scenario,
} from '@uringlab/ring';

export const REPO_DIR = resolve(new URL('../..', import.meta.url).pathname);

export interface SuiteScenario {
  file: string;
  /** Package the scenario ships with, or `user` for --scenarios files. */
  source: string;
  scenario: Scenario;
  program: Program;
  /** Program text for the runner, or undefined when only the model can run it. */
  text: string | undefined;
  /**
   * The model that judges it: a package's scenarios run on that package's extension alone (the
   * core's on the core alone), as a user who installs just that package would run them; user
   * scenarios get every extension.
   */
  extensions: Extension[];
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

interface PackageDir {
  name: string;
  dir: string;
}

function modelPackages(): PackageDir[] {
  const root = join(REPO_DIR, 'packages');
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((d) => existsSync(join(d, 'package.json')))
    .map((dir) => ({ name: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string }).name, dir }));
}

/** Imports each model package's source and collects the `extension` it exports, by package. */
export async function loadExtensionsByPackage(): Promise<Map<string, Extension>> {
  const out = new Map<string, Extension>();
  for (const p of modelPackages()) {
    const entry = join(p.dir, 'src', 'index.ts');
    if (!existsSync(entry) || p.name === '@uringlab/cli') continue;
    const mod = (await import(pathToFileURL(entry).href)) as { extension?: Extension };
    if (mod.extension) out.set(p.name, mod.extension);
  }
  return out;
}

/** Every package's extension. */
export async function loadExtensions(): Promise<Extension[]> {
  return [...(await loadExtensionsByPackage()).values()];
}

function jsonFiles(path: string): string[] {
  if (!existsSync(path)) throw new Error(`no such file or folder: ${path}`);
  if (statSync(path).isDirectory()) {
    return readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f));
  }
  return [path];
}

export interface LoadSuiteOptions {
  /** Extra scenario files or folders (--scenarios). */
  extra?: readonly string[];
  /** Run only the extra scenarios, not the built-in ones. */
  onlyExtra?: boolean;
  /** Keep scenarios whose name matches (--filter). */
  filter?: RegExp;
}

export async function loadSuite(o: LoadSuiteOptions = {}): Promise<Suite> {
  const byPackage = await loadExtensionsByPackage();
  const extensions = [...byPackage.values()];
  const sources: { file: string; source: string }[] = [];
  if (!o.onlyExtra) {
    for (const p of modelPackages()) {
      const dir = join(p.dir, 'scenarios');
      if (existsSync(dir)) for (const file of jsonFiles(dir)) sources.push({ file, source: p.name });
    }
  }
  for (const e of o.extra ?? []) for (const file of jsonFiles(resolve(e))) sources.push({ file, source: 'user' });
  const scenarios: SuiteScenario[] = [];
  const errors: SuiteError[] = [];
  const seen = new Set<string>();
  for (const { file, source } of sources) {
    try {
      const own = source === 'user' ? extensions : [byPackage.get(source)].filter((e): e is Extension => e !== undefined);
      const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')), own);
      if (o.filter && !o.filter.test(scenario.name)) continue;
      if (seen.has(scenario.name)) throw new Error(`another scenario is already named ${scenario.name}`);
      seen.add(scenario.name);
      const program = compileScenario(scenario, own);
      const text = scenario.modelOnly || isModelOnly(program) ? undefined : programToText(program);
      scenarios.push({ file, source, scenario, program, text, extensions: own });
    } catch (e) {
      errors.push({ file, message: isUringError(e) ? e.message : (e as Error).message });
    }
  }
  return { scenarios, errors, extensions };
}
