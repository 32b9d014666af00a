// Fitting the prices to measured timings: nonnegative least squares on relative error (a 5 µs
// case counts as much as a 500 ms one), so the constants a testbed run yields can be written
// into profiles.ts with the run they came from.

import type { PoolShape } from './shape.js';

export interface TimingObservation {
  shape: PoolShape;
  /** Median ns of one REGISTER_BUFFERS call of the pool. */
  registerNs: number;
  /** Median ns of one CLONE_BUFFERS call of its whole table. */
  cloneNs: number;
}

export interface FittedPrices {
  registerCall: number;
  perBuffer: number;
  perPage: number;
  perFolio: number;
  acctScan: number;
  cloneCall: number;
  clonePerBuffer: number;
}

/** Solves A x = b (square) by Gaussian elimination with partial pivoting; null if singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    if (Math.abs(m[p]![c]!) < 1e-12) return null;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * min Σ ((X x − y) / y)² with x ≥ 0: columns that would go negative (or that no observation
 * exercises) are fixed at 0 and the rest solved again.
 */
export function nnlsRelative(x: readonly (readonly number[])[], y: readonly number[]): number[] {
  const k = x[0]?.length ?? 0;
  const active = new Set<number>([...Array(k).keys()].filter((j) => x.some((row) => row[j]! !== 0)));
  for (;;) {
    const cols = [...active];
    const rows = x.map((row, i) => cols.map((j) => row[j]! / y[i]!));
    const scale = cols.map((_, c) => Math.hypot(...rows.map((r) => r[c]!)) || 1);
    const ata = cols.map((_, a) => cols.map((_, b) => rows.reduce((s, r) => s + (r[a]! / scale[a]!) * (r[b]! / scale[b]!), 0)));
    const atb = cols.map((_, a) => rows.reduce((s, r) => s + r[a]! / scale[a]!, 0));
    const sol = cols.length ? solve(ata, atb) : [];
    const out = new Array<number>(k).fill(0);
    if (!sol) {
      // Columns that move together: drop the last and try again.
      active.delete(cols[cols.length - 1]!);
      continue;
    }
    let dropped = false;
    sol.forEach((v, c) => {
      if (v < 0) {
        active.delete(cols[c]!);
        dropped = true;
      } else out[cols[c]!] = v / scale[c]!;
    });
    if (!dropped) return out;
  }
}

/** Prices that best explain the observations (6.18 also fits the head-scan price). */
export function fitPrices(obs: readonly TimingObservation[], kernel: '6.18' | '7.3'): FittedPrices {
  const reg = nnlsRelative(
    obs.map((o) => [1, o.shape.buffers, o.shape.pages, o.shape.folios, kernel === '6.18' ? o.shape.acctScans : 0]),
    obs.map((o) => o.registerNs),
  );
  const clo = nnlsRelative(obs.map((o) => [1, o.shape.buffers]), obs.map((o) => o.cloneNs));
  return {
    registerCall: reg[0]!, perBuffer: reg[1]!, perPage: reg[2]!, perFolio: reg[3]!, acctScan: reg[4]!,
    cloneCall: clo[0]!, clonePerBuffer: clo[1]!,
  };
}
