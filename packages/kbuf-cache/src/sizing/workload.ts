// What the sizing helper takes: a receive workload and a buffer-group design, validated.

import { z } from 'zod';

export const SizingWorkload = z.object({
  /** Connections, each with one (multishot) receive on the shared group. */
  connections: z.number().int().min(1).max(4096).default(16),
  /** Bytes per message: a fixed size, or [min, max] drawn uniformly. */
  msgSize: z.union([z.number().int().min(1), z.tuple([z.number().int().min(1), z.number().int().min(1)])]).default(1024),
  /** Messages per second per connection (Poisson arrivals). */
  rate: z.number().positive().default(1000),
  /** How long the application keeps a buffer before handing it back, in microseconds. */
  holdUs: z.number().nonnegative().default(200),
  /** Buffers in the group (a ring gets the next power of two as its entry count). */
  groupSize: z.number().int().min(1).max(32768).default(64),
  /** Bytes per buffer. */
  bufLen: z.number().int().min(1).max(1 << 24).default(4096),
  mode: z.enum(['legacy', 'ring', 'incremental']).default('ring'),
  /** min_left for incremental rings. */
  minLeft: z.number().int().min(0).default(0),
  /** Multishot receives (the default), or one single-shot receive re-armed per completion. */
  multishot: z.boolean().default(true),
  /** Virtual time to simulate, in milliseconds. */
  durationMs: z.number().positive().max(60_000).default(100),
  seed: z.number().int().default(1),
  kernel: z.enum(['7.3', '6.18']).default('7.3'),
  /** Points in the occupancy series (the HTML plot). */
  samples: z.number().int().min(2).max(5000).default(400),
}).strict();

export type SizingWorkload = z.infer<typeof SizingWorkload>;
export type SizingInput = z.input<typeof SizingWorkload>;

export function parseWorkload(input: SizingInput): SizingWorkload {
  const w = SizingWorkload.parse(input);
  if (Array.isArray(w.msgSize) && w.msgSize[0] > w.msgSize[1]) throw new Error('msgSize: min is larger than max');
  return w;
}
