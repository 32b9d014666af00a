// What a testbed run leaves behind in testbed/out/vm/ or testbed/out/native/ (paths.ts):
// summary.json, results.jsonl (the kernel's trace and each model's, for every scenario), and
// report.html (report-html.ts), a self-contained page a person can open from CI artifacts.

import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { ScenarioVerdict } from './judge.js';
import type { Measurement } from './measurements.js';
import { renderHtml, type ReportSection } from './report-html.js';
import type { SplatCoverage } from './splat-classes.js';
import type { CoverageSummary } from './coverage.js';

export { renderHtml, escapeHtml, type ReportSection } from './report-html.js';

/** How long each stage of the run took, in seconds; null for a stage that did not happen. */
export interface StageTimes {
  /** Host tools and guest packages (the cache check, downloads only when something is missing). */
  fetch_s: number | null;
  /** The C runner (a rebuild only when its sources changed). */
  build_s: number | null;
  /** VM: QEMU started to the first scenario's begin line. Native: null. */
  boot_s: number | null;
  /** The scenarios on the kernel: the first one's begin to the end of QEMU (native: the runner process). */
  run_s: number | null;
  /** Every scenario on its models, and the diffs. */
  judge_s: number | null;
}

export interface RunSummary {
  kernel: string;
  profile: string;
  mode: 'vm' | 'native';
  accel: 'tcg' | 'kvm' | 'none';
  scenarios: number;
  agree: number;
  diverge: number;
  skipped: number;
  /** Scenarios judged a second time, with every extension loaded (the rest: their own model has them all). */
  judged_together: number;
  boot_s: number | null;
  wall_s: number;
  timings: Record<string, number | null>;
  /** The five stages a person waits for (conclude.ts derives them from the timings). */
  stages?: StageTimes;
  layout: { checked: number; mismatches: string[] } | null;
  splats: string[];
  /** VM runs: which classes of kernel report the guest's config and settings can produce (splat-classes.ts). */
  splat_coverage?: SplatCoverage;
  /** Why the run stopped before it could judge every scenario (a stage failed). */
  failure?: string;
  /** Scenario files that failed to parse or compile. */
  invalid: { file: string; message: string }[];
  notes: string[];
  /** Timed operations (`time` events): the kernel's latency beside the model's prediction. */
  measurements: Measurement[];
  /** --coverage: io_uring functions reached, overall and per package (coverage.json has the lists). */
  io_uring_coverage?: CoverageSummary;
  ok: boolean;
}

export type VerdictCounts = Pick<RunSummary, 'scenarios' | 'agree' | 'diverge' | 'skipped' | 'judged_together'>;

/** Counts per scenario (a scenario judged with two models is one scenario), as CI reads them. */
export function countVerdicts(verdicts: readonly ScenarioVerdict[]): VerdictCounts {
  const n = (f: (v: ScenarioVerdict) => boolean) => verdicts.filter(f).length;
  return {
    scenarios: verdicts.length,
    agree: n((v) => v.verdict === 'agree'),
    diverge: n((v) => v.verdict === 'diverge'),
    skipped: n((v) => v.verdict === 'skip'),
    judged_together: n((v) => v.together === 'agree' || v.together === 'diverge'),
  };
}

export interface WriteReportOptions {
  /** Extra report sections (coverage...), after the divergences. */
  sections?: readonly ReportSection[];
  /** A symlink to point at `outDir` once it is written (testbed/out/latest). */
  latest?: string;
}

export const REPORT_FILES = ['summary.json', 'results.jsonl', 'report.html'] as const;

export function writeReport(outDir: string, summary: RunSummary, verdicts: readonly ScenarioVerdict[], o: WriteReportOptions = {}): { dir: string } {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(outDir, 'results.jsonl'), verdicts.map((v) => JSON.stringify(v)).join('\n') + '\n');
  writeFileSync(join(outDir, 'report.html'), renderHtml(summary, verdicts, o.sections));
  if (o.latest) pointLatest(o.latest, outDir);
  return { dir: outDir };
}

/**
 * Points `link` at `target` (relative, so the folder can be moved or unpacked from an artifact),
 * replacing it atomically. The files an older testbed wrote straight into the link's folder go:
 * nothing should read a summary from before the split by mistake. A file system without
 * symlinks gets no link; the report folders are still there.
 */
export function pointLatest(link: string, target: string): void {
  const dir = dirname(link);
  for (const f of REPORT_FILES) rmSync(join(dir, f), { force: true });
  const tmp = join(dir, `.${basename(link)}.${process.pid}`);
  try {
    rmSync(tmp, { force: true });
    symlinkSync(relative(dir, target) || '.', tmp);
    // A real folder in the way (made by hand) is left alone.
    if (existsSync(link) && !lstatSync(link).isSymbolicLink()) {
      rmSync(tmp, { force: true });
      return;
    }
    renameSync(tmp, link);
  } catch {
    rmSync(tmp, { force: true });
  }
}
