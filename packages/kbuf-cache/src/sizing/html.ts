// A self-contained HTML page for a sizing report: the answer (the smallest group without
// ENOBUFS, when it was asked for), the numbers in human units, buffers in use over time with the
// mean and the group size, and a sweep of group sizes (ENOBUFS and fallback rate). Values show
// on hover (an SVG <title> tooltip plus a CSS readout). No scripts, fonts or files from
// elsewhere: the page works offline and as a CI artifact.

import { describeWorkload, type SuggestedGroup, type SweepPoint } from './report.js';
import type { SizingReport } from './simulate.js';
import { fmtBytes, fmtCompact, fmtCount, fmtPct, fmtRate } from './units.js';

const W = 760;
const H = 300;
const PAD = { l: 56, r: 56, t: 20, b: 40 };
const BLUE = '#1f5fbf';
const RED = '#c0392b';
const GREEN = '#2e7d32';

export interface HtmlExtras {
  /** The --suggest answer: a group, null when none up to 32768 avoids ENOBUFS. */
  suggestion?: SuggestedGroup | null;
  /** Whole runs at several group sizes, for the sweep plot. */
  sweep?: readonly SweepPoint[];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f1 = (n: number) => n.toFixed(1);

/** A hover target: a transparent band with a tooltip and a readout shown while hovered. */
function hoverBand(x0: number, x1: number, label: string, readoutX: number): string {
  const tx = Math.min(Math.max(readoutX, PAD.l + 4), W - PAD.r - 4);
  const anchor = readoutX > W / 2 ? 'end' : 'start';
  return `<g class="hv"><rect class="hit" x="${f1(x0)}" y="${PAD.t}" width="${f1(Math.max(1, x1 - x0))}" height="${H - PAD.t - PAD.b}"><title>${esc(label)}</title></rect>` +
    `<text class="tip" x="${f1(tx)}" y="${PAD.t - 6}" text-anchor="${anchor}">${esc(label)}</text></g>`;
}

/** Nice round tick values from 0 to at least max. */
function ticks(max: number, n = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v < max + step / 2; v += step) out.push(+v.toPrecision(12));
  if (out[out.length - 1]! < max) out.push(out[out.length - 1]! + step);
  return out;
}

