// A line diff of two traces for the report: one event a line, the kernel's trace against a
// model's, with the first differing event marked. Equality is the verdict's own (key order does
// not matter, `time` events are measurements and left out), so the first change here is the
// event the explanation talks about.

import type { TraceEvent } from '@uringlab/ring';

export type DiffSide = 'same' | 'kernel' | 'model';

export interface DiffLine {
  side: DiffSide;
  /** 0-based position in the kernel's trace (time events left out), when the line is in it. */
  k?: number;
  /** 0-based position in the model's trace, when the line is in it. */
  m?: number;
  event: TraceEvent;
  /** The first differing event (one line per side, or one line when the other side has none). */
  first?: boolean;
  /** On a first line whose counterpart is the same kind of event: the fields that differ. */
  fields?: string[];
}

/** Above this many lines on each side of the changed middle, the diff is kernel-then-model without alignment. */
const LCS_LIMIT = 2000;

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
}

const canon = (e: TraceEvent) => JSON.stringify(sorted(e));

/** The events a verdict compares (diff.ts's rule): `time` events are measurements. */
export function comparedEvents(t: readonly TraceEvent[]): TraceEvent[] {
  return t.filter((e) => e.ev !== 'time');
}

/** Longest common subsequence of two key lists, as matched index pairs in order. */
function lcs(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  // len[i][j]: LCS length of a[i..] and b[j..], in one flat array.
  const len = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[at(i, j)] = a[i] === b[j] ? len[at(i + 1, j + 1)]! + 1 : Math.max(len[at(i + 1, j)]!, len[at(i, j + 1)]!);
    }
  }
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) out.push([i++, j++]);
    else if (len[at(i + 1, j)]! >= len[at(i, j + 1)]!) i++;
    else j++;
  }
  return out;
}

function changedFields(a: TraceEvent, b: TraceEvent): string[] {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(sorted(x[k])) !== JSON.stringify(sorted(y[k])));
}

/** The kernel's trace against a model's: common lines, then for each change the kernel's lines and the model's. */
export function diffTraceLines(kernelTrace: readonly TraceEvent[], modelTrace: readonly TraceEvent[]): DiffLine[] {
  const kt = comparedEvents(kernelTrace);
  const mt = comparedEvents(modelTrace);
  const kk = kt.map(canon);
  const mk = mt.map(canon);
  // The common prefix is taken as is, so the first change is at the verdict's first divergence.
  let pre = 0;
  while (pre < kk.length && pre < mk.length && kk[pre] === mk[pre]) pre++;
  let post = 0;
  while (post < kk.length - pre && post < mk.length - pre && kk[kk.length - 1 - post] === mk[mk.length - 1 - post]) post++;
  const kMid = kk.slice(pre, kk.length - post);
  const mMid = mk.slice(pre, mk.length - post);
  const pairs = kMid.length <= LCS_LIMIT && mMid.length <= LCS_LIMIT ? lcs(kMid, mMid) : [];

  const out: DiffLine[] = [];
  for (let i = 0; i < pre; i++) out.push({ side: 'same', k: i, m: i, event: kt[i]! });
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [kMid.length, mMid.length] as [number, number]]) {
    for (; i < pi; i++) out.push({ side: 'kernel', k: pre + i, event: kt[pre + i]! });
    for (; j < pj; j++) out.push({ side: 'model', m: pre + j, event: mt[pre + j]! });
    if (pi < kMid.length) out.push({ side: 'same', k: pre + i++, m: pre + j++, event: kt[pre + pi]! });
  }
  for (let p = 0; p < post; p++) out.push({ side: 'same', k: kk.length - post + p, m: mk.length - post + p, event: kt[kk.length - post + p]! });

  // The first differing event: index `pre` of either trace.
  const fk = out.find((l) => l.side === 'kernel' && l.k === pre);
  const fm = out.find((l) => l.side === 'model' && l.m === pre);
  if (fk) fk.first = true;
  if (fm) fm.first = true;
  if (fk && fm && fk.event.ev === fm.event.ev) fk.fields = fm.fields = changedFields(fk.event, fm.event);
  return out;
}

/** One event as a line: its kind and step first, then its fields in the trace's own order. */
export function eventFields(e: TraceEvent): { key: string; text: string }[] {
  const rest = Object.entries(e as Record<string, unknown>).filter(([k]) => k !== 'ev' && k !== 'step');
  return rest.map(([key, v]) => ({ key, text: `${key}=${typeof v === 'string' && /^[\w.:/+-]*$/.test(v) && v !== '' ? v : JSON.stringify(v)}` }));
}
