// `pnpm testbed --coverage`: which of io_uring's functions the scenarios make the kernel run, per
// package. The denominator is every io_uring function the function tracer can trace: the functions
// whose code DWARF places in an io_uring/*.c unit (coverage-functions.ts), among the guest's
// available_filter_functions. Inline code, `.cold` fragments, notrace and __init functions cannot be
// traced and are counted apart. The guest runs each package's scenarios separately with the trace
// buffer cleared in between (coverage-guest.ts), so each package gets its own figure.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GUEST_FNS, GUEST_SPANS, coverageScript, parseCoverageMeta, partProgram, spanLine } from './coverage-guest.js';
import { functionAt, type KernelFunction } from './coverage-dwarf.js';
import type { StoredFunctions } from './coverage-functions.js';
import type { GuestExtra } from './initramfs.js';
import { coverageFiles } from './paths.js';

export interface CoveragePart {
  /** The package whose scenarios run in this part (`user` for --scenarios files). */
  name: string;
  ids: string[];
  text: string;
}

export interface CoveragePlan {
  parts: CoveragePart[];
  guest: GuestExtra;
  /** The guest must load where System.map says, so the host's addresses are the guest's. */
  kernelArgs: string[];
}

/** One part per package, in the order the scenarios come. */
export function coveragePlan(
  stored: StoredFunctions,
  scenarios: ReadonlyArray<{ source: string; id: string; text: string | undefined }>,
  runner: string[],
  /** `LINE ADDR NAME` lines from an earlier boot of this build (readTraceable). */
  traceable?: string,
): CoveragePlan {
  const parts: CoveragePart[] = [];
  for (const s of scenarios) {
    if (s.text === undefined) continue;
    let p = parts.find((x) => x.name === s.source);
    if (!p) parts.push((p = { name: s.source, ids: [], text: '' }));
    p.ids.push(s.id);
    p.text += `${s.text}\n`;
  }
  const files = [
    { path: GUEST_SPANS, data: stored.spans.map((s) => `${spanLine(s.start, s.end)}\n`).join('') },
    ...parts.map((p, i) => ({ path: partProgram(i), data: p.text })),
    ...(traceable ? [{ path: GUEST_FNS, data: traceable }] : []),
  ];
  return { parts, guest: { files, runnerScript: coverageScript({ runner, parts: parts.length }) }, kernelArgs: ['nokaslr'] };
}

export interface PackageCoverage {
  name: string;
  scenarios: number;
  reached: number;
  total: number;
  /** Trace events the ring buffer dropped while this package ran: when not 0, `reached` is a lower bound. */
  lost_events: number;
  /** Guest time running this package's scenarios with the tracer on, and reading the buffer after. */
  run_s: number | null;
  read_s: number | null;
  functions: string[];
}

export interface CoverageReport {
  kernel: string;
  method: string;
  source: string;
  /** io_uring functions the tracer can trace: the denominator. */
  total: number;
  reached: number;
  /** Functions of io_uring's units the tracer cannot see (no ftrace call site: notrace, __init, ...). */
  untraceable: number;
  packages: PackageCoverage[];
  /** Traceable functions no package reached, by source file. */
  unreached: Record<string, string[]>;
  /** Per source file: reached / traceable. */
  files: Record<string, { reached: number; total: number }>;
  /** Guest time to select the functions and start the tracer, before the first scenario. */
  setup_s: number | null;
  problems: string[];
}

const METHOD =
  'function tracer (tracefs set_ftrace_filter) on every traceable function whose code DWARF places in an io_uring/*.c compile unit ' +
  '(from the kernel\'s -dbg package), one package\'s scenarios at a time';

/** The function each guest line names, by address (names alone are ambiguous: static duplicates). */
function resolver(stored: StoredFunctions): (ip: string) => KernelFunction | undefined {
  const fns: KernelFunction[] = stored.functions.map((f) => ({ addr: BigInt(`0x${f.addr}`), name: f.name, file: f.file }));
  const spans = stored.spans.map((s) => ({ start: BigInt(`0x${s.start}`), end: BigInt(`0x${s.end}`) }));
  return (ip) => {
    const a = BigInt(`0x${ip}`);
    if (!spans.some((s) => a >= s.start && a < s.end)) return undefined;
    return functionAt(fns, a);
  };
}

