// `pnpm testbed`: select the scenarios, fetch, build, boot (or run natively), judge every
// scenario against the model profile of the kernel it ran on (with its own package's extensions
// and with every extension), and report. The report is written however far the run got. Exit 0
// only when nothing diverged, the UAPI layout agreed, every scenario file was valid and the guest
// logged no splat; 2 for a bad command line or a selection of no scenario.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Listr } from 'listr2';
import { UAPI_CONSTANTS, UAPI_STRUCTS, type KernelId } from '@uringlab/ring';
import { checkLayout, type LayoutConstant, type LayoutResult, type LayoutStruct } from './layout-check.js';
import { debianSysroot } from './runner-build.js';
import { judge, type ScenarioVerdict } from './judge.js';
import { conclude } from './conclude.js';
import { loadSuite, type Suite } from './suite.js';
import { parseFilter, SelectionError } from './selection.js';
import type { Prepared } from './prepare.js';
import { bootStage, buildStage, fetchStage, type Built } from './stages.js';
import type { RunResult } from './result.js';
import { describeCoverage, readConfig, splatCoverage, type SplatCoverage } from './splat-classes.js';
import { coverageFiles, dirs, latestLink, reportDir } from './paths.js';
import type { AccelChoice } from './accel.js';
import type { TestbedEvent } from './events.js';
import { fuzzMain } from './fuzz/main.js';
import { coveragePlan, coverageReport, coverageText, readTraceable, rememberTraceable, writeCoverage, type CoveragePlan, type CoverageReport } from './coverage.js';
import { ioUringFunctions, traceableFile, type StoredFunctions } from './coverage-functions.js';

const USAGE = `usage: pnpm testbed [--native] [--accel auto|kvm|tcg] [--kernel-version SEL]
                    [--scenarios PATH]... [--only-scenarios] [--filter RE] [--keep] [--verbose] [--out DIR]
                    [--coverage]
       pnpm testbed --fuzz N [--seed S] [--native] [--accel auto|kvm|tcg]
       pnpm testbed fetch|build|boot|shell [OPTIONS]   (one stage; --help for its options)`;

/** `pnpm testbed STAGE`: one stage on its own, through its zx script in ../stages/. */
const STAGES: Record<string, () => Promise<unknown>> = {
  fetch: () => import('../stages/fetch.js'),
  build: () => import('../stages/build.js'),
  boot: () => import('../stages/boot.js'),
  shell: () => import('../stages/shell.js'),
};
const stage = process.argv[2] === undefined ? undefined : STAGES[process.argv[2]];
if (stage) {
  await stage();
  process.exit(process.exitCode ?? 0);
}

/** The runner's per-scenario budget (runner --budget-ms default). */
const BUDGET_S = 10;

