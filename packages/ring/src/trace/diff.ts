// Compares a kernel trace with a model trace and explains the first divergence in words.

import type { Scenario } from '../scenario/schema.js';
import type { TraceEvent } from './events.js';

export interface Divergence {
  index: number;
  step: number;
  expected: TraceEvent | undefined;
  actual: TraceEvent | undefined;
  explanation: string;
}

export interface DiffResult {
  agree: boolean;
  divergence?: Divergence;
}

/** Key order must not matter, at any depth (decoded struct fields are nested objects). */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
}

function canon(e: TraceEvent | undefined): string {
  return e === undefined ? '' : JSON.stringify(sorted(e));
}

function stepText(sc: Scenario | undefined, step: number): string {
  if (step < 0) return 'before the first step';
  const s = sc?.steps[step];
  return s ? `step ${step} (${s.op}${'ring' in s ? ` ${String(s.ring)}` : ''})` : `step ${step}`;
}

function what(e: TraceEvent): string {
  switch (e.ev) {
    case 'cqe': return `a CQE user_data=${e.user_data} res=${e.errno ? `-${e.errno}` : e.res}${e.flags.length ? ` flags=${e.flags.join('|')}` : ''}${e.bid !== undefined ? ` bid=${e.bid}` : ''}`;
    case 'enter': case 'register': case 'fd': case 'io': case 'close': case 'mmap': case 'poll': case 'munmap': case 'shutdown': case 'setfl':
      return `${e.ev}${e.ev === 'register' ? ` ${e.op}` : ''} returning ${e.errno ? `-${e.errno} (${e.res})` : e.res}`;
    case 'setup': return e.res < 0 ? `setup failing with -${e.errno}` : `setup succeeding with sq ${e.sq_entries}/cq ${e.cq_entries}`;
    case 'reaped': return `${e.n} CQEs reaped`;
    default: return JSON.stringify(e);
  }
}

function fieldDiff(a: TraceEvent, b: TraceEvent): string {
  const ka = a as Record<string, unknown>;
  const kb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ka), ...Object.keys(kb)])].filter((k) => JSON.stringify(ka[k]) !== JSON.stringify(kb[k]));
  return keys.map((k) => `${k}: kernel ${JSON.stringify(kb[k])}, model ${JSON.stringify(ka[k])}`).join('; ');
}

/** Events that are facts to agree on: `time` measurements differ by nature and are left out. */
function facts(t: readonly TraceEvent[]): readonly TraceEvent[] {
  return t.some((e) => e.ev === 'time') ? t.filter((e) => e.ev !== 'time') : t;
}

/** `expected` is the model's trace, `actual` the kernel's. Timings (`time` events) are not compared. */
export function diffTraces(expectedTrace: readonly TraceEvent[], actualTrace: readonly TraceEvent[], sc?: Scenario): DiffResult {
  const expected = facts(expectedTrace);
  const actual = facts(actualTrace);
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (canon(e) === canon(a)) continue;
    const step = a?.step ?? e?.step ?? -1;
    let explanation: string;
    if (!a) explanation = `At ${stepText(sc, e!.step)} the model predicts ${what(e!)}, but the kernel produced nothing more.`;
    else if (!e) explanation = `At ${stepText(sc, a.step)} the kernel produced ${what(a)}, which the model does not predict.`;
    else if (a.ev !== e.ev) explanation = `At ${stepText(sc, step)} the kernel produced ${what(a)} where the model predicts ${what(e)}.`;
    else explanation = `At ${stepText(sc, step)} the kernel's ${a.ev} event differs from the model's: ${fieldDiff(e, a)}.`;
    return { agree: false, divergence: { index: i, step, expected: e, actual: a, explanation } };
  }
  return { agree: true };
}