export function occupancySvg(r: SizingReport): string {
  const g = r.workload.groupSize;
  const durMs = r.workload.durationMs;
  const plotW = W - PAD.l - PAD.r;
  const x = (tUs: number) => PAD.l + (plotW * tUs) / (durMs * 1000);
  const y = (n: number) => H - PAD.b - ((H - PAD.t - PAD.b) * n) / Math.max(1, g);
  const pts = r.series.map((p) => `${f1(x(p.tUs))},${f1(y(p.inUse))}`).join(' ');
  const parts: string[] = [];
  for (const n of ticks(g).filter((v) => v <= g)) {
    parts.push(`<line x1="${PAD.l - 4}" x2="${W - PAD.r}" y1="${f1(y(n))}" y2="${f1(y(n))}" stroke="#e3e3e3"/><text x="${PAD.l - 8}" y="${f1(y(n) + 4)}" text-anchor="end">${fmtCount(n)}</text>`);
  }
  for (const t of ticks(durMs)) {
    if (t > durMs) continue;
    parts.push(`<text x="${f1(x(t * 1000))}" y="${H - PAD.b + 18}" text-anchor="middle">${fmtCount(t)} ms</text>`);
  }
  parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(y(g))}" y2="${f1(y(g))}" stroke="${RED}" stroke-dasharray="4 3"/>` +
    `<text x="${W - PAD.r + 4}" y="${f1(y(g) + 4)}" fill="${RED}">group ${fmtCount(g)}</text>`);
  parts.push(`<line class="mean" x1="${PAD.l}" x2="${W - PAD.r}" y1="${f1(y(r.meanInUse))}" y2="${f1(y(r.meanInUse))}" stroke="${GREEN}" stroke-width="1.5" stroke-dasharray="8 4"/>` +
    `<text x="${W - PAD.r + 4}" y="${f1(y(r.meanInUse) + 4)}" fill="${GREEN}">mean ${r.meanInUse.toFixed(1)}</text>`);
  parts.push(`<polyline fill="none" stroke="${BLUE}" stroke-width="1.5" points="${pts}"/>`);
  for (const p of r.series.filter((s) => s.enobufs > 0)) {
    parts.push(`<line x1="${f1(x(p.tUs))}" x2="${f1(x(p.tUs))}" y1="${H - PAD.b}" y2="${H - PAD.b - 8}" stroke="${RED}" stroke-width="2"/>`);
  }
  const bucketUs = r.series.length > 1 ? r.series[1]!.tUs - r.series[0]!.tUs : durMs * 1000;
  for (const p of r.series) {
    const label = `${(p.tUs / 1000).toFixed(2)}-${((p.tUs + bucketUs) / 1000).toFixed(2)} ms: up to ${fmtCount(p.inUse)} of ${fmtCount(g)} buffers in use` +
      (p.enobufs ? `, ${fmtCount(p.enobufs)} ENOBUFS` : '');
    parts.push(hoverBand(x(p.tUs), x(p.tUs + bucketUs), label, x(p.tUs)));
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="buffers in use over time" class="plot occupancy">
${parts.join('\n')}
<text x="${PAD.l}" y="${H - 6}">virtual time; blue: most buffers in use per interval; green: mean; red ticks: ENOBUFS</text>
<text transform="translate(14 ${(H - PAD.b) / 2}) rotate(-90)" text-anchor="middle">buffers in use</text>
</svg>`;
}

/** ENOBUFS (left axis) and fallback rate (right axis) against group size. */
export function sweepSvg(points: readonly SweepPoint[], suggested?: number | null): string {
  const sorted = [...points].sort((a, b) => a.groupSize - b.groupSize);
  const gMin = Math.min(...sorted.map((p) => p.groupSize));
  const gMax = Math.max(...sorted.map((p) => p.groupSize));
  const plotW = W - PAD.l - PAD.r;
  const span = Math.max(1, gMax - gMin);
  const x = (g: number) => PAD.l + (sorted.length === 1 ? plotW / 2 : (plotW * (g - gMin)) / span);
  const eTicks = ticks(Math.max(1, ...sorted.map((p) => p.enobufs)));
  const eMax = eTicks[eTicks.length - 1]!;
  const rTicks = ticks(Math.max(0.0001, ...sorted.map((p) => p.fallbackRate)) * 100).map((v) => v / 100);
  const rMax = rTicks[rTicks.length - 1]!;
  const plotH = H - PAD.t - PAD.b;
  const yE = (n: number) => H - PAD.b - (plotH * n) / eMax;
  const yR = (f: number) => H - PAD.b - (plotH * f) / rMax;
  const parts: string[] = [];
  for (const v of eTicks) {
    parts.push(`<line x1="${PAD.l - 4}" x2="${W - PAD.r}" y1="${f1(yE(v))}" y2="${f1(yE(v))}" stroke="#e3e3e3"/><text x="${PAD.l - 8}" y="${f1(yE(v) + 4)}" text-anchor="end" fill="${RED}">${fmtCompact(v)}</text>`);
  }
  for (const v of rTicks) {
    parts.push(`<text x="${W - PAD.r + 8}" y="${f1(yR(v) + 4)}" fill="${BLUE}">${fmtPct(v)}</text>`);
  }
  for (const p of sorted) {
    parts.push(`<text x="${f1(x(p.groupSize))}" y="${H - PAD.b + 18}" text-anchor="middle">${fmtCount(p.groupSize)}</text>`);
  }
  if (suggested != null && suggested >= gMin && suggested <= gMax) {
    parts.push(`<line x1="${f1(x(suggested))}" x2="${f1(x(suggested))}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="${GREEN}" stroke-dasharray="4 3"/>` +
      `<text x="${f1(x(suggested) + 4)}" y="${PAD.t + 12}" fill="${GREEN}">suggested ${fmtCount(suggested)}</text>`);
  }
  parts.push(`<polyline fill="none" stroke="${RED}" stroke-width="1.5" points="${sorted.map((p) => `${f1(x(p.groupSize))},${f1(yE(p.enobufs))}`).join(' ')}"/>`);
  parts.push(`<polyline fill="none" stroke="${BLUE}" stroke-width="1.5" stroke-dasharray="5 3" points="${sorted.map((p) => `${f1(x(p.groupSize))},${f1(yR(p.fallbackRate))}`).join(' ')}"/>`);
  for (const p of sorted) {
    parts.push(`<circle cx="${f1(x(p.groupSize))}" cy="${f1(yE(p.enobufs))}" r="3" fill="${RED}"/><rect x="${f1(x(p.groupSize) - 3)}" y="${f1(yR(p.fallbackRate) - 3)}" width="6" height="6" fill="${BLUE}"/>`);
  }
  // Hover bands halfway to the neighbouring points.
  sorted.forEach((p, i) => {
    const left = i === 0 ? PAD.l : (x(sorted[i - 1]!.groupSize) + x(p.groupSize)) / 2;
    const right = i === sorted.length - 1 ? W - PAD.r : (x(p.groupSize) + x(sorted[i + 1]!.groupSize)) / 2;
    const label = `group ${fmtCount(p.groupSize)}: ${fmtCount(p.enobufs)} ENOBUFS, fallback ${fmtPct(p.fallbackRate)}, peak ${fmtCount(p.peakInUse)}, mean ${p.meanInUse.toFixed(1)} in use`;
    parts.push(hoverBand(left, right, label, x(p.groupSize)));
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="ENOBUFS and fallback rate against group size" class="plot sweep">
${parts.join('\n')}
<text x="${PAD.l}" y="${H - 6}">buffers in the group; red circles: ENOBUFS (left); blue squares: fallback rate (right)</text>
<text transform="translate(14 ${(H - PAD.b) / 2}) rotate(-90)" text-anchor="middle" fill="${RED}">ENOBUFS</text>
<text transform="translate(${W - 8} ${(H - PAD.b) / 2}) rotate(90)" text-anchor="middle" fill="${BLUE}">fallback rate</text>
</svg>`;
}

function answer(r: SizingReport, s: SuggestedGroup | null | undefined): string {
  if (s === undefined) return '<p class="answer">Run with <code>--suggest</code> to find the smallest group with no ENOBUFS.</p>';
  if (s === null) return '<p class="answer bad">No group of up to 32,768 buffers avoids ENOBUFS for this workload: hold buffers for less time, or use an incremental ring.</p>';
  const bytes = s.groupSize * r.workload.bufLen;
  return `<p class="answer"><strong>Smallest group with no ENOBUFS: ${fmtCount(s.groupSize)} buffers</strong> ` +
    `(${fmtCount(s.groupSize)} &times; ${fmtBytes(r.workload.bufLen)} = ${fmtBytes(bytes)}` +
    `${r.ringEntries !== null ? `, a ring of ${fmtCount(nextPow2(s.groupSize))} entries` : ''}). ` +
    `This run used ${fmtCount(r.workload.groupSize)}. Leave a margin: a longer run or another seed can burst higher.</p>`;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function renderHtml(r: SizingReport, extras: HtmlExtras = {}): string {
  const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const term = Object.entries(r.terminations).map(([k, v]) => `${k} ${fmtCount(v)}`).join(', ') || 'none';
  const dur = r.workload.durationMs;
  const sweep = extras.sweep && extras.sweep.length > 0
    ? `<h2>ENOBUFS and fallback rate against group size</h2>
<p>Each point is a whole run of the same workload with another group size. The fallback rate is
the share of receive completions that found the group empty (ENOBUFS), each one a multishot
receive the application had to re-arm.</p>
${sweepSvg(extras.sweep, extras.suggestion?.groupSize)}`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kbuf sizing</title>
<style>
body{font-family:sans-serif;margin:2em;max-width:62em;color:#222}
th{text-align:left;padding-right:1em;font-weight:normal;color:#555}td{font-variant-numeric:tabular-nums}
.answer{font-size:1.1em;padding:.6em .9em;background:#eef6ee;border-left:4px solid ${GREEN}}
.answer.bad{background:#fbeeee;border-left-color:${RED}}
.plot .hit{fill:transparent}.plot .hv:hover .hit{fill:rgba(0,0,0,.07)}
.plot .tip{display:none;font-weight:bold}.plot .hv:hover .tip{display:inline}
</style>
</head><body>
<h1>Provided-buffer sizing</h1>
<p>${esc(describeWorkload(r))}</p>
${answer(r, extras.suggestion)}
<table>
${row('messages', `${fmtCount(r.messages)} (${fmtBytes(r.bytesSent)} sent, ${fmtBytes(r.bytesReceived)} received)`)}
${row('ENOBUFS', `${fmtCount(r.enobufs)} (${fmtRate(r.enobufs, dur)}; fallback rate ${fmtPct(r.fallbackRate)} of ${fmtCount(r.cqes)} receive completions)`)}
${row('multishot terminations', `${fmtCount(r.multishotTerminations)} (${term})`)}
${row('peak buffers in use', `${fmtCount(r.peakInUse)} of ${fmtCount(r.workload.groupSize)} (${r.peakOccupancyPct.toFixed(1)}%)`)}
${row('mean buffers in use', `${r.meanInUse.toFixed(2)} (${r.meanOccupancyPct.toFixed(1)}%)`)}
${row('wasted bytes', `${fmtBytes(r.wastedBytes)} (${r.wastedPct.toFixed(1)}% of buffer space handed out)`)}
${row('max socket queue', fmtBytes(r.maxBacklogBytes))}
</table>
<h2>Buffers in use over time</h2>
${occupancySvg(r)}
${sweep}
<p><small>Simulated by @uringlab/kbuf-cache on the io_uring model (kernel ${esc(r.workload.kernel)}, seed ${r.workload.seed}); deterministic for a given workload. Hover over a plot for its values.</small></p>
</body></html>
`;
}
