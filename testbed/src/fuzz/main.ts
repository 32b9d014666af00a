// The --fuzz branch of `pnpm testbed`: get the runner and (for the VM) the guest ready, pick the
// model profile of the kernel the cases will run on, fuzz, and print the summary.

import { release } from 'node:os';
import { join } from 'node:path';
import type { KernelId } from '@uringlab/ring';
import { buildRunner, debianSysroot } from '../runner-build.js';
import { prepare } from '../prepare.js';
import { modelPackages } from '../suite.js';
import { ioUringDisabledReason } from '../native.js';
import { dirs, TESTBED_DIR } from '../paths.js';
import type { AccelChoice } from '../accel.js';
import { nativeKernel, vmKernel } from './kernels.js';
import { formatSummary, runFuzz, type Judged } from './run.js';
import { readFileSync } from 'node:fs';

export interface FuzzCli {
  cases: number;
  seed: number;
  native: boolean;
  accel: AccelChoice;
  kernelVersion: string | undefined;
  foundDir?: string;
}

/** The model profile of a kernel release (7.3 for anything that is not 6.18). */
export function profileOf(rel: string | undefined): KernelId {
  return rel?.startsWith('6.18') ? '6.18' : '7.3';
}

function nativeUsable(): boolean {
  let sysctl: string | undefined;
  try {
    sysctl = readFileSync('/proc/sys/kernel/io_uring_disabled', 'utf8');
  } catch {
    sysctl = undefined;
  }
  return ioUringDisabledReason(sysctl, process.getuid?.() === 0) === undefined;
}

export async function fuzzMain(o: FuzzCli): Promise<number> {
  const log = (l: string) => console.log(l);
  const d = dirs();
  const prepared = await prepare({ vm: !o.native, accel: o.accel, kernelVersion: o.kernelVersion });
  const { runnerPath } = await buildRunner(debianSysroot(prepared.sysroot.devRoots));
  const extensions = (await modelPackages()).flatMap((p) => (p.extension ? [p.extension] : []));
  const host: Judged = { kernel: nativeKernel(runnerPath), profile: profileOf(release()) };
  const on: Judged = o.native ? host : { kernel: vmKernel(runnerPath, prepared), profile: profileOf(prepared.sysroot.kernelRelease) };
  const foundDir = o.foundDir ?? join(TESTBED_DIR, 'fuzz-found');
  log(`fuzz: ${o.cases} cases, seed ${o.seed}, ${on.kernel.label}, judged with the ${on.profile} model and ${extensions.map((e) => e.name).join(', ') || 'no extension'}`);
  const summary = await runFuzz({
    cases: o.cases,
    seed: o.seed,
    extensions,
    on,
    ...(!o.native && nativeUsable() ? { shrinkOn: host } : {}),
    foundDir,
    outDir: d.out,
    log,
  });
  log(formatSummary(summary, foundDir));
  return summary.ok ? 0 : 1;
}
