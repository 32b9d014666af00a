// The sizing report as text, the smallest group that avoids ENOBUFS for a workload, and a sweep
// of group sizes (ENOBUFS and fallback rate against group size, for the HTML plot).

import { kbufSize, type SizingReport } from './simulate.js';
import { fmtBytes, fmtCount, fmtPct, fmtRate } from './units.js';
import type { SizingInput } from './workload.js';

export { fmtBytes, fmtCount, fmtPct } from './units.js';

/** The largest group the search tries (the workload schema's limit). */
export const MAX_GROUP = 32768;

export function describeWorkload(r: SizingReport): string {
  const w = r.workload;
  const size = typeof w.msgSize === 'number' ? fmtBytes(w.msgSize) : `${fmtBytes(w.msgSize[0])}..${fmtBytes(w.msgSize[1])}`;
  const kind = w.mode === 'incremental' ? 'incremental ring' : 'ring';
  const group = r.ringEntries === null ? `legacy group of ${w.groupSize}` : `${kind} of ${w.groupSize} (${r.ringEntries} entries)`;
  return `${fmtCount(w.connections)} connections x ${fmtCount(w.rate)} msg/s, ${size} messages, buffers held ${w.holdUs} us; ` +
    `${group} x ${fmtBytes(w.bufLen)}; ${w.multishot ? 'multishot' : 'single-shot'} receives; ${fmtCount(w.durationMs)} ms on ${w.kernel}`;
}

export function formatReport(r: SizingReport): string {
  const term = Object.entries(r.terminations).map(([k, v]) => `${k} ${fmtCount(v)}`).join(', ') || 'none';
  const dur = r.workload.durationMs;
  return [
    describeWorkload(r),
    `  messages          ${fmtCount(r.messages)} (${fmtBytes(r.bytesSent)} sent, ${fmtBytes(r.bytesReceived)} received)`,
    `  ENOBUFS           ${fmtCount(r.enobufs)} (${fmtRate(r.enobufs, dur)}; ${fmtPct(r.fallbackRate)} of ${fmtCount(r.cqes)} receive completions fell back)`,
    `  multishot ends    ${fmtCount(r.multishotTerminations)} (${term})`,
    `  buffers in use    peak ${r.peakInUse}/${r.workload.groupSize} (${r.peakOccupancyPct.toFixed(1)}%), mean ${r.meanInUse.toFixed(1)} (${r.meanOccupancyPct.toFixed(1)}%)`,
    `  wasted bytes      ${fmtBytes(r.wastedBytes)} (${r.wastedPct.toFixed(1)}% of buffer space handed out)`,
    `  max socket queue  ${fmtBytes(r.maxBacklogBytes)}`,
  ].join('\n');
}

/** What a long search or sweep reports as it goes. */
export interface SizingProgress {
  /** The group size being simulated. */
  groupSize: number;
  /** Share of that run's virtual time done (0..1). */
  done: number;
  /** Which run this is (1-based), and how many a sweep has (a search does not know ahead). */
  run: number;
  runs?: number;
  /** `run` for the report itself, `search` while finding the smallest group, `sweep` for the plotted sizes. */
  phase: 'run' | 'search' | 'sweep';
}

export interface SearchOptions {
  onProgress?: (p: SizingProgress) => void;
}

/** A group size and the run that answered for it. */
export interface SuggestedGroup {
  groupSize: number;
  report: SizingReport;
}

/**
 * The smallest group size (doubling from the workload's group, then bisecting) with no ENOBUFS
 * over the workload, or null if even 32768 buffers are not enough. A run that hits ENOBUFS
 * stops there: the search only asks whether the group ever runs dry.
 */
export function suggestGroupSize(input: SizingInput, opts: SearchOptions = {}): SuggestedGroup | null {
  let run = 0;
  const trial = (groupSize: number) => {
    run++;
    return kbufSize({ ...input, groupSize }, {
      stopAtEnobufs: true,
      ...(opts.onProgress ? { onProgress: (done: number) => opts.onProgress!({ groupSize, done, run, phase: 'search' }) } : {}),
    });
  };
  let lo = 0;
  let hi = Math.max(1, input.groupSize ?? 64);
  let best = trial(hi);
  while (best.enobufs > 0) {
    lo = hi;
    if (hi >= MAX_GROUP) return null;
    hi = Math.min(MAX_GROUP, hi * 2);
    best = trial(hi);
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const r = trial(mid);
    if (r.enobufs === 0) {
      hi = mid;
      best = r;
    } else {
      lo = mid;
    }
  }
  // A run without ENOBUFS never stopped early, so `best` is a whole run.
  return { groupSize: hi, report: best };
}

/** One point of a sweep: a whole run at one group size. */
export interface SweepPoint {
  groupSize: number;
  enobufs: number;
  fallbackRate: number;
  messages: number;
  peakInUse: number;
  meanInUse: number;
}

/**
 * The group sizes a sweep plots around a suggestion: from a quarter of it to one and a half
 * times it, plus the workload's own size, each at least 1 and at most 32768, without repeats.
 */
export function sweepSizes(suggested: number | null, current: number): number[] {
  const center = suggested ?? current;
  const sizes = [0.25, 0.5, 0.75, 0.9, 1, 1.25, 1.5].map((f) => Math.round(center * f)).concat(current, suggested ?? current);
  return [...new Set(sizes.map((n) => Math.min(MAX_GROUP, Math.max(1, n))))].sort((a, b) => a - b);
}

/** Whole runs of the workload at each group size, in order. */
export function sweepGroupSizes(input: SizingInput, sizes: readonly number[], opts: SearchOptions = {}): SweepPoint[] {
  return sizes.map((groupSize, i) => {
    const r = kbufSize({ ...input, groupSize }, opts.onProgress
      ? { onProgress: (done) => opts.onProgress!({ groupSize, done, run: i + 1, runs: sizes.length, phase: 'sweep' }) }
      : {});
    return { groupSize, enobufs: r.enobufs, fallbackRate: r.fallbackRate, messages: r.messages, peakInUse: r.peakInUse, meanInUse: r.meanInUse };
  });
}
