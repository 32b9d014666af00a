// A report with a real divergence, for the report's tests: every eventfd scenario's kernel trace
// recorded on Linux 7.3 (packages/eventfd-rcu/test/kernel-traces/7.3) judged with the 6.18
// model, the wrong profile for that kernel. The two kernels differ in one of them
// (eventfd-deferred-second-time: 7.3 signals the eventfd a second time, 6.18 does not), so that
// one diverges and the rest agree, exactly as a run would judge them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromJsonl } from '@uringlab/ring';
import { judgeTrace, type ScenarioVerdict } from '../src/judge.js';
import { countVerdicts, type RunSummary } from '../src/report.js';
import { loadSuite, REPO_DIR } from '../src/suite.js';

export const RECORDED_DIR = join(REPO_DIR, 'packages/eventfd-rcu/test/kernel-traces/7.3');
/** The scenario whose 7.3 trace the 6.18 model gets wrong. */
export const DIVERGING = 'eventfd-deferred-second-time';

export async function recordedReport(): Promise<{ summary: RunSummary; verdicts: ScenarioVerdict[] }> {
  const suite = await loadSuite({ filter: /^eventfd-/ });
  const t0 = performance.now();
  const verdicts = suite.scenarios.map((s) =>
    judgeTrace(s, '6.18', fromJsonl(readFileSync(join(RECORDED_DIR, `${s.scenario.name}.jsonl`), 'utf8'))));
  const judgeS = Math.round(performance.now() - t0) / 1000;
  const summary: RunSummary = {
    kernel: '7.3.4+deb13-amd64 (recorded traces)', profile: '6.18', mode: 'vm', accel: 'tcg', ...countVerdicts(verdicts),
    boot_s: null, wall_s: judgeS, timings: { judge_s: judgeS },
    stages: { fetch_s: null, build_s: null, boot_s: null, run_s: null, judge_s: judgeS },
    layout: null, splats: [], invalid: [], measurements: [], ok: false,
    notes: ['the kernel traces were recorded by an earlier run; judged here with the 6.18 profile on purpose'],
  };
  return { summary, verdicts };
}
