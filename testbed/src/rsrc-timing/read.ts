// Reads the records of a timing case: the pool's huge-page coverage, every register/clone
// result (a failed call makes its timing meaningless, so it is reported, never averaged in) and
// the timings.

import type { ScenarioResult } from '../records.js';

export interface CaseReading {
  /** Why the case gives no timing (skip, crash, a failed call), if it gives none. */
  problem?: string;
  /** kB of the pool /proc/self/smaps showed backed by huge pages. */
  hugeKb: number;
  register: number[];
  clone: number[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
}

export function readCase(r: ScenarioResult | undefined): CaseReading {
  const out: CaseReading = { hugeKb: 0, register: [], clone: [] };
  if (!r) return { ...out, problem: 'no records' };
  if (r.status !== 'ok') return { ...out, problem: `${r.status}${r.reason ? `: ${r.reason}` : ''}` };
  for (const rec of r.records) {
    const t = rec.split(' ');
    if (t[0] === 'skip') return { ...out, problem: `skipped: ${t.slice(1).join(' ')}` };
    if (t[0] === 'error') return { ...out, problem: `runner error: ${t.slice(2).join(' ')}` };
    if (t[0] === 'advregion') {
      if (t[2] !== '0') return { ...out, problem: `advregion failed (${t[2]})` };
      out.hugeKb = Number(t[3]);
    } else if (t[0] === 'setup' && Number(t[2]) < 0) {
      return { ...out, problem: `setup ${t[1]} failed (${t[2]})` };
    } else if (t[0] === 'register' && t[3] !== '0') {
      return { ...out, problem: `register ${t[1]} opcode ${t[2]} returned ${t[3]}` };
    } else if (t[0] === 'time' && (t[1] === 'register' || t[1] === 'clone')) {
      out[t[1]].push(Number(t[2]));
    }
  }
  return out;
}
