// The .json files a scenario path names: the file itself, or every .json file in a folder and
// its subfolders, so a folder of folders selects what it holds.

import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .json file under `dir`, sorted by path; `seen` stops a symlink loop from recursing forever. */
function walk(dir: string, seen: Set<string>): string[] {
  const real = realpathSync(dir);
  if (seen.has(real)) return [];
  seen.add(real);
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...walk(path, seen));
    else if (st?.isFile() && name.endsWith('.json')) out.push(path);
  }
  return out;
}

/** The scenario files at `path`, or undefined when nothing exists there. */
export function scenarioFiles(path: string): string[] | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return undefined;
  return st.isDirectory() ? walk(path, new Set()) : [path];
}
