// `uringlab run SCENARIO.json [--kernel 7.3|6.18] [--format jsonl|table]`, and `uringlab list`.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROFILES, UringError, isUringError, runScenario, toJsonl, type KernelId } from '@uringlab/ring';
import { loadExtensions } from './extensions.js';
import { formatTable } from './table.js';

export { formatTable } from './table.js';
export { loadExtensions } from './extensions.js';

const USAGE = `usage:
  uringlab run SCENARIO.json|DIR [--kernel 7.3|6.18] [--format jsonl|table]
  uringlab list DIR
  uringlab size [options]        size provided-buffer groups (see uringlab size --help)
Runs io_uring scenarios on the models and prints each trace.`;

/** `uringlab size …` is the provided-buffer sizing helper of @uringlab/kbuf-cache. */
async function size(argv: string[], io: CliIo): Promise<number> {
  try {
    const kbuf = (await import('@uringlab/kbuf-cache')) as { cli: (a: string[], io: CliIo) => number };
    return kbuf.cli(argv, io);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    io.err('uringlab size needs @uringlab/kbuf-cache: npm install @uringlab/kbuf-cache\n');
    return 2;
  }
}

function scenarioFiles(path: string): string[] {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).filter((f) => f.endsWith('.json')).sort().map((f) => join(path, f));
  }
  return [path];
}

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  if (argv[0] === 'size') return size(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { kernel: { type: 'string', default: '7.3' }, format: { type: 'string', default: 'jsonl' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [cmd, target] = positionals;
  if (values.help || !cmd) {
    io.out(`${USAGE}\n`);
    return cmd || values.help ? 0 : 2;
  }
  if (!Object.hasOwn(PROFILES, values.kernel!)) {
    io.err(`unknown --kernel ${values.kernel}; known: ${Object.keys(PROFILES).join(', ')}\n`);
    return 2;
  }
  if (values.format !== 'jsonl' && values.format !== 'table') {
    io.err(`unknown --format ${values.format}; use jsonl or table\n`);
    return 2;
  }
  if (!target) {
    io.err(`${cmd} needs a scenario file or folder\n${USAGE}\n`);
    return 2;
  }
  let files: string[];
  try {
    files = scenarioFiles(target);
  } catch {
    io.err(`cannot read ${target}\n`);
    return 2;
  }
  const extensions = await loadExtensions();
  let failed = 0;
  for (const file of files) {
    try {
      const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (cmd === 'list') {
        const d = doc as { name?: string; pins?: string };
        io.out(`${d.name ?? file}: ${d.pins ?? ''}\n`);
        continue;
      }
      if (cmd !== 'run') {
        io.err(`unknown command ${cmd}\n${USAGE}\n`);
        return 2;
      }
      const r = runScenario(doc, { kernel: values.kernel as KernelId, extensions });
      if (files.length > 1) io.out(values.format === 'table' ? `\n# ${r.scenario.name}: ${r.scenario.pins}\n` : '');
      io.out(values.format === 'table' ? formatTable(r.trace) : toJsonl(r.trace));
      if (r.trace.some((e) => e.ev === 'error')) failed++;
    } catch (e) {
      failed++;
      const err = isUringError(e) ? e : new UringError('SCENARIO_INVALID', (e as Error).message);
      io.err(`${file}: ${err.message}\n`);
    }
  }
  return failed ? 1 : 0;
}
