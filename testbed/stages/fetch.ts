// Stage 1 on its own (`pnpm testbed fetch`, or this file under zx): host tools, the guest's
// Debian packages through the testbed's own apt (kernel, modules, busybox-static, liburing,
// UAPI headers), the bootable kernel image and the accelerator decision. Nothing is booted.
import { $, chalk, echo, spinner } from 'zx';
import { fetchStage } from '../src/stages.js';
import { stageArgs } from './args.js';

const USAGE = 'usage: pnpm testbed fetch [--native] [--accel auto|kvm|tcg] [--kernel-version SEL]';
const a = stageArgs('fetch', ['native', 'accel', 'kernel-version'], USAGE);

try {
  const work = () => fetchStage({ vm: !a.native, accel: a.accel, kernelVersion: a.kernelVersion });
  // The spinner is for a terminal; in a CI log it would be noise.
  const p = process.stderr.isTTY ? await spinner('fetching', work) : await work();
  echo(`kernel ${chalk.bold(p.sysroot.kernelRelease)} (${p.sysroot.kernel.version})`);
  for (const pkg of p.sysroot.packages) echo(`  ${pkg.name} ${pkg.version}  ${pkg.dir}`);
  if (p.kernelImage) {
    echo(`boots ${p.kernelImage.kind}: ${p.kernelImage.path}`);
    echo(`accel ${chalk.bold(p.accel?.accel)}: ${p.accel?.reason}`);
    const q = await $({ nothrow: true, quiet: true })`qemu-system-x86_64 --version`;
    echo(q.exitCode === 0 ? q.stdout.split('\n')[0] : chalk.yellow('qemu-system-x86_64 did not run'));
  }
  for (const n of p.notes) echo(chalk.yellow(`note: ${n}`));
  echo(`fetch ${(p.timings.fetchMs / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(chalk.red((e as Error).message));
  process.exit(1);
}
