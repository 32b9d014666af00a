// Finding installed packages the way Node does (node_modules folders, from a directory upward),
// so `uringlab list @uringlab/kbuf-cache` reaches a package's shipped scenarios and
// `--extension NAME` its `extension` export. Only packages that are there are looked at.

import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

/** Whether `s` can be an npm package name (and so is worth looking up). */
export function isPackageName(s: string): boolean {
  return NAME.test(s);
}

/** Directories a package is looked up from: the working directory first, then the CLI's own install. */
export function lookupRoots(cwd = process.cwd()): string[] {
  return [resolve(cwd), dirname(fileURLToPath(import.meta.url))];
}

/** The directory of installed package `name`, searching node_modules upward from each root. */
export function findPackageDir(name: string, roots: readonly string[] = lookupRoots()): string | undefined {
  for (const root of roots) {
    for (let dir = root; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

interface Manifest {
  name?: string;
  main?: string;
  exports?: unknown;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** The file an ESM `import` of the package's main entry loads (exports "." with import/default, else main). */
export function entryOf(dir: string): string {
  const m = readManifest(dir);
  const pick = (e: unknown): string | undefined => {
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      if ('.' in o) return pick(o['.']);
      return pick(o.import) ?? pick(o.node) ?? pick(o.default);
    }
    return undefined;
  };
  const rel = pick(m.exports) ?? m.main ?? 'index.js';
  return join(dir, rel);
}

/** A URL to import for `spec`: a path to a module file, or the name of an installed package. */
export function moduleUrl(spec: string, roots: readonly string[] = lookupRoots()): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/')) {
    const p = resolve(spec);
    return existsSync(p) ? pathToFileURL(p).href : undefined;
  }
  const dir = findPackageDir(spec, roots);
  return dir ? pathToFileURL(entryOf(dir)).href : undefined;
}
