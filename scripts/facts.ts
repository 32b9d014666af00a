// Counts and timings in the Markdown files, generated rather than typed: each sits in a region
// `<!-- facts:KEY -->...<!-- /facts -->` that this script renders. Scenario counts come from the
// scenario files, the sizing example from running it, timings from the last testbed runs
// recorded in docs/facts.json.
//
//   pnpm facts                   check: exit 1 if a region is stale (CI runs this)
//   pnpm facts --write           rewrite stale regions
//   pnpm facts --record vm|native [summary.json]   store a testbed run's timings (default testbed/out/<vm|native>/summary.json)
//   pnpm facts --compare vm|native [summary.json]  exit 1 if the documented timings are off by more than 8x
//   pnpm facts --record coverage [coverage.json]    store a `pnpm testbed --coverage` run's figures (default testbed/out/vm/coverage.json)

import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli as sizeCli } from '@uringlab/kbuf-cache';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const FACTS_FILE = join(REPO, 'docs', 'facts.json');

interface Timing {
  boot_s: number | null;
  run_s: number;
  wall_s: number;
  scenarios: number;
}
/** From testbed/out/vm/coverage.json (testbed/src/coverage.ts). */
interface CoverageFact {
  kernel: string;
  reached: number;
  total: number;
  untraceable: number;
  packages: { name: string; scenarios: number; reached: number; total: number }[];
}
type Recorded = Partial<Record<'vm' | 'native', Timing>> & { coverage?: CoverageFact };

function scenarioDirs(): { label: string; dir: string }[] {
  const out = [{ label: '`@uringlab/ring`', dir: 'packages/ring/scenarios' }, { label: '`@uringlab/kbuf-cache`', dir: 'packages/kbuf-cache/scenarios' }, { label: '`@uringlab/eventfd-rcu`', dir: 'packages/eventfd-rcu/scenarios' }, { label: '`@uringlab/rsrc-copy`', dir: 'packages/rsrc-copy/scenarios' }];
  for (const e of readdirSync(join(REPO, 'examples')).sort()) {
    const dir = `examples/${e}/scenarios`;
    try {
      if (statSync(join(REPO, dir)).isDirectory()) out.push({ label: `\`examples/${e}\``, dir });
    } catch { /* an example without scenarios */ }
  }
  return out;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []));
}

function counts(dir: string): { n: number; oneKernel: number; modelOnly: number } {
  const docs = jsonFiles(join(REPO, dir)).map((f) => JSON.parse(readFileSync(f, 'utf8')) as { kernels?: string[]; modelOnly?: string });
  return { n: docs.length, oneKernel: docs.filter((d) => d.kernels && d.kernels.length < 2).length, modelOnly: docs.filter((d) => d.modelOnly).length };
}

function size(argv: string[]): string {
  let out = '';
  const code = sizeCli(argv, { out: (s) => (out += s), err: () => {} });
  if (code !== 0) throw new Error(`uringlab-kbuf-size ${argv.join(' ')} exited ${code}`);
  return out;
}

const SIZING = ['--connections', '32', '--rate', '2000', '--msg-size', '256-4096', '--hold-us', '300', '--group', '32', '--buf-len', '4096', '--mode', 'ring'];

function recorded(): Recorded {
  try {
    return JSON.parse(readFileSync(FACTS_FILE, 'utf8')) as Recorded;
  } catch {
    return {};
  }
}

const s1 = (n: number | null) => (n === null ? '-' : n.toFixed(1));

