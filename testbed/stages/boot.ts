// Stage 3 on its own (`pnpm testbed boot`, or this file under zx): fetch and build (cached), then
// one boot that runs the selected scenarios' program (or the runner natively), and each
// scenario's raw outcome as the runner reported it. No judging: `pnpm testbed` diffs the traces
// against the models. Exits 0 when the guest ran the program to its end.
import { chalk, echo } from 'zx';
import { bootStage, buildStage, fetchStage } from '../src/stages.js';
import { runnablePrograms, stageArgs, stageSuite } from './args.js';

const USAGE = `usage: pnpm testbed boot [--native] [--accel auto|kvm|tcg] [--kernel-version SEL]
                         [--scenarios PATH]... [--only-scenarios] [--filter RE] [--keep] [--verbose]`;
const a = stageArgs('boot', ['native', 'accel', 'kernel-version', 'scenarios', 'only-scenarios', 'filter', 'keep', 'verbose'], USAGE);

try {
  const suite = await stageSuite(a);
  const programs = runnablePrograms(suite);
  const programText = programs.map((x) => x.text).join('\n');
  const prepared = await fetchStage({ vm: !a.native, accel: a.accel, kernelVersion: a.kernelVersion });
  const built = await buildStage({ prepared, programText });
  const run = await bootStage({
    prepared, built, programText, keep: a.keep,
    onEvent: (e) => {
      if (e.type === 'kernel') echo(`kernel ${e.release} up after ${(e.atMs / 1000).toFixed(1)} s`);
      else if (a.verbose && e.type === 'console') echo(chalk.dim(e.line));
    },
  });
  for (const x of programs) {
    const r = run.scenarios.get(x.id);
    const st = r?.status ?? 'missing';
    const paint = st === 'ok' ? chalk.green : st === 'skip' ? chalk.yellow : chalk.red;
    echo(`${x.id}: ${paint(st)}${r?.reason ? ` (${r.reason})` : ''}, ${r?.records.length ?? 0} records`);
  }
  for (const n of run.notes) echo(chalk.dim(`note: ${n}`));
  const t = run.timings;
  echo(`${run.kernelRelease ?? 'no kernel'}: ${run.outcome}` + (t.bootToFirstScenarioMs !== undefined ? `, first scenario after ${(t.bootToFirstScenarioMs / 1000).toFixed(1)} s` : '') + `, ${((t.processMs ?? 0) / 1000).toFixed(1)} s in all`);
  if (run.problem) echo(chalk.red(run.problem));
  process.exit(run.outcome === 'completed' ? 0 : 1);
} catch (e) {
  console.error(chalk.red((e as Error).message));
  process.exit(1);
}
