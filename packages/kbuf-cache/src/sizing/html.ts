// A self-contained HTML page for a sizing report: the numbers and an inline SVG plot of buffers
// in use over time, with ENOBUFS marked. No scripts, styles or fonts from elsewhere.

import { describeWorkload } from './report.js';
import type { SizingReport } from './simulate.js';

const W = 760;
const H = 300;
const PAD = { l: 56, r: 16, t: 16, b: 40 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function occupancySvg(r: SizingReport): string {
  const g = r.workload.groupSize;
  const durMs = r.workload.durationMs;
  const x = (tUs: number) => PAD.l + ((W - PAD.l - PAD.r) * tUs) / (durMs * 1000);
  const y = (n: number) => H - PAD.b - ((H - PAD.t - PAD.b) * n) / Math.max(1, g);
  const pts = r.series.map((p) => `${x(p.tUs).toFixed(1)},${y(p.inUse).toFixed(1)}`).join(' ');
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const n = Math.round((g * i) / 4);
    ticks.push(`<line x1="${PAD.l - 4}" x2="${W - PAD.r}" y1="${y(n)}" y2="${y(n)}" stroke="#ddd"/><text x="${PAD.l - 8}" y="${y(n) + 4}" text-anchor="end">${n}</text>`);
    const t = (durMs * i) / 4;
    ticks.push(`<text x="${x(t * 1000)}" y="${H - PAD.b + 18}" text-anchor="middle">${t} ms</text>`);
  }
  const marks = r.series
    .filter((p) => p.enobufs > 0)
    .map((p) => `<line x1="${x(p.tUs).toFixed(1)}" x2="${x(p.tUs).toFixed(1)}" y1="${H - PAD.b}" y2="${H - PAD.b - 8}" stroke="#c00" stroke-width="2"><title>${p.enobufs} ENOBUFS</title></line>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11" role="img" aria-label="buffers in use over time">
${ticks.join('\n')}
<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(g)}" y2="${y(g)}" stroke="#c00" stroke-dasharray="4 3"/><text x="${W - PAD.r}" y="${y(g) - 4}" text-anchor="end" fill="#c00">group size ${g}</text>
<polyline fill="none" stroke="#1f5fbf" stroke-width="1.5" points="${pts}"/>
${marks}
<text x="${PAD.l}" y="${H - 6}">time (virtual); red ticks: ENOBUFS</text>
<text transform="translate(14 ${(H - PAD.b) / 2}) rotate(-90)" text-anchor="middle">buffers in use</text>
</svg>`;
}

export function renderHtml(r: SizingReport): string {
  const row = (k: string, v: string) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`;
  const term = Object.entries(r.terminations).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kbuf sizing</title>
<style>body{font-family:sans-serif;margin:2em;max-width:60em}th{text-align:left;padding-right:1em;font-weight:normal;color:#555}td{font-variant-numeric:tabular-nums}</style>
</head><body>
<h1>Provided-buffer sizing</h1>
<p>${esc(describeWorkload(r))}</p>
<table>
${row('messages', `${r.messages} (${r.bytesSent} bytes sent, ${r.bytesReceived} received)`)}
${row('ENOBUFS', String(r.enobufs))}
${row('multishot terminations', `${r.multishotTerminations} (${term})`)}
${row('peak buffers in use', `${r.peakInUse} of ${r.workload.groupSize} (${r.peakOccupancyPct.toFixed(1)}%)`)}
${row('mean buffers in use', `${r.meanInUse.toFixed(2)} (${r.meanOccupancyPct.toFixed(1)}%)`)}
${row('wasted bytes', `${r.wastedBytes} (${r.wastedPct.toFixed(1)}% of buffer space handed out)`)}
${row('max socket queue', `${r.maxBacklogBytes} bytes`)}
</table>
<h2>Buffers in use over time</h2>
${occupancySvg(r)}
<p><small>Simulated by @uringlab/kbuf-cache on the io_uring model (kernel ${esc(r.workload.kernel)}, seed ${r.workload.seed}); deterministic for a given workload.</small></p>
</body></html>
`;
}
