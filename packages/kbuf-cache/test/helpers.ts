import { scenarioFiles } from '@uringlab/testkit/scenarios';
import type { TraceEvent } from '@uringlab/ring/extend';
import { extension } from '../src/index.js';

export const files = scenarioFiles(new URL('../', import.meta.url), [extension]);
export const { load: loadScenario, names: scenarioNames, traceOf, kernelTrace } = files;

export type CqeEvent = Extract<TraceEvent, { ev: 'cqe' }>;

export function cqes(trace: readonly TraceEvent[]): CqeEvent[] {
  return trace.flatMap((e) => (e.ev === 'cqe' ? [e] : []));
}

/** user_data -> res of each CQE (the last one wins for multishot). */
export function resByUd(trace: readonly TraceEvent[]): Record<string, number> {
  return Object.fromEntries(cqes(trace).map((c) => [c.user_data, c.res]));
}

export function registers(trace: readonly TraceEvent[]): number[] {
  return trace.flatMap((e) => (e.ev === 'register' ? [e.res] : []));
}

/** Heads reported by PBUF_STATUS read-backs, in order. */
export function statusHeads(trace: readonly TraceEvent[]): number[] {
  return trace.flatMap((e) => (e.ev === 'mem' && e.fields && 'head' in e.fields ? [e.fields.head as number] : []));
}

/** The raw CQE flags word (flag names and bid back to a number), as the kernel wrote it. */
export function rawFlags(c: CqeEvent): number {
  const bits: Record<string, number> = { BUFFER: 1, MORE: 2, SOCK_NONEMPTY: 4, NOTIF: 8, BUF_MORE: 16, SKIP: 32 };
  let f = 0;
  for (const n of c.flags) f |= bits[n] ?? 0;
  return (f | ((c.bid ?? 0) << 16)) >>> 0;
}
