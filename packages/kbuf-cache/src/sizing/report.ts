// The sizing report as text, and the smallest group that avoids ENOBUFS for a workload.

import { kbufSize, type SizingReport } from './simulate.js';
import type { SizingInput } from './workload.js';

function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function describeWorkload(r: SizingReport): string {
  const w = r.workload;
  const size = typeof w.msgSize === 'number' ? `${w.msgSize} B` : `${w.msgSize[0]}..${w.msgSize[1]} B`;
  const kind = w.mode === 'incremental' ? 'incremental ring' : 'ring';
  const group = r.ringEntries === null ? `legacy group of ${w.groupSize}` : `${kind} of ${w.groupSize} (${r.ringEntries} entries)`;
  return `${w.connections} connections x ${w.rate} msg/s, ${size} messages, buffers held ${w.holdUs} us; ` +
    `${group} x ${fmtBytes(w.bufLen)}; ${w.multishot ? 'multishot' : 'single-shot'} receives; ${w.durationMs} ms on ${w.kernel}`;
}

export function formatReport(r: SizingReport): string {
  const term = Object.entries(r.terminations).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return [
    describeWorkload(r),
    `  messages          ${r.messages} (${fmtBytes(r.bytesSent)} sent, ${fmtBytes(r.bytesReceived)} received)`,
    `  ENOBUFS           ${r.enobufs}`,
    `  multishot ends    ${r.multishotTerminations} (${term})`,
    `  buffers in use    peak ${r.peakInUse}/${r.workload.groupSize} (${r.peakOccupancyPct.toFixed(1)}%), mean ${r.meanInUse.toFixed(1)} (${r.meanOccupancyPct.toFixed(1)}%)`,
    `  wasted bytes      ${fmtBytes(r.wastedBytes)} (${r.wastedPct.toFixed(1)}% of buffer space handed out)`,
    `  max socket queue  ${fmtBytes(r.maxBacklogBytes)}`,
  ].join('\n');
}

/**
 * The smallest group size (doubling, then bisecting) with no ENOBUFS over the workload, or
 * null if even 32768 buffers are not enough.
 */
export function suggestGroupSize(input: SizingInput): { groupSize: number; report: SizingReport } | null {
  let lo = 0;
  let hi = Math.max(1, input.groupSize ?? 64);
  let best = kbufSize({ ...input, groupSize: hi });
  while (best.enobufs > 0) {
    lo = hi;
    if (hi >= 32768) return null;
    hi = Math.min(32768, hi * 2);
    best = kbufSize({ ...input, groupSize: hi });
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const r = kbufSize({ ...input, groupSize: mid });
    if (r.enobufs === 0) {
      hi = mid;
      best = r;
    } else {
      lo = mid;
    }
  }
  return { groupSize: hi, report: best };
}
