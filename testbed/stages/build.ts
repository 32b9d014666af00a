// Stage 2 on its own (`pnpm testbed build`, or this file under zx): fetches what is missing, then
// builds the static runner and, for the VM, the initramfs holding the selected scenarios' program.
// Prints where both are; `pnpm testbed boot` runs them.
import { chalk, echo } from 'zx';
import { buildStage, fetchStage } from '../src/stages.js';
import { runnablePrograms, stageArgs, stageSuite } from './args.js';

const USAGE = `usage: pnpm testbed build [--native] [--kernel-version SEL]
                          [--scenarios PATH]... [--only-scenarios] [--filter RE]`;
const a = stageArgs('build', ['native', 'kernel-version', 'scenarios', 'only-scenarios', 'filter', 'verbose'], USAGE);

try {
  const suite = await stageSuite(a);
  const programs = runnablePrograms(suite);
  const prepared = await fetchStage({ vm: !a.native, kernelVersion: a.kernelVersion });
  const built = await buildStage({ prepared, programText: programs.map((x) => x.text).join('\n') });
  echo(`runner ${built.runnerRebuilt ? 'built' : 'up to date'}: ${built.runnerPath}`);
  if (built.initramfs) {
    const i = built.initramfs;
    echo(`initramfs ${i.rebuilt ? 'built' : 'up to date'}: ${i.path} (${(i.bytes / 2 ** 20).toFixed(1)} MiB, ${programs.length} scenarios, modules ${i.modules.join(' ')})`);
  }
} catch (e) {
  console.error(chalk.red((e as Error).message));
  process.exit(1);
}
