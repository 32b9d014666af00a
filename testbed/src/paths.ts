// Where the testbed keeps things. Everything fetched lives under .cache/, everything built
// under build/, reports under out/ — all three are gitignored. A scenario run's report goes to
// out/vm/ or out/native/, so the latest of each stays, and out/latest points at the newer one.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const TESTBED_DIR = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export interface Dirs {
  root: string;
  cache: string;
  apt: string;
  debs: string;
  pkgs: string;
  build: string;
  out: string;
}

export function dirs(root: string = TESTBED_DIR): Dirs {
  const cache = join(root, '.cache');
  return {
    root,
    cache,
    apt: join(cache, 'apt'),
    debs: join(cache, 'debs'),
    pkgs: join(cache, 'pkgs'),
    build: join(root, 'build'),
    out: join(root, 'out'),
  };
}

export type RunMode = 'vm' | 'native';

/** Where a scenario run on `mode` writes summary.json, results.jsonl and report.html. */
export function reportDir(mode: RunMode, d: Dirs = dirs()): string {
  return join(d.out, mode);
}

/** A link to the report folder written last (`vm` or `native`), for whoever wants "the last run". */
export function latestLink(d: Dirs = dirs()): string {
  return join(d.out, 'latest');
}

/** Where `--coverage` writes its report (coverage.ts), beside the run's summary. */
export function coverageFiles(out: string): { json: string; text: string } {
  return { json: join(out, 'coverage.json'), text: join(out, 'coverage.txt') };
}
