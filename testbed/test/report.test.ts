// The report a person reads: the trace diff, the page's order and contents, where each kind of
// run writes its report, and the stage times in summary.json. The page as a browser shows it is
// checked in report-browser.test.ts (and by `pnpm check:html` in CI).

import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TraceEvent } from '@uringlab/ring';
import { conclude } from '../src/conclude.js';
import { dirs, latestLink, reportDir } from '../src/paths.js';
import { renderHtml, writeReport } from '../src/report.js';
import type { RunResult } from '../src/result.js';
import { diffTraceLines } from '../src/trace-diff.js';
import { DIVERGING, recordedReport } from './recorded-report.js';

const root = mkdtempSync(join(tmpdir(), 'testbed-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cqe = (step: number, user_data: string, res: number): TraceEvent => ({ ev: 'cqe', ring: 'r', step, res, user_data, flags: [] });
const enter = (step: number, res: number): TraceEvent => ({ ev: 'enter', ring: 'r', step, res });

describe('the line diff of two traces', () => {
  it('marks the first differing event, at the verdict\'s index, with the fields that differ', () => {
    const kernel = [enter(0, 1), cqe(1, '1', 0), cqe(1, '2', 0), enter(2, 0)];
    const model = [enter(0, 1), cqe(1, '1', 0), cqe(1, '2', -22), enter(2, 0)];
    const lines = diffTraceLines(kernel, model);
    expect(lines.map((l) => l.side)).toEqual(['same', 'same', 'kernel', 'model', 'same']);
    const first = lines.filter((l) => l.first);
    expect(first.map((l) => [l.side, l.k ?? l.m])).toEqual([['kernel', 2], ['model', 2]]);
    expect(first[0]!.fields).toEqual(['res']);
  });

  it('shows an event only one side has as one line, and aligns what follows', () => {
    const kernel = [enter(0, 1), cqe(1, '9', 0), cqe(1, '1', 0), cqe(1, '2', 0)];
    const model = [enter(0, 1), cqe(1, '1', 0), cqe(1, '2', 0)];
    const lines = diffTraceLines(kernel, model);
    expect(lines.map((l) => `${l.side}:${l.k ?? ''}:${l.m ?? ''}`)).toEqual(['same:0:0', 'kernel:1:', 'same:2:1', 'same:3:2']);
    expect(lines.filter((l) => l.first).map((l) => l.side)).toEqual(['kernel']);
    expect(lines[1]!.fields).toBeUndefined();
  });

  it('ignores key order and leaves out time events, as the verdict does', () => {
    const k = [{ ev: 'time', name: 'x', step: 0, ns: 5 } as TraceEvent, { step: 1, res: 0, ring: 'r', ev: 'enter' } as TraceEvent];
    const m = [{ ev: 'time', name: 'x', step: 0, ns: 900 } as TraceEvent, enter(1, 0)];
    expect(diffTraceLines(k, m)).toEqual([{ side: 'same', k: 0, m: 0, event: k[1] }]);
  });
});

const { summary, verdicts } = await recordedReport();

describe('the report of a run with a divergence', () => {
  const html = renderHtml(summary, verdicts, [{ id: 'coverage', title: 'Kernel coverage', html: '<p>hook</p>' }]);

  it('judges the recorded 7.3 traces with the 6.18 model and finds the one place the kernels differ', () => {
    expect(verdicts.filter((v) => v.verdict === 'diverge').map((v) => v.name)).toEqual([DIVERGING]);
    const v = verdicts.find((x) => x.name === DIVERGING)!;
    expect(v.at).toEqual({ step: 20, source: '{"op":"eventfd.wait","fd":"eb","timeout_ms":500}' });
    expect(v.file).toBe(`packages/eventfd-rcu/scenarios/${DIVERGING}.json`);
    expect(v.judgeMs).toBeGreaterThan(0);
  });

  it('puts the divergences first, then extra sections, then the scenarios by package', () => {
    const at = (s: string) => html.indexOf(s);
    expect(at('id="divergences"')).toBeGreaterThan(0);
    expect(at(`<section class="divergence" id="d-${DIVERGING}"`)).toBeGreaterThan(at('id="divergences"'));
    expect(at('<h2 id="coverage">Kernel coverage</h2>\n<p>hook</p>')).toBeGreaterThan(at(`id="d-${DIVERGING}"`));
    expect(at('id="scenarios"')).toBeGreaterThan(at('id="coverage"'));
    expect(html.match(/<section class="pkg" id="p-_uringlab_eventfd-rcu">/g)).toHaveLength(1);
    const n = verdicts.length;
    expect(html).toContain(`@uringlab/eventfd-rcu <span class="muted">${n} scenarios: ${n - 1} agree, 1 diverge, 0 skipped`);
  });

  it('highlights the first differing event in the diff and links the row to it', () => {
    const first = [...html.matchAll(/<div class="l (kernel|model) first"[^>]*>.*?<\/div>/g)].map((m) => m[0]);
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/<span class="n">16<\/span><span class="n"><\/span>.*<b>poll<\/b> <span class="st">step 20<\/span> fd=eb <mark>res=1<\/mark> <mark>revents=\[&quot;IN&quot;\]<\/mark>/);
    expect(first[1]).toMatch(/<mark>res=0<\/mark> <mark>revents=\[\]<\/mark>/);
    expect(html).toContain(`<a href="#d-${DIVERGING}">${DIVERGING}</a>`);
  });

  it('shows the stage times and each scenario\'s kernel and judging time', () => {
    expect(html).toMatch(/<th>fetch<\/th><th>build<\/th><th>boot<\/th><th>run<\/th><th>judge<\/th><th>total<\/th>/);
    expect(html).toMatch(/<th>kernel<\/th><th>judging<\/th>/);
  });

  it('escapes what the scenarios and traces say', () => {
    const v = { ...verdicts[0]!, name: 'x<script>', pins: '"<b>"' };
    const out = renderHtml(summary, [v]);
    expect(out).not.toContain('x<script>');
    expect(out).toContain('x&lt;script&gt;');
  });
});

describe('where the report goes', () => {
  const run = (mode: 'vm' | 'native', release: string): RunResult => ({
    kernelRelease: release, scenarios: new Map(), meta: [], kernelLog: [], kernelLogComplete: true, other: [], kernelConsole: [],
    splats: [], kernelAtMs: 2000, mode, outcome: 'completed', notes: [], splatScan: mode === 'vm', consoleTail: [],
    timings: { totalMs: 9000, processMs: 8000, bootToFirstScenarioMs: 3000, scenarios: { a: 12, b: 40 } },
  });

  it('keeps the latest vm and native reports side by side, with latest pointing at the newer', () => {
    const d = dirs(mkdtempSync(join(root, 'tb-')));
    // A report from before the split, straight in out/: removed so that nothing reads it by mistake.
    writeReport(d.out, summary, verdicts);
    for (const [mode, release] of [['vm', '7.3.4'], ['native', '6.18.44']] as const) {
      conclude({
        outDir: reportDir(mode, d), latest: latestLink(d), mode, profile: mode === 'vm' ? '7.3' : '6.18', suite: undefined, run: run(mode, release),
        layout: undefined, verdicts, timings: { fetch_s: 1.5, runner_s: 0.2, judge_s: 0.7 }, wallS: 12,
      });
    }
    const read = (m: string) => JSON.parse(readFileSync(join(d.out, m, 'summary.json'), 'utf8')) as { kernel: string; mode: string };
    expect(read('vm')).toMatchObject({ kernel: '7.3.4', mode: 'vm' });
    expect(read('native')).toMatchObject({ kernel: '6.18.44', mode: 'native' });
    expect(readlinkSync(latestLink(d))).toBe('native');
    expect(read('latest').mode).toBe('native');
    expect(existsSync(join(d.out, 'summary.json'))).toBe(false);
    expect(existsSync(join(d.out, 'vm', 'report.html'))).toBe(true);
  });

  it('writes the five stage times into summary.json', () => {
    const out = mkdtempSync(join(root, 'out-'));
    const r = conclude({ outDir: out, mode: 'vm', profile: '7.3', suite: undefined, run: run('vm', '7.3.4'), layout: undefined, verdicts, timings: { fetch_s: 1.5, runner_s: 0.2, judge_s: 0.7 }, wallS: 12 });
    expect(r.summary.stages).toEqual({ fetch_s: 1.5, build_s: 0.2, boot_s: 3, run_s: 5, judge_s: 0.7 });
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).stages).toEqual(r.summary.stages);
    const native = conclude({ outDir: out, mode: 'native', profile: '6.18', suite: undefined, run: run('native', '6.18.44'), layout: undefined, verdicts, timings: {}, wallS: 2 });
    expect(native.summary.stages).toEqual({ fetch_s: null, build_s: null, boot_s: null, run_s: 8, judge_s: null });
  });

  it('leaves a real folder named latest alone', () => {
    const d = dirs(mkdtempSync(join(root, 'tb-')));
    writeReport(join(d.out, 'latest'), summary, verdicts);
    writeReport(reportDir('vm', d), summary, verdicts, { latest: latestLink(d) });
    expect(lstatSync(latestLink(d)).isSymbolicLink()).toBe(false);
    expect(readdirSync(d.out).sort()).toEqual(['latest', 'vm']);
  });
});
