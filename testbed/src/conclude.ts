// The end of every run, however far it got: the summary, the report on disk, the lines for the
// terminal, and the exit code. A stage that failed (a damaged cache, QEMU killed from outside)
// still gets a report saying what happened; the exit code is 0 only when everything held.
import type { KernelId } from '@uringlab/ring';
import type { ScenarioVerdict } from './judge.js';
import type { LayoutResult } from './layout-check.js';
import { countVerdicts, writeReport, type ReportSection, type RunSummary, type StageTimes } from './report.js';
import { runProblems, type RunResult } from './result.js';
import { collectMeasurements, formatMeasurements } from './measurements.js';
import type { SplatCoverage } from './splat-classes.js';
import type { Suite } from './suite.js';
import { coverageHtml, coverageSummary, type CoverageReport } from './coverage.js';

export interface ConcludeInput {
  outDir: string;
  mode: 'vm' | 'native';
  profile: KernelId;
  suite: Suite | undefined;
  run: RunResult | undefined;
  layout: LayoutResult | undefined;
  verdicts: readonly ScenarioVerdict[];
  /** Why the run stopped before judging, if it did (a stage that threw). */
  failure?: string;
  splatCoverage?: SplatCoverage;
  /** --coverage: io_uring functions reached (coverage.ts); summary.json keeps the counts. */
  ioUringCoverage?: CoverageReport;
  /** Notes from the stages (fetch repairs, the kernel image chosen, the splat scan's reach). */
  notes?: readonly string[];
  timings: Record<string, number | null>;
  wallS: number;
  /** Extra report sections (coverage...), shown after the divergences. */
  sections?: readonly ReportSection[];
  /** A symlink to point at outDir once the report is written (testbed/out/latest). */
  latest?: string;
}

export interface Concluded {
  summary: RunSummary;
  exitCode: number;
  /** What to print, in order. */
  lines: string[];
}

const secs = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms) / 1000);

/** The five stages from the orchestration's timings and the run's own clock. */
function stageTimes(i: ConcludeInput): StageTimes {
  const t = i.run?.timings;
  const boot = i.mode === 'vm' ? t?.bootToFirstScenarioMs : undefined;
  // The run starts where the boot ends; without a first scenario (nothing ran) it is the process.
  const run = t?.processMs === undefined ? undefined : Math.max(0, t.processMs - (boot ?? 0));
  return {
    fetch_s: i.timings['fetch_s'] ?? null,
    build_s: i.timings['runner_s'] ?? null,
    boot_s: secs(boot),
    run_s: secs(run),
    judge_s: i.timings['judge_s'] ?? null,
  };
}

export function conclude(i: ConcludeInput): Concluded {
  const run = i.run;
  const problems = run ? runProblems(run) : [];
  const layoutBad = i.layout?.mismatches ?? [];
  const invalid = i.suite?.errors ?? [];
  const summary: RunSummary = {
    kernel: run?.kernelRelease ?? 'unknown',
    profile: i.profile,
    mode: i.mode,
    accel: i.mode === 'native' ? 'none' : (run?.accel ?? 'tcg'),
    ...countVerdicts(i.verdicts),
    boot_s: i.mode === 'native' ? null : secs(run?.timings.bootToFirstScenarioMs),
    wall_s: i.wallS,
    timings: { ...i.timings, per_scenario_max_s: secs(Math.max(0, ...Object.values(run?.timings.scenarios ?? {}))) },
    stages: stageTimes(i),
    layout: i.layout ? { checked: i.layout.checked, mismatches: layoutBad } : null,
    splats: run?.splats ?? [],
    ...(i.splatCoverage ? { splat_coverage: i.splatCoverage } : {}),
    invalid,
    notes: [...(i.notes ?? []), ...(run?.notes ?? []), ...problems],
    ...(i.failure ? { failure: i.failure } : {}),
    measurements: collectMeasurements(i.verdicts),
    ...(i.ioUringCoverage ? { io_uring_coverage: coverageSummary(i.ioUringCoverage) } : {}),
    ok: false,
  };
  summary.ok = !i.failure && run !== undefined && summary.diverge === 0 && problems.length === 0 && layoutBad.length === 0 && invalid.length === 0 &&
    i.verdicts.length > 0;
  const sections = [
    ...(i.sections ?? []),
    ...(i.ioUringCoverage ? [{ id: 'io-uring-coverage', title: 'io_uring function coverage', html: coverageHtml(i.ioUringCoverage) }] : []),
  ];
  const { dir } = writeReport(i.outDir, summary, i.verdicts, { ...(sections.length ? { sections } : {}), ...(i.latest ? { latest: i.latest } : {}) });

  const lines: string[] = [''];
  const w = Math.max(8, ...i.verdicts.map((v) => v.name.length));
  const tag = (v: ScenarioVerdict['together']) => (v === 'diverge' ? 'DIVERGE' : v);
  for (const v of i.verdicts) {
    // The second column is the run with every extension loaded; blank when that is the same model.
    const together = v.together === 'same' || v.verdict === 'skip' ? '' : `together ${tag(v.together)}`;
    const ms = v.ms === undefined ? '' : `${v.ms.toFixed(0)} ms`;
    lines.push(`${v.name.padEnd(w)}  ${tag(v.verdict).padEnd(7)}  ${together.padEnd(16)}  ${ms.padStart(7)}  ${v.verdict === 'skip' ? (v.reason ?? '') : ''}`);
  }
  for (const v of i.verdicts.filter((x) => x.verdict === 'diverge')) lines.push('', `${v.name}: ${v.explanation ?? ''}`);
  lines.push(...formatMeasurements(summary.measurements, `${summary.kernel} (${summary.mode}${summary.mode === 'vm' ? `, ${summary.accel}` : ''})`));
  for (const m of layoutBad) lines.push(`layout: ${m}`);
  for (const p of problems) lines.push('', p);
  if (run?.problem) lines.push('', run.problem);
  if (i.failure) lines.push('', `the run stopped: ${i.failure}`);
  const t = i.timings;
  lines.push(
    '',
    `${summary.ok ? 'PASS' : 'FAIL'}: ${summary.kernel} (${summary.mode}${summary.mode === 'vm' ? `, ${summary.accel}` : ''}) ` +
      `${summary.agree} agree, ${summary.diverge} diverge, ${summary.skipped} skipped ` +
      `(${summary.judged_together} judged with every extension loaded too); ` +
      `fetch ${t['fetch_s'] ?? '-'} s, runner ${t['runner_s'] ?? '-'} s, boot ${summary.boot_s ?? '-'} s, ` +
      `run ${t['run_s'] ?? '-'} s, judge ${t['judge_s'] ?? '-'} s, total ${summary.wall_s} s. Report: ${dir}/report.html`,
  );
  for (const n of [...(i.notes ?? []), ...(run?.notes ?? [])]) lines.push(`note: ${n}`);
  return { summary, exitCode: summary.ok ? 0 : 1, lines };
}
