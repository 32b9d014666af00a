// `pnpm testbed shell` (or this file under zx): boots the guest a run boots, with the runner, the
// selected scenarios' programs (/scenarios/NAME.prog) and busybox, and gives this terminal a shell
// on its serial console. Ctrl-D or `exit` powers the guest off; Ctrl-A x kills a hung guest.
import { chalk, echo } from 'zx';
import { runShell } from '../src/shell.js';
import { buildStage, fetchStage } from '../src/stages.js';
import { runnablePrograms, stageArgs, stageSuite } from './args.js';

const USAGE = `usage: pnpm testbed shell [--accel auto|kvm|tcg] [--kernel-version SEL]
                          [--scenarios PATH]... [--only-scenarios] [--filter RE]`;
const a = stageArgs('shell', ['accel', 'kernel-version', 'scenarios', 'only-scenarios', 'filter'], USAGE);

try {
  const suite = await stageSuite(a);
  const programs = runnablePrograms(suite);
  const prepared = await fetchStage({ vm: true, accel: a.accel, kernelVersion: a.kernelVersion });
  const built = await buildStage({ prepared });
  echo(chalk.dim(`booting ${prepared.sysroot.kernelRelease} (${prepared.accel?.accel}: ${prepared.accel?.reason}) with ${programs.length} scenario programs; Ctrl-D powers off, Ctrl-A x kills QEMU`));
  const size = process.stdout.isTTY ? { rows: process.stdout.rows, cols: process.stdout.columns } : undefined;
  const timeout = Number(process.env['URINGLAB_SHELL_TIMEOUT_MS'] ?? 0);
  const r = await runShell({ prepared, runnerPath: built.runnerPath, programs, ...(size ? { size } : {}), ...(timeout > 0 ? { timeoutMs: timeout } : {}) });
  if (r.poweredOff && r.exitCode === 0) {
    echo(chalk.dim(`guest powered off after ${(r.ms / 1000).toFixed(1)} s; kernel console in ${r.kernelConsole}`));
    process.exit(0);
  }
  echo(chalk.red(`the guest did not power off cleanly (QEMU exit ${r.exitCode ?? 'signal'}); kernel console in ${r.kernelConsole}`));
  process.exit(1);
} catch (e) {
  console.error(chalk.red((e as Error).message));
  process.exit(1);
}