/** Every fact, by key, as the Markdown it renders to. */
function facts(): Record<string, () => string> {
  const dirs = scenarioDirs().map((d) => ({ ...d, ...counts(d.dir) }));
  // By directory, not position: the list grows as packages land.
  const count = (dir: string): number => dirs.find((d) => d.dir === dir)!.n;
  const total = dirs.reduce((a, d) => ({ n: a.n + d.n, oneKernel: a.oneKernel + d.oneKernel, modelOnly: a.modelOnly + d.modelOnly }), { n: 0, oneKernel: 0, modelOnly: 0 });
  const rec = recorded();
  let sizing: string | undefined;
  const html = join(mkdtempSync(join(tmpdir(), 'uringlab-facts-')), 'sizing.html');
  const sizingOut = () => (sizing ??= size([...SIZING, '--suggest', '--html', html]).replace(`wrote ${html}`, 'wrote sizing.html'));
  const line = (re: RegExp) => {
    const m = re.exec(sizingOut());
    if (!m) throw new Error(`the sizing example printed no ${re}`);
    return m[1]!;
  };
  return {
    'scenario-table': () => [
      '| package | scenarios | for one kernel only | model only |',
      '|---|---|---|---|',
      ...dirs.map((d) => `| ${d.label} | ${d.n} | ${d.oneKernel} | ${d.modelOnly} |`),
      `| all | ${total.n} | ${total.oneKernel} | ${total.modelOnly} |`,
    ].join('\n'),
    'ring-scenarios': () => String(count('packages/ring/scenarios')),
    'kbuf-scenarios': () => String(count('packages/kbuf-cache/scenarios')),
    'rsrc-scenarios': () => String(count('packages/rsrc-copy/scenarios')),
    'all-scenarios': () => String(total.n),
    timings: () => {
      const vm = rec.vm;
      const nat = rec.native;
      if (!vm || !nat) return 'No testbed run has been recorded yet (`pnpm facts --record vm|native` after a run).';
      return `Last recorded runs (2 cores, TCG, downloads cached): \`pnpm testbed\` booted in ${s1(vm.boot_s)} s and took ${s1(vm.wall_s)} s in all for ${vm.scenarios} scenarios; ` +
        `\`pnpm testbed --native\` took ${s1(nat.wall_s)} s. A busy host takes longer; an empty cache adds the download.`;
    },
    'testbed-timings': () => {
      const vm = rec.vm;
      const nat = rec.native;
      if (!vm || !nat) return 'No run has been recorded yet.';
      return `The last recorded runs on our machines (2 cores, TCG, downloads cached, ${vm.scenarios} scenarios): the first scenario started ${s1(vm.boot_s)} s after QEMU did, ` +
        `QEMU ran ${s1(vm.run_s)} s in all, and the whole run took ${s1(vm.wall_s)} s; natively the runner ran ${s1(nat.run_s)} s and the whole run took ${s1(nat.wall_s)} s ` +
        '(written by `pnpm facts --record` after a run and checked in CI).';
    },
    'io-uring-coverage': () => {
      const c = rec.coverage;
      if (!c) return 'no coverage run has been recorded yet (`pnpm testbed --coverage`, then `pnpm facts --record coverage`)';
      return `the scenarios reach ${c.reached} of ${c.total} io_uring functions on ${c.kernel.replace(/^(\d+\.\d+)\..*/, '$1')}`;
    },
    'io-uring-coverage-table': () => {
      const c = rec.coverage;
      if (!c) return 'No coverage run has been recorded yet.';
      return [
        `| package | scenarios | io_uring functions reached (of ${c.total} traceable on ${c.kernel}) |`,
        '|---|---|---|',
        ...c.packages.map((p) => `| \`${p.name}\` | ${p.scenarios} | ${p.reached} |`),
        `| all | ${c.packages.reduce((a, p) => a + p.scenarios, 0)} | ${c.reached} |`,
      ].join('\n');
    },
    'sizing-example': () => {
      const argv = [...SIZING, '--suggest', '--html', 'sizing.html'];
      return ['```', `$ uringlab-kbuf-size ${argv.join(' ')}`, sizingOut().trimEnd(), '```'].join('\n');
    },
    'sizing-mean': () => line(/mean ([\d.]+) \(/),
    'sizing-enobufs': () => line(/ENOBUFS +([\d,]+) /),
    'sizing-suggested': () => line(/smallest group with no ENOBUFS: (\d+)/),
    'sizing-incremental': () => {
      const out = size([...SIZING, '--mode', 'incremental']).split('\n').filter((l) => /^ {2}(ENOBUFS|buffers in use|wasted bytes)/.test(l));
      return ['```', ...out, '```'].join('\n');
    },
  };
}

function markdownFiles(dir = REPO): string[] {
  const skip = new Set(['node_modules', '.git', '.cache', 'dist', 'out', 'build', '.turbo', '.changeset', 'docs']);
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return skip.has(e.name) ? [] : markdownFiles(join(dir, e.name));
    return e.name.endsWith('.md') ? [join(dir, e.name)] : [];
  });
}

