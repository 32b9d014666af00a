// What `run` and `list` take: a scenario file, a folder (every .json in it and its subfolders,
// as the testbed reads one), or an installed package's name (its shipped `scenarios/`).

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findPackageDir, isPackageName } from './packages.js';

export class TargetError extends Error {}

export interface Target {
  /** What the user typed. */
  spec: string;
  files: string[];
  /** The package directory, when the target was a package name. */
  packageDir?: string;
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...jsonFiles(p));
    else if (e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

export function resolveTarget(spec: string): Target {
  if (existsSync(spec)) {
    if (!statSync(spec).isDirectory()) return { spec, files: [spec] };
    const files = jsonFiles(spec);
    if (files.length === 0) throw new TargetError(`${spec} holds no .json scenario file`);
    return { spec, files };
  }
  if (isPackageName(spec)) {
    const dir = findPackageDir(spec);
    if (!dir) throw new TargetError(`no file, folder or installed package named ${spec}`);
    const scenarios = join(dir, 'scenarios');
    if (!existsSync(scenarios)) throw new TargetError(`${spec} ships no scenarios/ folder`);
    return { spec, files: jsonFiles(scenarios), packageDir: dir };
  }
  throw new TargetError(`no such file or folder: ${spec}`);
}