const span = (up: ReadonlyMap<string, number>, a: string, b: string) => {
  const x = up.get(a);
  const y = up.get(b);
  return x === undefined || y === undefined ? null : Math.round((y - x) * 100) / 100;
};

const key = (f: KernelFunction) => `${f.file}:${f.name}:${f.addr.toString(16)}`;
const label = (f: KernelFunction, dup: boolean) => (dup ? `${f.name}@${f.file}` : f.name);

export function coverageReport(stored: StoredFunctions, plan: CoveragePlan, meta: readonly string[], kernel: string): CoverageReport {
  const g = parseCoverageMeta(meta);
  const problems = [...g.errors];
  if (g.text !== undefined && g.text !== stored.text) {
    problems.push(`the guest's _text is ${g.text}, System.map's ${stored.text}: addresses do not match (was the kernel booted with KASLR?)`);
  }
  const at = resolver(stored);
  const traceable = new Map<string, KernelFunction>();
  for (const ip of g.traceable.keys()) {
    const f = at(ip);
    if (f) traceable.set(key(f), f);
    else problems.push(`the guest traced ${ip} (${g.traceable.get(ip)}), which is no io_uring function here`);
  }
  if (!g.traceable.size && !g.errors.length) problems.push('the guest reported no traceable io_uring function (it never reached the coverage setup)');
  if (g.filter !== undefined && g.filter !== g.traceable.size) problems.push(`set_ftrace_filter holds ${g.filter} functions, ${g.traceable.size} were selected`);
  // Names that occur twice among io_uring's functions are shown with their file.
  const seen = new Map<string, number>();
  for (const f of traceable.values()) seen.set(f.name, (seen.get(f.name) ?? 0) + 1);
  const show = (f: KernelFunction) => label(f, (seen.get(f.name) ?? 0) > 1);
  const all = new Set<string>();
  const packages = plan.parts.map((p, i): PackageCoverage => {
    const reached = new Map<string, KernelFunction>();
    for (const ip of g.hits.get(i) ?? []) {
      const f = at(ip);
      if (f && traceable.has(key(f))) reached.set(key(f), f);
    }
    for (const k of reached.keys()) all.add(k);
    if (!g.parts.has(i) && traceable.size) problems.push(`the guest never started part ${i} (${p.name})`);
    const lost = g.lost.get(i) ?? 0;
    if (lost) problems.push(`${p.name}: the trace buffer lost ${lost} events, so its figure is a lower bound`);
    return {
      name: p.name,
      scenarios: p.ids.length,
      reached: reached.size,
      total: traceable.size,
      lost_events: lost,
      run_s: span(g.up, `part-${i}`, `ran-${i}`),
      read_s: span(g.up, `ran-${i}`, `read-${i}`),
      functions: [...reached.values()].map(show).sort(),
    };
  });
  const unreached: Record<string, string[]> = {};
  const files: Record<string, { reached: number; total: number }> = {};
  for (const [k, f] of [...traceable].sort((a, b) => (a[1].file < b[1].file ? -1 : a[1].file > b[1].file ? 1 : a[1].name < b[1].name ? -1 : 1))) {
    const e = (files[f.file] ??= { reached: 0, total: 0 });
    e.total++;
    if (all.has(k)) e.reached++;
    else (unreached[f.file] ??= []).push(show(f));
  }
  return {
    kernel,
    method: METHOD,
    source: stored.source,
    total: traceable.size,
    reached: all.size,
    // `.cold` symbols are split-off parts of functions, not functions.
    untraceable: stored.functions.filter((f) => !/\.cold(\.\d+)?$/.test(f.name)).length - traceable.size,
    packages,
    unreached,
    files,
    setup_s: span(g.up, 'setup', 'traced'),
    problems,
  };
}

export interface CoverageSummary {
  reached: number;
  total: number;
  packages: Array<{ name: string; reached: number; total: number }>;
}

