// The trace format: one JSON object per observable fact, the same for model and kernel.

import { z } from 'zod';
import { UringError } from '../errors.js';

const base = { step: z.number().int() };
const res = { res: z.number().int(), errno: z.string().optional() };

export const TraceEvent = z.discriminatedUnion('ev', [
  z.object({
    ev: z.literal('setup'), ring: z.string(), ...base, ...res,
    sq_entries: z.number().optional(), cq_entries: z.number().optional(), features: z.array(z.string()).optional(),
    sq_off: z.record(z.string(), z.number()).optional(), cq_off: z.record(z.string(), z.number()).optional(),
  }),
  z.object({ ev: z.literal('enter'), ring: z.string(), ...base, ...res }),
  z.object({
    ev: z.literal('cqe'), ring: z.string(), ...base, ...res, user_data: z.string(), flags: z.array(z.string()),
    bid: z.number().optional(), big_cqe: z.tuple([z.string(), z.string()]).optional(),
  }),
  z.object({ ev: z.literal('reaped'), ring: z.string(), ...base, n: z.number() }),
  z.object({
    ev: z.literal('ring'), ring: z.string(), ...base,
    sq_head: z.number(), sq_tail: z.number(), cq_head: z.number(), cq_tail: z.number(),
    sq_flags: z.array(z.string()), cq_flags: z.array(z.string()), sq_dropped: z.number(), cq_overflow: z.number(),
  }),
  z.object({ ev: z.literal('register'), ring: z.string(), op: z.string(), ...base, ...res }),
  z.object({ ev: z.literal('mem'), region: z.string(), offset: z.number(), ...base, hex: z.string().optional(), fields: z.record(z.string(), z.unknown()).optional() }),
  z.object({ ev: z.literal('fd'), name: z.string(), ...base, ...res }),
  z.object({ ev: z.literal('io'), fd: z.string(), ...base, ...res, hex: z.string().optional() }),
  z.object({ ev: z.literal('close'), fd: z.string(), ...base, ...res }),
  z.object({ ev: z.literal('poll'), fd: z.string(), ...base, ...res, revents: z.array(z.string()) }),
  /** How long an operation took (kernel: measured; model: predicted). A measurement, not a fact: diffs skip it. */
  z.object({ ev: z.literal('time'), name: z.string(), ...base, ns: z.number() }),
  z.object({ ev: z.literal('mmap'), region: z.string(), ...base, ...res }),
  z.object({ ev: z.literal('munmap'), region: z.string(), ...base, ...res }),
  z.object({ ev: z.literal('setfl'), fd: z.string(), ...base, ...res }),
  /** fstat(2)'s st_size and lseek(SEEK_CUR) (negative: -errno) of a file. */
  z.object({ ev: z.literal('stat'), fd: z.string(), ...base, ...res, size: z.number(), pos: z.number() }),
  z.object({ ev: z.literal('shutdown'), fd: z.string(), ...base, ...res }),
  /** Fields of /proc/self/status a `procstatus` read (kB). */
  z.object({ ev: z.literal('proc'), ...base, fields: z.record(z.string(), z.number()) }),
  z.object({ ev: z.literal('creds'), ...base, ...res }),
  z.object({ ev: z.literal('skip'), ...base, reason: z.string() }),
  z.object({ ev: z.literal('crash'), ...base, signal: z.string() }),
  z.object({ ev: z.literal('timeout'), ...base }),
  /** `code`: the UringError code of a model error (INTERNAL for a model bug), TRACE_INVALID for a malformed record. */
  z.object({ ev: z.literal('error'), ...base, message: z.string(), code: z.string().optional() }),
]);
export type TraceEvent = z.infer<typeof TraceEvent>;

/** Serialises events as JSONL. */
export function toJsonl(events: readonly TraceEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length ? '\n' : '');
}

/** Parses JSONL; a line that is not JSON or not a trace event is TRACE_INVALID naming the line. */
export function fromJsonl(text: string): TraceEvent[] {
  if (typeof text !== 'string') throw new UringError('TRACE_INVALID', 'fromJsonl() takes the JSONL text as a string');
  const out: TraceEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new UringError('TRACE_INVALID', `line ${i + 1} is not JSON: ${(e as Error).message}`);
    }
    const r = TraceEvent.safeParse(v);
    if (!r.success) {
      const why = r.error.issues.map((x) => `${x.path.join('.') || '(event)'}: ${x.message}`).join('; ');
      throw new UringError('TRACE_INVALID', `line ${i + 1} is not a trace event: ${why}`, { details: r.error.issues });
    }
    out.push(r.data);
  });
  return out;
}
