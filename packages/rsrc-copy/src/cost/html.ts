// The HTML report of `uringlab rsrc plan --html`: the answer, both strategies side by side, two
// log-log plots (the register/clone ratio against the pool for 4 KiB, 2 MiB and 1 GiB pages;
// registration and clone time against the pool for the chosen page size) with the chosen pool
// marked, values on hover, and every price with its source. One self-contained file: no
// scripts, fonts or files from elsewhere.

import type { Plan } from './plan.js';
import { sweepPools, type SweepSeries } from './sweep.js';
import { formatBytes, formatNs } from './units.js';

const W = 820, H = 320;
const PAD = { l: 70, r: 20, t: 28, b: 44 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f1 = (n: number) => n.toFixed(1);

interface Line { name: string; color: string; points: { x: number; y: number; label: string }[] }

function logScale(lo: number, hi: number, a: number, b: number): (v: number) => number {
  const l0 = Math.log10(lo), l1 = Math.log10(hi);
  return (v) => a + ((Math.log10(v) - l0) / (l1 - l0 || 1)) * (b - a);
}

/** A log-log plot; `mark` draws the chosen pool as a vertical line. */
function plot(cls: string, title: string, yLabel: string, lines: Line[], mark: number, yFmt: (v: number) => string): string {
  const xs = lines.flatMap((l) => l.points.map((p) => p.x)), ys = lines.flatMap((l) => l.points.map((p) => p.y));
  const x0 = Math.min(...xs, mark), x1 = Math.max(...xs, mark);
  const y0 = 10 ** Math.floor(Math.log10(Math.min(...ys))), y1 = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const sx = logScale(x0, x1, PAD.l, W - PAD.r), sy = logScale(y0, y1, H - PAD.b, PAD.t);
  const parts: string[] = [];
  for (let v = y0; v <= y1 * 1.0001; v *= 10) {
    parts.push(`<line class="grid" x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(sy(v))}" y2="${f1(sy(v))}"/>`,
      `<text x="${PAD.l - 6}" y="${f1(sy(v) + 4)}" text-anchor="end">${esc(yFmt(v))}</text>`);
  }
  for (let v = 2 ** Math.ceil(Math.log2(x0)); v <= x1; v *= 16) {
    parts.push(`<line class="grid" x1="${f1(sx(v))}" x2="${f1(sx(v))}" y1="${PAD.t}" y2="${H - PAD.b}"/>`,
      `<text x="${f1(sx(v))}" y="${H - PAD.b + 16}" text-anchor="middle">${esc(formatBytes(v))}</text>`);
  }
  parts.push(`<line class="you" x1="${f1(sx(mark))}" x2="${f1(sx(mark))}" y1="${PAD.t}" y2="${H - PAD.b}"/>`,
    `<text class="you-label" x="${f1(sx(mark) + (sx(mark) > W / 2 ? -4 : 4))}" y="${PAD.t + 12}" text-anchor="${sx(mark) > W / 2 ? 'end' : 'start'}">your pool (${esc(formatBytes(mark))})</text>`);
  lines.forEach((l, i) => {
    parts.push(`<polyline class="series" stroke="${l.color}" points="${l.points.map((p) => `${f1(sx(p.x))},${f1(sy(p.y))}`).join(' ')}"/>`);
    parts.push(`<text class="legend" x="${PAD.l + 10 + i * 150}" y="${PAD.t - 10}" style="fill:${l.color}">■ ${esc(l.name)}</text>`);
    for (const p of l.points) {
      const cx = sx(p.x), cy = sy(p.y);
      const anchor = cx > W / 2 ? 'end' : 'start';
      parts.push(`<g class="hv"><circle class="pt" cx="${f1(cx)}" cy="${f1(cy)}" r="3.5" fill="${l.color}"/>` +
        `<circle class="hit" cx="${f1(cx)}" cy="${f1(cy)}" r="9"><title>${esc(p.label)}</title></circle>` +
        `<text class="tip" x="${f1(cx + (anchor === 'start' ? 10 : -10))}" y="${f1(Math.max(PAD.t + 24, cy - 10))}" text-anchor="${anchor}">${esc(p.label)}</text></g>`);
    }
  });
  parts.push(`<text x="${W / 2}" y="${H - 6}" text-anchor="middle">pool size (log)</text>`,
    `<text transform="translate(14 ${H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  return `<h2>${esc(title)}</h2>\n<svg class="plot ${cls}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${parts.join('')}</svg>`;
}

const pageName = (b: number) => formatBytes(b).replace(' ', '\u00a0');

export function ratioLines(series: readonly SweepSeries[]): Line[] {
  return series.map((s, i) => ({
    name: `${formatBytes(s.pageBytes)} pages`,
    color: COLORS[i % COLORS.length]!,
    points: s.points.map((p) => ({
      x: p.poolBytes, y: p.ratio,
      label: `${formatBytes(p.poolBytes)} in ${pageName(s.pageBytes)} pages: register ${formatNs(p.registerNs)}, clone ${formatNs(p.cloneNs)}, ratio ${Math.round(p.ratio).toLocaleString('en-US')}×`,
    })),
  }));
}

export function renderPlanHtml(plan: Plan): string {
  const { input: i, strategies: [each, once] } = plan;
  const sweep = sweepPools(i.profile, Math.min(64 * 2 ** 20, 2 ** Math.floor(Math.log2(i.poolBytes))), Math.max(1024 * 2 ** 30, i.poolBytes));
  const own = sweepPools(i.profile, Math.min(64 * 2 ** 20, 2 ** Math.floor(Math.log2(i.poolBytes))), Math.max(1024 * 2 ** 30, i.poolBytes), [i.pageBytes])[0]!;
  const times: Line[] = [
    { name: 'register (per ring)', color: COLORS[1]!, points: own.points.map((p) => ({ x: p.poolBytes, y: p.registerNs, label: `register ${formatBytes(p.poolBytes)}: ${formatNs(p.registerNs)}` })) },
    { name: 'clone (per ring)', color: COLORS[0]!, points: own.points.map((p) => ({ x: p.poolBytes, y: p.cloneNs, label: `clone ${formatBytes(p.poolBytes)}: ${formatNs(p.cloneNs)}` })) },
  ];
  const row = (s: typeof each) => `<tr><td>${esc(s.label)}</td><td>${esc(formatNs(s.perRingNs[0]!))}</td><td>${esc(formatNs(s.perRingNs[1] ?? NaN))}</td>` +
    `<td>${esc(formatNs(s.totalNs))}</td><td>${esc(formatBytes(s.chargedBytes))}</td><td>${s.enomemAtRing === null ? 'no' : `ENOMEM at ring ${s.enomemAtRing}`}</td></tr>`;
  const consts = plan.constants.map(({ name, constant: c }) =>
    `<tr><td>${esc(name)}</td><td>${esc(c.ns < 10 ? c.ns.toFixed(3) : c.ns.toFixed(1))} ns</td><td class="src-${c.source}">${c.source}</td><td>${esc(c.basis)}</td></tr>`).join('\n');
  const answer = i.rings === 1
    ? `One ring: registering ${formatBytes(i.poolBytes)} takes ${formatNs(plan.register.ns)}; there is nothing to clone.`
    : `Register once and clone: ${i.rings} rings get the pool in ${formatNs(once.totalNs)} instead of ${formatNs(each.totalNs)} (${plan.speedup.toFixed(1)}× faster); one clone takes ${formatNs(plan.clone.ns)} against ${formatNs(plan.register.ns)} to register (${Math.round(plan.ratio).toLocaleString('en-US')}×).`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>uringlab rsrc plan: ${esc(formatBytes(i.poolBytes))}, ${esc(formatBytes(i.pageBytes))} pages, ${i.rings} rings</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:880px;margin:1em auto;padding:0 10px;color:#222}
.answer{font-size:17px;font-weight:600;background:#eef6ee;border-left:4px solid #2ca02c;padding:8px 12px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
.plot{display:block;max-width:100%;height:auto}.plot text{font-size:11px;fill:#333}.plot .grid{stroke:#e4e4e4}
.plot .series{fill:none;stroke-width:2}.plot .you{stroke:#444;stroke-dasharray:4 3}.plot .legend{font-size:12px;font-weight:600}
.plot .hit{fill:transparent}.plot .hv:hover .pt{r:6}.plot .tip{display:none;font-weight:bold}.plot .hv:hover .tip{display:inline}
.src-measured{color:#1a7f37}.src-assumed{color:#b35900}.src-seed{color:#1f4fb3}
</style></head><body>
<h1>Registering vs cloning a buffer pool</h1>
<p class="answer">${esc(answer)}</p>
<p>${esc(formatBytes(i.poolBytes))} in ${plan.shape.buffers.toLocaleString('en-US')} buffers of ${esc(formatBytes(i.bufferBytes))}, backed by ${esc(formatBytes(i.pageBytes))} pages:
${plan.shape.pages.toLocaleString('en-US')} base pages to pin, ${plan.shape.folios.toLocaleString('en-US')} folios, ${esc(formatBytes(plan.shape.chargedBytes))} charged to RLIMIT_MEMLOCK per registration.
Prices: profile <b>${esc(i.profile)}</b> (kernel ${i.kernel}).</p>
<table class="strategies"><tr><th>strategy</th><th>ring 1</th><th>each other ring</th><th>all ${i.rings} rings</th><th>memory charged</th><th>memlock refuses</th></tr>
${row(each)}
${row(once)}</table>
${plot('ratio', 'Registration time over clone time, by page size (one buffer per page where the table allows)', 'register / clone (log)', ratioLines(sweep), i.poolBytes, (v) => `${v.toLocaleString('en-US')}×`)}
${plot('times', `Time per ring with ${formatBytes(i.pageBytes)} pages`, 'time (log)', times, i.poolBytes, formatNs)}
<h2>Prices</h2>
<table class="constants"><tr><th>price</th><th>value</th><th>source</th><th>where it comes from</th></tr>
${consts}</table>
<p>Registration = call + buffers × perBuffer + pages × perPage + folios × perFolio (+ head scans × acctScan on 6.18); clone = call + buffers × clonePerBuffer. See COSTS.md in @uringlab/rsrc-copy.</p>
</body></html>
`;
}