/** A mistyped option is a usage error, not a stack trace. */
function options() {
  try {
    return parseArgs({
      options: {
        native: { type: 'boolean', default: false },
        accel: { type: 'string', default: 'auto' },
        'kernel-version': { type: 'string' },
        scenarios: { type: 'string', multiple: true, default: [] },
        'only-scenarios': { type: 'boolean', default: false },
        filter: { type: 'string' },
        keep: { type: 'boolean', default: false },
        coverage: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        out: { type: 'string' },
        fuzz: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const opt = options();
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!['auto', 'kvm', 'tcg'].includes(opt.accel)) {
  console.error(`--accel must be auto, kvm or tcg\n${USAGE}`);
  process.exit(2);
}

if (opt.coverage && (opt.native || opt.fuzz !== undefined)) {
  console.error(`--coverage traces the guest kernel: it needs the VM, and does not go with --native or --fuzz\n${USAGE}`);
  process.exit(2);
}

if (opt.fuzz !== undefined || opt.seed !== undefined) {
  const n = Number(opt.fuzz);
  const seed = opt.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(opt.seed);
  if (opt.fuzz === undefined || !Number.isInteger(n) || n < 1 || !Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    console.error(`--fuzz takes a case count (1 or more) and --seed a number in [0, 2^32)\n${USAGE}`);
    process.exit(2);
  }
  try {
    process.exit(await fuzzMain({ cases: n, seed, native: opt.native, accel: opt.accel as AccelChoice, kernelVersion: opt['kernel-version'] }));
  } catch (e) {
    console.error(`\n${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  }
}

/** Which model profile judges a kernel release: its own, else the newest (7.3) with a note. */
function profileFor(release: string | undefined): { id: KernelId; note?: string } {
  if (release?.startsWith('6.18')) return { id: '6.18' };
  if (release?.startsWith('7.3')) return { id: '7.3' };
  return { id: '7.3', note: `no model profile for kernel ${release ?? '?'}; judged with the 7.3 profile` };
}

interface Ctx {
  prepared: Prepared;
  built: Built;
  suite: Suite;
  layout: LayoutResult | undefined;
  run: RunResult;
  verdicts: ScenarioVerdict[];
  coverage: SplatCoverage | undefined;
  functions: StoredFunctions | undefined;
  plan: CoveragePlan | undefined;
}

const t0 = performance.now();
const secs = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms) / 1000);
const timings: Record<string, number | null> = {};
const d = dirs();
// vm and native runs keep their own folder; --out DIR writes exactly there and moves no link.
const outDir = opt.out ? resolve(opt.out) : reportDir(opt.native ? 'native' : 'vm', d);

const tasks = new Listr<Ctx>(
  [
    {
      // First, so that a selection of nothing fails before anything is fetched or booted.
      title: 'Scenarios',
      task: async (ctx, task) => {
        ctx.suite = await loadSuite({
          extra: opt.scenarios,
          onlyExtra: opt['only-scenarios'],
          ...(opt.filter ? { filter: parseFilter(opt.filter) } : {}),
        });
        const n = ctx.suite.scenarios.length;
        const both = ctx.suite.scenarios.filter((x) => x.together).length;
        task.title = `Scenarios: ${n}, ${both} also with every extension loaded${ctx.suite.errors.length ? `, ${ctx.suite.errors.length} invalid` : ''}`;
      },
    },
    {
      title: opt.native ? 'Guest packages (for the runner build)' : 'Host tools, guest packages, kernel',
      task: async (ctx, task) => {
        ctx.prepared = await fetchStage({
          vm: !opt.native,
          accel: opt.accel as AccelChoice,
          kernelVersion: opt['kernel-version'],
          onEvent: (e) => {
            if (e.type === 'step') task.output = e.message;
          },
        });
        timings['fetch_s'] = secs(ctx.prepared.timings.fetchMs);
        const k = ctx.prepared.sysroot.kernelRelease;
        task.title = opt.native ? 'Guest packages ready' : `Kernel ${k} (${ctx.prepared.kernelImage?.kind}), ${ctx.prepared.accel?.accel}`;
      },
    },
    {
      title: 'io_uring functions (--coverage)',
      enabled: () => opt.coverage,
      task: async (ctx, task) => {
        const r = await ioUringFunctions({ dirs: ctx.prepared.dirs, kernel: ctx.prepared.sysroot.kernel, say: (m) => (task.output = m) });
        ctx.functions = r.stored;
        timings['coverage_functions_s'] = secs(r.derivedMs ?? 0);
        task.title = `io_uring functions: ${r.stored.functions.length} symbols in io_uring/*.c units (${r.derivedMs ? 'derived from' : 'cached, from'} ${r.stored.source})`;
      },
    },
    {
      title: opt.native ? 'Runner' : 'Runner and initramfs',
      task: async (ctx, task) => {
        const runnable = ctx.suite.scenarios.filter((s) => s.text !== undefined);
        const programText = runnable.map((s) => s.text).join('\n');
        // --coverage: the guest traces each package's scenarios apart (coverage.ts), so its
        // initramfs carries per-package programs and a runner line of its own.
        const listed = ctx.functions && readTraceable(traceableFile(ctx.prepared.dirs, ctx.prepared.sysroot.kernel));
        ctx.plan = ctx.functions && coveragePlan(ctx.functions, runnable.map((s) => ({ source: s.source, id: s.program.id, text: s.text! })), ['/runner'], listed);
        ctx.built = await buildStage({ prepared: ctx.prepared, programText, ...(ctx.plan ? { guestExtra: ctx.plan.guest } : {}) });
        timings['runner_s'] = secs(ctx.built.runnerMs);
        const i = ctx.built.initramfs;
        task.title = `Runner ${ctx.built.runnerRebuilt ? 'built' : 'up to date'}` + (i ? `, initramfs ${i.rebuilt ? 'built' : 'up to date'}` : '');
      },
    },
    {
      title: 'UAPI layout check',
      task: async (ctx, task) => {
        ctx.layout = await checkLayout({
          includeDirs: debianSysroot(ctx.prepared.sysroot.devRoots).includeDirs,
          structs: UAPI_STRUCTS as unknown as readonly LayoutStruct[],
          constants: UAPI_CONSTANTS as unknown as readonly LayoutConstant[],
        });
        const bad = ctx.layout.mismatches.length;
        task.title = `UAPI layout: ${ctx.layout.checked} items, ${bad ? `${bad} MISMATCH` : 'all agree'}`;
      },
    },
    {
      title: opt.native ? 'Run on the host kernel' : 'Boot',
      // A failed boot shows as failed, and the run still goes on to judge and report.
      exitOnError: false,
      task: async (ctx, task) => {
        const runnable = ctx.suite.scenarios.filter((s) => s.text !== undefined);
        const programText = runnable.map((s) => s.text).join('\n');
        let done = 0;
        const onEvent = (e: TestbedEvent) => {
          if (e.type === 'kernel') task.title = `Kernel ${e.release} up after ${(e.atMs / 1000).toFixed(1)} s`;
          else if (e.type === 'scenario-begin') task.output = `${e.id} (${done + 1}/${runnable.length})`;
          else if (e.type === 'scenario-end') done++;
          else if (e.type === 'step') task.output = e.message;
          else if (e.type === 'console' && opt.verbose) task.output = e.line;
        };
        ctx.run = await bootStage({
          prepared: ctx.prepared, built: ctx.built, programText, keep: opt.keep, onEvent,
          ...(ctx.plan ? { kernelArgs: ctx.plan.kernelArgs } : {}),
        });
        const t = ctx.run.timings;
        timings['boot_s'] = opt.native ? null : secs(t.bootToFirstScenarioMs);
        timings['run_s'] = secs(t.processMs);
        if (!opt.native) {
          const cfg = readConfig(ctx.prepared.sysroot.kernelConfig);
          ctx.coverage = cfg ? splatCoverage(cfg, ctx.run.meta, BUDGET_S) : undefined;
        }
        task.title = (ctx.run.kernelRelease ? `${ctx.run.kernelRelease}: ${done} scenarios, ${ctx.run.outcome}` : `no kernel came up (${ctx.run.outcome})`) +
          (t.bootToFirstScenarioMs !== undefined && !opt.native ? `, boot ${(t.bootToFirstScenarioMs / 1000).toFixed(1)} s` : '');
        if (ctx.run.outcome !== 'completed') throw new Error(ctx.run.problem?.split('\n')[0] ?? ctx.run.outcome);
      },
    },
    {
      title: 'Judge',
      enabled: (ctx) => ctx.run !== undefined,
      task: (ctx, task) => {
        const p = profileFor(ctx.run.kernelRelease);
        if (p.note && ctx.run.kernelRelease) ctx.run.notes.push(p.note);
        const t = performance.now();
        ctx.verdicts = ctx.suite.scenarios.map((s) => judge(s, p.id, ctx.run.scenarios.get(s.program.id)));
        timings['judge_s'] = secs(performance.now() - t);
        const diverged = ctx.verdicts.filter((v) => v.verdict === 'diverge').length;
        task.title = `Judged against the ${p.id} model, alone and with every extension: ${diverged ? `${diverged} DIVERGE` : 'no divergence'}`;
      },
    },
  ],
  { rendererOptions: { collapseSubtasks: false }, exitOnError: true },
);

const ctx = {} as Partial<Ctx>;
let failure: string | undefined;
let selectionError = false;
try {
  await tasks.run(ctx as Ctx);
} catch (e) {
  failure = (e as Error).message;
  selectionError = e instanceof SelectionError;
  console.error(`\n${failure}`);
}
// The boot stage does not stop the list; an exception there (QEMU would not start) is kept here.
if (!failure && !ctx.run) failure = tasks.errors.map((e) => e.error?.message ?? e.message).join('; ') || 'the kernel run did not happen';

let covReport: CoverageReport | undefined;
if (ctx.functions && ctx.plan && ctx.run) {
  covReport = coverageReport(ctx.functions, ctx.plan, ctx.run.meta, ctx.run.kernelRelease ?? 'unknown');
  rememberTraceable(traceableFile(ctx.prepared!.dirs, ctx.prepared!.sysroot.kernel), ctx.run.meta, covReport);
}
const notes = [...(ctx.prepared?.notes ?? [])];
if (ctx.coverage) notes.push(describeCoverage(ctx.coverage, BUDGET_S));
const result = conclude({
  outDir,
  mode: opt.native ? 'native' : 'vm',
  profile: profileFor(ctx.run?.kernelRelease).id,
  suite: ctx.suite,
  run: ctx.run,
  layout: ctx.layout,
  verdicts: ctx.verdicts ?? [],
  ...(failure ? { failure } : {}),
  ...(ctx.coverage ? { splatCoverage: ctx.coverage } : {}),
  ...(covReport ? { ioUringCoverage: covReport } : {}),
  notes,
  timings,
  wallS: secs(performance.now() - t0) ?? 0,
  ...(opt.out ? {} : { latest: latestLink(d) }),
});
for (const l of result.lines) console.log(l);
// A run without --coverage leaves no coverage files of an earlier one beside its own summary.
if (!covReport) for (const f of Object.values(coverageFiles(outDir))) rmSync(f, { force: true });
if (covReport) {
  const f = writeCoverage(outDir, covReport);
  console.log(['', ...coverageText(covReport, false), `Every unreached function: ${f.text} (and ${f.json})`].join('\n'));
}
process.exit(selectionError ? 2 : result.exitCode);
