// Each timing case beside the cost model's prediction for it, and the prices this run implies
// (fitted over all its cases), for COSTS.md and for updating the measured profile.

import { COST_PROFILES, cloneCostOf, fitPrices, formatNs, poolShape, registerCostOf, type FittedPrices, type PoolShape } from '@uringlab/rsrc-copy';
import type { CaseReading } from './read.js';
import { median } from './read.js';
import type { TimingCase } from './program.js';

export interface ComparisonRow {
  id: string;
  kind: string;
  poolBytes: number;
  bufferBytes: number;
  /** The page size the model assumed (4 KiB, or 2 MiB for thp/hugetlb). */
  pageBytes: number;
  hugeKb: number;
  shape: PoolShape;
  problem?: string;
  /** Medians and minima of the kernel's timings (the minimum is the least disturbed by a busy machine). */
  measured: { register: number; clone: number; ratio: number; registerMin: number; cloneMin: number; n: number };
  model: { register: number; clone: number; ratio: number };
}

export interface Comparison {
  rows: ComparisonRow[];
  fitted: FittedPrices | null;
}

const HUGE = 2 << 20;

export function compareCases(readings: readonly { c: TimingCase; r: CaseReading }[], mode: 'native' | 'vm'): Comparison {
  const profile = mode === 'native' ? COST_PROFILES['native-6.18'] : COST_PROFILES['vm-7.3'];
  const rows = readings.map(({ c, r }) => {
    const pageBytes = c.kind === 'base' ? 4096 : HUGE;
    const shape = poolShape({ poolBytes: c.poolBytes, bufferBytes: c.bufferBytes, pageBytes });
    const reg = registerCostOf(shape, profile).ns;
    const clo = cloneCostOf(shape.buffers, profile).ns;
    const mr = median(r.register), mc = median(r.clone);
    // A THP pool the kernel did not back with huge pages would be judged against the wrong shape.
    const notHuge = c.kind !== 'base' && r.hugeKb * 1024 < c.poolBytes ? `only ${r.hugeKb} kB of the pool was huge pages` : undefined;
    const problem = r.problem ?? notHuge;
    return {
      id: c.id, kind: c.kind, poolBytes: c.poolBytes, bufferBytes: c.bufferBytes, pageBytes, hugeKb: r.hugeKb, shape,
      ...(problem ? { problem } : {}),
      measured: { register: mr, clone: mc, ratio: mr / mc, registerMin: Math.min(...r.register), cloneMin: Math.min(...r.clone), n: r.register.length },
      model: { register: reg, clone: clo, ratio: reg / clo },
    };
  });
  const good = rows.filter((x) => !x.problem && x.measured.n > 0);
  const fitted = good.length >= 3 ? fitPrices(good.map((x) => ({ shape: x.shape, registerNs: x.measured.registerMin, cloneNs: x.measured.cloneMin })), mode === 'native' ? '6.18' : '7.3') : null;
  return { rows, fitted };
}

export function formatComparison(cmp: Comparison, where: string): string[] {
  const out = [`Register vs clone on ${where} (kernel: median and minimum of the timings; model: @uringlab/rsrc-copy's profile for this kernel)`];
  out.push(['case'.padEnd(30), 'bufs'.padStart(6), 'pages'.padStart(8), 'folios'.padStart(7), 'register'.padStart(10), 'min'.padStart(10), 'model'.padStart(10), 'clone'.padStart(9), 'min'.padStart(9), 'model'.padStart(9), 'ratio'.padStart(7), 'model'.padStart(7)].join(' '));
  for (const r of cmp.rows) {
    if (r.problem) {
      out.push(`${r.id.padEnd(30)} ${r.problem}`);
      continue;
    }
    out.push([
      r.id.padEnd(30), String(r.shape.buffers).padStart(6), String(r.shape.pages).padStart(8), String(r.shape.folios).padStart(7),
      formatNs(r.measured.register).padStart(10), formatNs(r.measured.registerMin).padStart(10), formatNs(r.model.register).padStart(10),
      formatNs(r.measured.clone).padStart(9), formatNs(r.measured.cloneMin).padStart(9), formatNs(r.model.clone).padStart(9),
      r.measured.ratio.toFixed(0).padStart(7), r.model.ratio.toFixed(0).padStart(7),
    ].join(' '));
  }
  if (cmp.fitted) {
    const f = cmp.fitted;
    out.push('', 'Prices this run implies (nonnegative least squares on relative error, fitted to the minima):',
      `  registerCall ${f.registerCall.toFixed(0)} ns, perBuffer ${f.perBuffer.toFixed(1)} ns, perPage ${f.perPage.toFixed(3)} ns, ` +
      `perFolio ${f.perFolio.toFixed(2)} ns, acctScan ${f.acctScan.toFixed(3)} ns, cloneCall ${f.cloneCall.toFixed(0)} ns, clonePerBuffer ${f.clonePerBuffer.toFixed(2)} ns`);
  }
  return out;
}
