// `uringlab-kbuf-size` (and `cli(argv)` for the uringlab CLI): run a sizing workload from flags
// or a JSON file, print the report, optionally write the HTML page or JSON.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderHtml } from './html.js';
import { formatReport, suggestGroupSize, sweepGroupSizes, sweepSizes, MAX_GROUP, type SizingProgress, type SuggestedGroup, type SweepPoint } from './report.js';
import { kbufSize } from './simulate.js';
import type { SizingInput } from './workload.js';

export const USAGE = `usage: uringlab-kbuf-size [options]
  --workload FILE     read the workload from JSON (flags below override it)
  --connections N     connections, one receive each            (16)
  --msg-size N|A-B    bytes per message, fixed or uniform       (1024)
  --rate N            messages/s per connection                 (1000)
  --hold-us N         how long the app holds a buffer, us       (200)
  --group N           buffers in the group                      (64)
  --buf-len N         bytes per buffer                          (4096)
  --mode M            legacy | ring | incremental               (ring)
  --min-left N        min_left of an incremental ring           (0)
  --single-shot       one receive per completion instead of multishot
  --duration-ms N     virtual time to simulate                  (100)
  --seed N            random seed                               (1)
  --kernel K          7.3 | 6.18                                (7.3)
  --suggest           also find the smallest group with no ENOBUFS
  --sweep N,N,...     also run these group sizes (the HTML plots ENOBUFS and fallback
                      rate against group size; with --suggest and --html, sizes
                      around the answer are swept unless given)
  --html FILE         write an HTML report: the answer, the numbers, the plots
  --json              print the report as JSON instead of text
  --progress          report progress on stderr (default: when stderr is a terminal)
  --no-progress       never report progress
Exit codes: 0 done, 2 bad arguments or workload.`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Whether stderr is a terminal (progress then redraws one line). */
  errIsTty?: boolean;
}

const stdio: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), errIsTty: process.stderr.isTTY === true };

/** The values `runSizing` takes: flag names as given on the command line. */
export type SizingFlags = Record<string, string | boolean | object | undefined>;

/** Progress on stderr: a redrawn line on a terminal, a line per run otherwise. */
export function progressReporter(io: CliIo): (p: SizingProgress) => void {
  let lastKey = '';
  let lastPct = -1;
  return (p) => {
    const verb = { run: 'simulating', search: 'searching', sweep: 'sweeping' }[p.phase];
    const what = `${verb}: group ${p.groupSize}${p.phase === 'run' ? '' : ` (run ${p.run}${p.runs ? ` of ${p.runs}` : ''})`}`;
    const pct = Math.floor(p.done * 100);
    const key = `${p.phase} ${p.run}`;
    if (io.errIsTty) {
      if (pct === lastPct && key === lastKey) return;
      io.err(`\r\x1b[K${what} ${pct}%`);
    } else if (key !== lastKey) {
      io.err(`${what}\n`);
    }
    lastKey = key;
    lastPct = pct;
  };
}

