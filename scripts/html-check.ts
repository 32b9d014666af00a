// Renders a sizing report in headless Chromium and checks it as a reader sees it: the answer is
// on the page, both plots are drawn inside the viewport, the mean line is where the mean is,
// and hovering a point shows its values. Then the same for an `rsrc plan` report: the answer,
// both plots, the chosen pool marked where it is, a hover readout. Then the testbed's report,
// with a real divergence (report-check.ts). Screenshots go to OUT (default .artifacts/html-check).
//
//   node --experimental-websocket --import tsx --conditions=@uringlab/source scripts/html-check.ts [OUT]
//   (pnpm check:html)

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kbufSize, renderHtml, suggestGroupSize, sweepGroupSizes, sweepSizes, type SizingInput } from '@uringlab/kbuf-cache';
import { planPool, renderPlanHtml } from '@uringlab/rsrc-copy';
import { Page } from './chromium.js';
import { checkTestbedReport } from './report-check.js';

const out = resolve(process.argv[2] ?? '.artifacts/html-check');
mkdirSync(out, { recursive: true });

const input: SizingInput = { connections: 32, rate: 2000, msgSize: [256, 4096], holdUs: 300, groupSize: 32, bufLen: 4096, durationMs: 100 };
const report = kbufSize(input);
const suggestion = suggestGroupSize(input);
const sweep = sweepGroupSizes(input, sweepSizes(suggestion?.groupSize ?? null, 32));
const file = join(out, 'sizing.html');
writeFileSync(file, renderHtml(report, { suggestion, sweep }));

const failures: string[] = [];
let passed = 0;
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (ok) passed++;
  else failures.push(what);
};

const page = await Page.launch();
try {
  await page.goto(pathToFileURL(file).href);
  const answer = await page.eval<string>(`document.querySelector('.answer').innerText`);
  check(answer.startsWith(`Smallest group with no ENOBUFS: ${suggestion!.groupSize} buffers`), `the answer is shown: "${answer.slice(0, 60)}..."`);
  const boxes = await page.eval<{ w: number; h: number; right: number }[]>(
    `[...document.querySelectorAll('svg.plot')].map(s => { const r = s.getBoundingClientRect(); return { w: r.width, h: r.height, right: r.right }; })`);
  check(boxes.length === 2 && boxes.every((b) => b.w > 700 && b.h > 250 && b.right <= 900), `two plots drawn in the viewport (${JSON.stringify(boxes)})`);
  const mean = await page.eval<{ y: number; expected: number }>(`(() => {
    const svg = document.querySelector('svg.occupancy'), line = svg.querySelector('line.mean');
    const r = line.getBoundingClientRect(), s = svg.getBoundingClientRect();
    return { y: r.top - s.top, expected: 300 - 40 - (300 - 20 - 40) * ${report.meanInUse} / ${report.workload.groupSize} };
  })()`);
  check(Math.abs(mean.y - mean.expected) < 2, `the mean line is at the mean (${mean.y.toFixed(1)} px vs ${mean.expected.toFixed(1)})`);
  writeFileSync(join(out, 'sizing.png'), await page.screenshot());
  // Hover the second sweep point: its readout appears, the others stay hidden.
  const target = await page.eval<{ x: number; y: number; label: string }>(`(() => {
    const hv = document.querySelectorAll('svg.sweep .hv')[1], r = hv.querySelector('rect').getBoundingClientRect();
    hv.scrollIntoView({ block: 'center' });
    const r2 = hv.querySelector('rect').getBoundingClientRect();
    return { x: r2.left + r2.width / 2, y: r2.top + r2.height / 2, label: hv.querySelector('title').textContent };
  })()`);
  await page.hover(target.x, target.y);
  const shown = await page.eval<string[]>(`[...document.querySelectorAll('svg.sweep .tip')].filter(t => getComputedStyle(t).display !== 'none').map(t => t.textContent)`);
  check(shown.length === 1 && shown[0] === target.label, `hovering a sweep point shows its values: "${shown.join(' | ')}"`);
  check(/^group \d+: [\d,]+ ENOBUFS, fallback [\d.<]+%, peak \d+, mean [\d.]+ in use$/.test(target.label), 'the readout names group, ENOBUFS, fallback rate, peak and mean');
  writeFileSync(join(out, 'sizing-hover.png'), await page.screenshot());
  await checkPlanPage();
} finally {
  await page.close();
}
await checkTestbedReport(out, check);

