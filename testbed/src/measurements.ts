// Timings a run measured: `time` events (an operation wrapped in the runner's `time`) from the
// kernel's trace, beside the model's prediction for the same operation from its own trace. They
// are reported, never judged: real latencies vary from run to run, and the model's figure comes
// from a stated cost model, not from this machine.

import type { ScenarioVerdict } from './judge.js';

export interface Measurement {
  scenario: string;
  /** The name the scenario gave the timed operation (`register`, `unregister`, ...). */
  name: string;
  /** How many times it was timed on the kernel. */
  n: number;
  kernel: { min: number; median: number; p90: number; max: number };
  /** The model's median prediction (ns), or null when the model trace has none. */
  model: number | null;
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function timesOf(events: readonly unknown[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const e of events as { ev: string; name?: string; ns?: number }[]) {
    if (e.ev !== 'time' || e.name === undefined || e.ns === undefined) continue;
    const list = m.get(e.name) ?? [];
    list.push(e.ns);
    m.set(e.name, list);
  }
  return m;
}

/** Every timed operation of the run, by scenario and name, in scenario order. */
export function collectMeasurements(verdicts: readonly ScenarioVerdict[]): Measurement[] {
  const out: Measurement[] = [];
  for (const v of verdicts) {
    const model = timesOf(v.model);
    for (const [name, ns] of timesOf(v.kernel)) {
      const k = [...ns].sort((a, b) => a - b);
      const m = [...(model.get(name) ?? [])].sort((a, b) => a - b);
      out.push({
        scenario: v.name, name, n: k.length,
        kernel: { min: k[0]!, median: quantile(k, 0.5), p90: quantile(k, 0.9), max: k[k.length - 1]! },
        model: m.length ? quantile(m, 0.5) : null,
      });
    }
  }
  return out;
}

export function formatNs(ns: number | null): string {
  if (ns === null || Number.isNaN(ns)) return '-';
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(1)} us`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/** Lines for the terminal: one per timed operation. */
export function formatMeasurements(ms: readonly Measurement[], where: string): string[] {
  if (!ms.length) return [];
  const w = Math.max(8, ...ms.map((m) => m.scenario.length));
  const lines = [
    `\nMeasured on ${where}, beside the model's prediction (stated cost model; not judged):`,
    `${'scenario'.padEnd(w)}  ${'operation'.padEnd(12)}  ${'n'.padStart(4)}  ${'median'.padStart(9)}  ${'min'.padStart(9)}  ${'p90'.padStart(9)}  ${'max'.padStart(9)}  ${'model'.padStart(9)}`,
  ];
  for (const m of ms) {
    lines.push(
      `${m.scenario.padEnd(w)}  ${m.name.padEnd(12)}  ${String(m.n).padStart(4)}  ${formatNs(m.kernel.median).padStart(9)}  ` +
        `${formatNs(m.kernel.min).padStart(9)}  ${formatNs(m.kernel.p90).padStart(9)}  ${formatNs(m.kernel.max).padStart(9)}  ${formatNs(m.model).padStart(9)}`,
    );
  }
  return lines;
}