function sizesFrom(v: string): number[] {
  const sizes = v.split(',').map((x) => Number(x.trim()));
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_GROUP)) {
    throw new Error(`--sweep takes group sizes from 1 to ${MAX_GROUP}, separated by commas, not ${v}`);
  }
  return sizes;
}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} takes a number, not ${v}`);
  return n;
}

/** Parses argv into a workload input (flags override a --workload file). */
export function workloadFromArgs(values: SizingFlags): SizingInput {
  const wl = values.workload;
  const base = typeof wl === 'string' ? readWorkload(wl) : typeof wl === 'object' ? (wl as SizingInput) : {};
  const w: Record<string, unknown> = { ...base };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) w[k] = v;
  };
  set('connections', num(values.connections as string | undefined, 'connections'));
  set('rate', num(values.rate as string | undefined, 'rate'));
  set('holdUs', num(values['hold-us'] as string | undefined, 'hold-us'));
  set('groupSize', num(values.group as string | undefined, 'group'));
  set('bufLen', num(values['buf-len'] as string | undefined, 'buf-len'));
  set('minLeft', num(values['min-left'] as string | undefined, 'min-left'));
  set('durationMs', num(values['duration-ms'] as string | undefined, 'duration-ms'));
  set('seed', num(values.seed as string | undefined, 'seed'));
  set('mode', values.mode);
  set('kernel', values.kernel);
  if (values['single-shot']) w.multishot = false;
  const ms = values['msg-size'];
  if (typeof ms === 'string') {
    const m = /^(\d+)(?:-(\d+))?$/.exec(ms);
    if (!m) throw new Error(`--msg-size takes N or MIN-MAX, not ${ms}`);
    w.msgSize = m[2] ? [Number(m[1]), Number(m[2])] : Number(m[1]);
  }
  return w as SizingInput;
}

function readWorkload(file: string): SizingInput {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as SizingInput;
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/**
 * Runs a sizing job from parsed flags (`uringlab size` and `uringlab-kbuf-size` both end
 * here): the report, the suggestion and the sweep, as text or JSON, and the HTML page.
 * Returns the exit code.
 */
export function runSizing(values: SizingFlags, io: CliIo = stdio): number {
  try {
    const input = workloadFromArgs(values);
    const showProgress = values.progress === true || (values.progress !== false && io.errIsTty === true);
    const progress = showProgress ? progressReporter(io) : undefined;
    const opts = progress ? { onProgress: progress } : {};
    const report = kbufSize(input, progress ? { onProgress: (done) => progress({ groupSize: input.groupSize ?? 64, done, run: 1, phase: 'run' }) } : {});
    let suggestion: SuggestedGroup | null | undefined;
    if (values.suggest) suggestion = suggestGroupSize(input, opts);
    let sweep: SweepPoint[] | undefined;
    const sizes = typeof values.sweep === 'string' ? sizesFrom(values.sweep)
      : values.suggest && typeof values.html === 'string' ? sweepSizes(suggestion?.groupSize ?? null, report.workload.groupSize) : undefined;
    if (sizes) sweep = sweepGroupSizes(input, sizes, opts);
    if (progress && io.errIsTty) io.err('\r\x1b[K');
    if (values.json) {
      const extra = {
        ...(suggestion === undefined ? {} : { suggestedGroupSize: suggestion?.groupSize ?? null }),
        ...(sweep ? { sweep } : {}),
      };
      io.out(JSON.stringify({ ...report, ...extra }, null, 2) + '\n');
    } else {
      io.out(formatReport(report) + '\n');
      if (suggestion !== undefined) {
        io.out(suggestion ? `  smallest group with no ENOBUFS: ${suggestion.groupSize}\n` : `  no group of up to ${MAX_GROUP} buffers avoids ENOBUFS\n`);
      }
      if (sweep) {
        io.out('  sweep             ' + sweep.map((p) => `${p.groupSize}: ${p.enobufs}`).join(', ') + ' (group: ENOBUFS)\n');
      }
    }
    if (typeof values.html === 'string') {
      writeFileSync(values.html, renderHtml(report, { ...(suggestion === undefined ? {} : { suggestion }), ...(sweep ? { sweep } : {}) }));
      if (!values.json) io.out(`  wrote ${values.html}\n`);
    }
    return 0;
  } catch (e) {
    const err = e as Error & { issues?: { path: (string | number)[]; message: string }[] };
    const msg = err.issues ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : err.message;
    io.err(`${msg}\n`);
    return 2;
  }
}

/** Runs the sizing CLI; returns the exit code. */
export function cli(argv: string[], io: CliIo = stdio): number {
  let values: SizingFlags;
  try {
    values = parseArgs({
      args: argv,
      options: {
        workload: { type: 'string' }, connections: { type: 'string' }, 'msg-size': { type: 'string' }, rate: { type: 'string' },
        'hold-us': { type: 'string' }, group: { type: 'string' }, 'buf-len': { type: 'string' }, mode: { type: 'string' },
        'min-left': { type: 'string' }, 'single-shot': { type: 'boolean' }, 'duration-ms': { type: 'string' }, seed: { type: 'string' },
        kernel: { type: 'string' }, suggest: { type: 'boolean' }, sweep: { type: 'string' }, html: { type: 'string' }, json: { type: 'boolean' },
        progress: { type: 'boolean' }, 'no-progress': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }).values;
    if (values['no-progress']) values.progress = false;
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  return runSizing(values, io);
}
