// `uringlab-kbuf-size` (and `cli(argv)` for the uringlab CLI): run a sizing workload from flags
// or a JSON file, print the report, optionally write the HTML page or JSON.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderHtml } from './html.js';
import { formatReport, suggestGroupSize } from './report.js';
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
  --html FILE         write an HTML report with the occupancy plot
  --json              print the report as JSON instead of text`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} takes a number, not ${v}`);
  return n;
}

/** Parses argv into a workload input (flags override a --workload file). */
export function workloadFromArgs(values: Record<string, string | boolean | undefined>): SizingInput {
  const base = typeof values.workload === 'string' ? (JSON.parse(readFileSync(values.workload, 'utf8')) as SizingInput) : {};
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

/** Runs the sizing CLI; returns the exit code. */
export function cli(argv: string[], io: CliIo = stdio): number {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        workload: { type: 'string' }, connections: { type: 'string' }, 'msg-size': { type: 'string' }, rate: { type: 'string' },
        'hold-us': { type: 'string' }, group: { type: 'string' }, 'buf-len': { type: 'string' }, mode: { type: 'string' },
        'min-left': { type: 'string' }, 'single-shot': { type: 'boolean' }, 'duration-ms': { type: 'string' }, seed: { type: 'string' },
        kernel: { type: 'string' }, suggest: { type: 'boolean' }, html: { type: 'string' }, json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  try {
    const input = workloadFromArgs(values);
    const report = kbufSize(input);
    const suggestion = values.suggest ? suggestGroupSize(input) : undefined;
    if (values.json) {
      io.out(JSON.stringify(suggestion === undefined ? report : { ...report, suggestedGroupSize: suggestion?.groupSize ?? null }, null, 2) + '\n');
    } else {
      io.out(formatReport(report) + '\n');
      if (suggestion !== undefined) {
        io.out(suggestion ? `  smallest group with no ENOBUFS: ${suggestion.groupSize}\n` : '  no group of up to 32768 buffers avoids ENOBUFS\n');
      }
    }
    if (typeof values.html === 'string') {
      writeFileSync(values.html, renderHtml(report));
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
