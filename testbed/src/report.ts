// What a testbed run leaves behind in testbed/out/: summary.json, results.jsonl (the kernel's
// trace and each model's, for every scenario), and report.html, a self-contained page a person
// can open from CI artifacts.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioVerdict } from './judge.js';
import { formatNs, type Measurement } from './measurements.js';
import type { SplatCoverage } from './splat-classes.js';
import { coverageHtml, type CoverageReport, type CoverageSummary } from './coverage.js';

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

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function traceTable(events: readonly unknown[]): string {
  if (!events.length) return '<p class="muted">no events</p>';
  return `<pre>${events.map((e) => esc(JSON.stringify(e))).join('\n')}</pre>`;
}

export function renderHtml(summary: RunSummary, verdicts: readonly ScenarioVerdict[], coverage?: CoverageReport): string {
  const rows = verdicts
    .map((v) => {
      const cls = v.verdict === 'agree' ? 'ok' : v.verdict === 'skip' ? 'skip' : 'bad';
      const note = v.verdict === 'diverge' ? v.explanation ?? '' : v.verdict === 'skip' ? v.reason ?? '' : '';
      const together = v.modelTogether ? `<div><h4>model, every extension</h4>${traceTable(v.modelTogether)}</div>` : '';
      const details = v.verdict === 'diverge'
        ? `<details><summary>traces</summary><div class="cols"><div><h4>model, own package</h4>${traceTable(v.model)}</div>${together}<div><h4>kernel</h4>${traceTable(v.kernel)}</div></div></details>`
        : '';
      return `<tr class="${cls}"><td>${esc(v.name)}</td><td>${esc(v.source)}</td><td>${v.verdict}</td><td>${v.alone}</td><td>${v.together}</td><td>${esc(v.pins)}</td><td>${esc(note).replace(/\n/g, '<br>')}${details}</td></tr>`;
    })
    .join('\n');
  const s = summary;
  return `<!doctype html><html><head><meta charset="utf-8"><title>uringlab testbed: ${esc(s.kernel)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
tr.ok td:nth-child(3){color:#080}tr.bad td:nth-child(3){color:#b00;font-weight:bold}tr.skip td:nth-child(3){color:#888}.muted{color:#888}
pre{font-size:12px;white-space:pre-wrap;max-height:30em;overflow:auto;background:#f6f6f6;padding:.5em}.cols{display:grid;grid-auto-flow:column;grid-auto-columns:1fr;gap:1em}</style></head>
<body><h1>uringlab testbed</h1>
<p><b>${s.ok ? 'PASS' : 'FAIL'}</b> — kernel ${esc(s.kernel)} (profile ${esc(s.profile)}, ${s.mode}${s.mode === 'vm' ? `, ${s.accel}` : ''}):
${s.agree} agree, ${s.diverge} diverge, ${s.skipped} skipped of ${s.scenarios} (${s.judged_together} also judged with every extension loaded); boot ${s.boot_s ?? '–'} s, wall ${s.wall_s} s.</p>
${s.layout ? `<p>UAPI layout check: ${s.layout.checked} items, ${s.layout.mismatches.length} mismatches${s.layout.mismatches.length ? `<pre>${esc(s.layout.mismatches.join('\n'))}</pre>` : ''}</p>` : ''}
${s.failure ? `<h2>The run stopped</h2><pre>${esc(s.failure)}</pre>` : ''}
${s.splats.length ? `<h2>Kernel splats</h2><pre>${esc(s.splats.join('\n'))}</pre>` : ''}
${s.invalid.length ? `<h2>Invalid scenarios</h2><pre>${esc(s.invalid.map((i) => `${i.file}: ${i.message}`).join('\n'))}</pre>` : ''}
${s.notes.length ? `<p class="muted">${s.notes.map(esc).join('<br>')}</p>` : ''}
${s.measurements.length ? `<h2>Measured latencies</h2><p class="muted">The kernel's timings of operations the scenarios time, beside the model's prediction (a stated cost model); reported, not judged.</p><table><thead><tr><th>scenario</th><th>operation</th><th>n</th><th>median</th><th>min</th><th>p90</th><th>max</th><th>model</th></tr></thead><tbody>${s.measurements.map((m) => `<tr><td>${esc(m.scenario)}</td><td>${esc(m.name)}</td><td>${m.n}</td><td>${formatNs(m.kernel.median)}</td><td>${formatNs(m.kernel.min)}</td><td>${formatNs(m.kernel.p90)}</td><td>${formatNs(m.kernel.max)}</td><td>${formatNs(m.model)}</td></tr>`).join('')}</tbody></table>` : ''}
${coverage ? coverageHtml(coverage) : ''}
<table><thead><tr><th>scenario</th><th>package</th><th>verdict</th><th>own model</th><th>every extension</th><th>pins</th><th>detail</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

export function writeReport(outDir: string, summary: RunSummary, verdicts: readonly ScenarioVerdict[], coverage?: CoverageReport): { dir: string } {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileSync(join(outDir, 'results.jsonl'), verdicts.map((v) => JSON.stringify(v)).join('\n') + '\n');
  writeFileSync(join(outDir, 'report.html'), renderHtml(summary, verdicts, coverage));
  return { dir: outDir };
}
