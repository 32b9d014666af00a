// `uringlab size [options]`: the provided-buffer sizing helper of @uringlab/kbuf-cache, with
// this CLI's option parsing (help, did-you-mean) and error handling.

import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { runSizing } from '@uringlab/kbuf-cache';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseJson } from '../json.js';

/** [flag, value name or '' for a boolean, description, default shown in help]. */
const OPTIONS: [string, string, string, string?][] = [
  ['workload', 'FILE', 'read the workload from JSON (the options below override it)'],
  ['connections', 'N', 'connections, one receive each', '16'],
  ['msg-size', 'N|MIN-MAX', 'bytes per message, fixed or uniform', '1024'],
  ['rate', 'N', 'messages per second per connection', '1000'],
  ['hold-us', 'N', 'how long the application holds a buffer, in microseconds', '200'],
  ['group', 'N', 'buffers in the group', '64'],
  ['buf-len', 'N', 'bytes per buffer', '4096'],
  ['mode', 'MODE', 'the kind of group', 'ring'],
  ['min-left', 'N', 'min_left of an incremental ring', '0'],
  ['single-shot', '', 'one receive per completion instead of multishot'],
  ['duration-ms', 'N', 'virtual time to simulate, in milliseconds', '100'],
  ['seed', 'N', 'random seed', '1'],
  ['kernel', 'K', 'kernel profile', '7.3'],
  ['suggest', '', 'also find the smallest group with no ENOBUFS'],
  ['sweep', 'N,N,...', 'also run these group sizes (plotted in the HTML; with --suggest and --html, sizes around the answer by default)'],
  ['html', 'FILE', 'write an HTML report: the answer, the numbers, the plots'],
  ['json', '', 'print the report as JSON instead of text'],
  ['progress', '', 'report progress on stderr (default: when stderr is a terminal)'],
  ['no-progress', '', 'never report progress'],
];

/** Adds `size` to `program` (as a child, so it inherits output, exit and suggestion settings). */
export function addSizeCommand(program: Command, io: CliIo, setCode: (code: number) => void): Command {
  const cmd = program.command('size')
    .description('size a provided-buffer group for a receive workload (ENOBUFS, occupancy, waste)')
    .addHelpText('after', '\nExample:\n  uringlab size --connections 64 --msg-size 512-4096 --group 128 --suggest --html sizing.html');
  for (const [flag, value, desc, def] of OPTIONS) {
    const o = new Option(`--${flag}${value ? ` <${value}>` : ''}`, def ? `${desc} (default: ${def})` : desc);
    if (flag === 'mode') o.choices(['legacy', 'ring', 'incremental']);
    if (flag === 'kernel') o.choices(['7.3', '6.18']);
    cmd.addOption(o);
  }
  cmd.action((opts: Record<string, string | boolean | undefined>) => {
    const values: Record<string, string | boolean | object | undefined> = {};
    for (const [flag] of OPTIONS) {
      if (flag === 'no-progress') continue;
      const key = flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      if (opts[key] !== undefined) values[flag] = opts[key];
    }
    if (typeof values.workload === 'string') {
      const file = values.workload;
      try {
        values.workload = parseJson(readFileSync(file, 'utf8'), file) as object;
      } catch (e) {
        io.err(`${(e as Error).message}\n`);
        return setCode(EXIT.USAGE);
      }
    }
    setCode(runSizing(values, io));
  });
  return cmd;
}