const REGION = /<!-- facts:([a-z0-9-]+) -->([\s\S]*?)<!-- \/facts -->/g;

function render(write: boolean): string[] {
  const all = facts();
  const cache = new Map<string, string>();
  const stale: string[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8');
    const next = text.replace(REGION, (_whole, key: string, body: string) => {
      const gen = all[key];
      if (!gen) throw new Error(`${relative(REPO, file)}: unknown fact ${key}`);
      if (!cache.has(key)) cache.set(key, gen());
      const value = cache.get(key)!;
      // Block facts (several lines) sit on lines of their own; inline facts inside a sentence.
      const wanted = value.includes('\n') || body.startsWith('\n') ? `\n${value}\n` : value;
      if (body !== wanted) stale.push(`${relative(REPO, file)}: ${key}`);
      return `<!-- facts:${key} -->${wanted}<!-- /facts -->`;
    });
    if (write && next !== text) writeFileSync(file, next);
  }
  return stale;
}

function summaryTiming(path: string): Timing {
  const s = JSON.parse(readFileSync(path, 'utf8')) as { boot_s: number | null; wall_s: number; scenarios: number; timings: { run_s: number } };
  return { boot_s: s.boot_s, run_s: s.timings.run_s, wall_s: s.wall_s, scenarios: s.scenarios };
}

const [mode, arg, file] = process.argv.slice(2);
if (mode === '--record' && arg === 'coverage') {
  const c = JSON.parse(readFileSync(file ?? join(REPO, 'testbed', 'out', 'vm', 'coverage.json'), 'utf8')) as CoverageFact & { problems: string[] };
  if (c.problems.length || !c.total) throw new Error(`that coverage run had problems, not recording it: ${c.problems.join('; ') || 'no function traced'}`);
  const rec = recorded();
  rec.coverage = { kernel: c.kernel, reached: c.reached, total: c.total, untraceable: c.untraceable, packages: c.packages.map((p) => ({ name: p.name, scenarios: p.scenarios, reached: p.reached, total: p.total })) };
  writeFileSync(FACTS_FILE, JSON.stringify(rec, null, 2) + '\n');
  console.log(`recorded coverage: ${c.reached} of ${c.total}; now run pnpm facts --write`);
} else if (mode === '--record' || mode === '--compare') {
  if (arg !== 'vm' && arg !== 'native') throw new Error(`${mode} takes vm or native`);
  // Each kind of run keeps its own report folder (testbed/src/paths.ts reportDir).
  const path = file ?? join(REPO, 'testbed', 'out', arg, 'summary.json');
  const t = summaryTiming(path);
  const kind = (JSON.parse(readFileSync(path, 'utf8')) as { mode?: string }).mode;
  if (kind !== undefined && kind !== arg) {
    console.error(`${path} is from a ${kind} run, not ${arg}`);
    process.exit(1);
  }
  const rec = recorded();
  if (mode === '--record') {
    rec[arg] = t;
    writeFileSync(FACTS_FILE, JSON.stringify(rec, null, 2) + '\n');
    console.log(`recorded ${arg}: ${JSON.stringify(t)}; now run pnpm facts --write`);
  } else {
    const doc = rec[arg];
    const ratio = doc ? t.wall_s / doc.wall_s : Infinity;
    console.log(`testbed ${arg}: measured ${t.wall_s} s, documented ${doc?.wall_s ?? 'nothing'} s (x${ratio.toFixed(2)})`);
    // A loaded 2-core machine runs several times slower than a quiet one: only a gross mismatch
    // (a documented figure from another era) fails; a smaller one is a note.
    if (!(ratio < 8 && ratio > 0.125)) {
      console.log(`the documented timing is stale: pnpm facts --record ${arg} && pnpm facts --write`);
      process.exitCode = 1;
    } else if (!(ratio < 2 && ratio > 0.5)) {
      console.log('note: more than 2x off the documented timing (a busy machine, or a stale figure)');
    }
  }
} else {
  const write = mode === '--write';
  const stale = render(write);
  for (const s of stale) console.log(`${write ? 'wrote' : 'stale'} ${s}`);
  if (!write && stale.length) {
    console.log('run pnpm facts --write and commit the result');
    process.exitCode = 1;
  } else if (!stale.length) {
    console.log('facts: every generated count and timing is current');
  }
}