/** The `uringlab rsrc plan --html` report of the seed's pool. */
async function checkPlanPage(): Promise<void> {
  const plan = planPool({ pool: '900g', pageSize: '1g', rings: 8 });
  const planFile = join(out, 'rsrc-plan.html');
  writeFileSync(planFile, renderPlanHtml(plan));
  await page.goto(pathToFileURL(planFile).href);
  const answer = await page.eval<string>(`document.querySelector('.answer').innerText`);
  check(answer.startsWith('Register once and clone: 8 rings get the pool in ') && answer.includes(`${plan.speedup.toFixed(1)}× faster`), `the plan's answer is shown: "${answer.slice(0, 70)}..."`);
  const boxes = await page.eval<{ w: number; h: number; right: number; lines: number }[]>(
    `[...document.querySelectorAll('svg.plot')].map(s => { const r = s.getBoundingClientRect(); return { w: r.width, h: r.height, right: r.right, lines: s.querySelectorAll('polyline.series').length }; })`);
  check(boxes.length === 2 && boxes.every((b) => b.w > 700 && b.h > 250 && b.right <= 900) && boxes[0]!.lines === 3 && boxes[1]!.lines === 2,
    `two plan plots in the viewport, 3 and 2 series (${JSON.stringify(boxes)})`);
  // The "your pool" line sits between the sweep points that bracket 900 GiB (512 GiB and 1 TiB).
  const mark = await page.eval<{ you: number; lo: number; hi: number }>(`(() => {
    const svg = document.querySelector('svg.ratio'), you = svg.querySelector('line.you').getBoundingClientRect().left;
    const pts = [...svg.querySelectorAll('.hv')].filter(g => /^(512 GiB|1 TiB) in 1.GiB/.test(g.querySelector('title').textContent)).map(g => g.querySelector('circle.pt').getBoundingClientRect().left);
    return { you, lo: Math.min(...pts), hi: Math.max(...pts) };
  })()`);
  check(mark.lo < mark.you && mark.you < mark.hi, `the chosen pool is marked between 512 GiB and 1 TiB (${mark.lo.toFixed(0)} < ${mark.you.toFixed(0)} < ${mark.hi.toFixed(0)})`);
  writeFileSync(join(out, 'rsrc-plan.png'), await page.screenshot());
  const target = await page.eval<{ x: number; y: number; label: string }>(`(() => {
    const hv = [...document.querySelectorAll('svg.ratio .hv')].find(g => /^64 GiB in 2.MiB/.test(g.querySelector('title').textContent));
    hv.scrollIntoView({ block: 'center' });
    const r = hv.querySelector('circle.hit').getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2, label: hv.querySelector('title').textContent };
  })()`);
  await page.hover(target.x, target.y);
  const shown = await page.eval<string[]>(`[...document.querySelectorAll('svg.ratio .tip')].filter(t => getComputedStyle(t).display !== 'none').map(t => t.textContent)`);
  check(shown.length === 1 && shown[0] === target.label, `hovering a ratio point shows its values: "${shown.join(' | ')}"`);
  check(/^64 GiB in 2\u00a0MiB pages: register [\d.]+ [mµ]?s, clone [\d.]+ [mµ]?s, ratio [\d,]+×$/.test(target.label), 'the readout names pool, page size, both times and the ratio');
  writeFileSync(join(out, 'rsrc-plan-hover.png'), await page.screenshot());
}
console.log(`screenshots in ${out}`);
console.log(`${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length ? 1 : 0;
