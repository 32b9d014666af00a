// `uringlab rsrc plan`: what registering a buffer pool in every ring costs against registering
// it once and cloning (the cost model of @uringlab/rsrc-copy), as text, JSON or an HTML report.

import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { isUringError } from '@uringlab/ring';
import { COST_PROFILES, formatPlan, planJson, planPool, renderPlanHtml } from '@uringlab/rsrc-copy';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';

interface PlanOptions {
  pool: string;
  pageSize: string;
  rings: string;
  bufferSize?: string;
  profile: string;
  memlock?: string;
  html?: string;
  json?: boolean;
}

export function addRsrcCommand(program: Command, io: CliIo, setCode: (code: number) => void): Command {
  const rsrc = program.command('rsrc').description('registered buffers: what registering and cloning a pool cost');
  rsrc
    .command('plan')
    .description('predict registration time per ring, clone time and memory charged, for each way of sharing a pool')
    .requiredOption('--pool <SIZE>', 'bytes in the pool (4096, 64m, 900g)')
    .option('--page-size <SIZE>', 'page size backing the pool: 4k, 2m or 1g (any power of two from 4k to 1g)', '4k')
    .option('--rings <N>', 'rings that need the pool', '2')
    .option('--buffer-size <SIZE>', 'bytes per registered buffer (default: one page, more if 16384 buffers are too few)')
    .addOption(new Option('--profile <ID>', 'prices: measured natively on 6.18, in the 7.3 VM (TCG), or from the seed').choices(Object.keys(COST_PROFILES)).default('native-6.18'))
    .option('--memlock <SIZE>', 'RLIMIT_MEMLOCK of an unprivileged user (default: none, as for root)')
    .option('--html <FILE>', 'write an HTML report with plots')
    .option('--json', 'print the plan as JSON')
    .addHelpText('after', '\nExample:\n  uringlab rsrc plan --pool 900g --page-size 1g --rings 8 --html plan.html')
    .action((o: PlanOptions) => {
      const rings = /^\d+$/.test(o.rings) ? Number(o.rings) : Number.NaN;
      try {
        const plan = planPool({
          pool: o.pool, pageSize: o.pageSize, rings, profile: o.profile as keyof typeof COST_PROFILES,
          ...(o.bufferSize !== undefined ? { bufferSize: o.bufferSize } : {}),
          ...(o.memlock !== undefined ? { memlock: o.memlock } : {}),
        });
        if (o.html) writeFileSync(o.html, renderPlanHtml(plan));
        io.out(o.json ? planJson(plan) : formatPlan(plan));
        if (o.html && !o.json) io.out(`HTML report written to ${o.html}\n`);
        setCode(EXIT.OK);
      } catch (e) {
        if (!isUringError(e)) throw e;
        io.err(`error: ${e.message}\n`);
        setCode(EXIT.USAGE);
      }
    });
  return rsrc;
}