export function coverageSummary(r: CoverageReport): CoverageSummary {
  return { reached: r.reached, total: r.total, packages: r.packages.map((p) => ({ name: p.name, reached: p.reached, total: p.total })) };
}

/** The readable summary: per package, per file, then every unreached function. */
export function coverageText(r: CoverageReport, full: boolean): string[] {
  const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(0)}%` : '-');
  const lines = [
    `io_uring coverage on ${r.kernel}: the scenarios reach ${r.reached} of ${r.total} traceable io_uring functions (${pct(r.reached, r.total)}); ` +
      `${r.untraceable} more in io_uring's objects cannot be traced.`,
  ];
  const w = Math.max(...r.packages.map((p) => p.name.length), 7);
  for (const p of r.packages) {
    lines.push(`  ${p.name.padEnd(w)}  ${String(p.reached).padStart(4)} / ${p.total}  (${p.scenarios} scenarios${p.lost_events ? `, ${p.lost_events} events lost` : ''})`);
  }
  lines.push('  reached / traceable per file (io_uring/):');
  let row = ' ';
  for (const [f, c] of Object.entries(r.files)) {
    const cell = ` ${f.replace(/^io_uring\//, '')} ${c.reached}/${c.total}`;
    if (row.length + cell.length > 100) {
      lines.push(row);
      row = ' ';
    }
    row += cell;
  }
  if (row.trim()) lines.push(row);
  if (r.setup_s !== null) {
    const t = (k: 'run_s' | 'read_s') => r.packages.reduce((a, p) => a + (p[k] ?? 0), 0).toFixed(1);
    lines.push(`  guest time: ${r.setup_s.toFixed(1)} s to start the tracer, ${t('run_s')} s running the scenarios traced, ${t('read_s')} s reading the buffers`);
  }
  if (full) {
    lines.push('', 'Reached by no scenario:');
    for (const [f, names] of Object.entries(r.unreached)) lines.push(`${f} (${names.length}): ${names.join(' ')}`);
  }
  for (const p of r.problems) lines.push(`coverage: ${p}`);
  return lines;
}

/** The section report.html shows. */
export function coverageHtml(r: CoverageReport): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const pk = r.packages.map((p) => `<tr><td>${esc(p.name)}</td><td>${p.scenarios}</td><td>${p.reached} / ${p.total}</td><td>${p.lost_events}</td></tr>`).join('');
  const un = Object.entries(r.unreached)
    .map(([f, n]) => `<details><summary>${esc(f)}: ${n.length} of ${r.files[f]?.total ?? '?'} unreached</summary><pre>${esc(n.join('\n'))}</pre></details>`)
    .join('');
  return `<p>The scenarios reach <b>${r.reached} of ${r.total}</b> traceable io_uring functions on ${esc(r.kernel)} (${r.untraceable} more cannot be traced). <span class="muted">${esc(r.method)}.</span></p>
<table><thead><tr><th>package</th><th>scenarios</th><th>reached / traceable</th><th>events lost</th></tr></thead><tbody>${pk}</tbody></table>${un}
${r.problems.length ? `<pre>${esc(r.problems.join('\n'))}</pre>` : ''}`;
}

/** The traceable list an earlier boot found (its scan costs seconds under TCG), if any. */
export function readTraceable(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Keeps the list a boot scanned, when the run had no problem, for the next boot of the build. */
export function rememberTraceable(file: string, meta: readonly string[], report: CoverageReport): boolean {
  const g = parseCoverageMeta(meta);
  if (report.problems.length || g.list === 'cached' || !g.lines.size || g.lines.size !== g.traceable.size) return false;
  const text = [...g.lines].sort((a, b) => a[1] - b[1]).map(([addr, line]) => `${line} ${addr} ${g.traceable.get(addr)}\n`).join('');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.${process.pid}`, text);
  renameSync(`${file}.${process.pid}`, file);
  return true;
}

/** coverage.json and coverage.txt beside the run's other outputs. */
export function writeCoverage(outDir: string, r: CoverageReport): { json: string; text: string } {
  const f = coverageFiles(outDir);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(f.json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(f.text, `${coverageText(r, true).join('\n')}\n`);
  return f;
}
