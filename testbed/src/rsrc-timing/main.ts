// `pnpm testbed:rsrc-timing [--native] [--accel auto|kvm|tcg] [--out FILE]`: times
// REGISTER_BUFFERS and CLONE_BUFFERS on a real kernel (the 7.3 guest, with 2 MiB hugetlb pages it
// reserves at boot, or the host kernel, with THP through madvise) and prints each measurement
// beside the prediction of @uringlab/rsrc-copy's cost model. Not a judged run: timings vary,
// and this program has no model side to diff (COSTS.md says why).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AccelChoice } from '../accel.js';
import { runNative } from '../native.js';
import { dirs } from '../paths.js';
import { prepare } from '../prepare.js';
import { buildRunner, debianSysroot } from '../runner-build.js';
import { runInVm } from '../vm.js';
import { timingCases, timingProgram } from './program.js';
import { readCase } from './read.js';
import { compareCases, formatComparison } from './compare.js';

/** 2 MiB hugetlb pages the guest reserves at boot (of its 1024 MiB): the largest hugetlb case is 128 MiB. */
export const GUEST_HUGEPAGES = 80;

const { values: opt } = parseArgs({
  options: {
    native: { type: 'boolean', default: false },
    accel: { type: 'string', default: 'auto' },
    out: { type: 'string' },
  },
});
const mode = opt.native ? 'native' : 'vm';
const cases = timingCases(mode);
const programText = timingProgram(cases);
const prepared = await prepare({ vm: !opt.native, accel: opt.accel as AccelChoice });
const { runnerPath } = await buildRunner(debianSysroot(prepared.sysroot.devRoots));
const runnerArgs = ['--budget-ms', '60000'];
const run = opt.native
  ? await runNative({ programText, runnerPath, runnerArgs, hardTimeoutMs: 600_000 })
  : await runInVm({ programText, runnerPath, prepared, runnerArgs, kernelArgs: [`hugepages=${GUEST_HUGEPAGES}`], hardTimeoutMs: 900_000, silenceTimeoutMs: 120_000 });
if (run.outcome !== 'completed') console.error(`run ${run.outcome}: ${run.problem ?? ''}`);
const readings = cases.map((c) => ({ c, r: readCase(run.scenarios.get(c.id)) }));
const where = `${mode === 'vm' ? `Linux ${run.kernelRelease ?? '?'} in QEMU (${run.accel ?? '?'})` : `host kernel ${run.kernelRelease ?? '?'} (native)`}`;
const cmp = compareCases(readings, mode);
for (const l of formatComparison(cmp, where)) console.log(l);
const file = resolve(opt.out ?? `${dirs().out}/rsrc-timing-${mode}.json`);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ where, mode, kernel: run.kernelRelease, ...cmp }, null, 2) + '\n');
console.log(`\nwritten to ${file}`);
process.exit(run.outcome === 'completed' && cmp.rows.every((r) => !r.problem) ? 0 : 1);
