// Shared pieces of the kbuf scenario steps: field schemas, SQE encoding, and what compilation
// remembers about each registered ring (its memory region, size and the tail written so far).

import { z } from 'zod';
import { IORING_SETUP, IOSQE, IO_URING_SQE, type CompileContext, type FieldInput, type ProgramOp } from '@uringlab/ring/extend';

export const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -');
export const u16 = z.number().int().min(0).max(0xffff);
export const u32 = z.number().int().min(0).max(0xffffffff);
export const s32 = z.number().int().min(-0x80000000).max(0x7fffffff);
export const u64 = z.union([z.number().int().nonnegative(), z.string().regex(/^(0x[0-9a-fA-F]+|\d+)$/)]);
export const pointer = z.union([u64, z.object({ region: name, offset: z.number().int().nonnegative().default(0) }).strict()]);
export const flags = z.union([u32, z.array(z.string())]);

export type Pointer = z.infer<typeof pointer>;

export function pointerInput(p: Pointer): FieldInput {
  return typeof p === 'object' ? { region: p.region, offset: p.offset } : p;
}

/** One SQE for `ring`, encoded with the UAPI codec (pointer and fd fields become fixups). */
export function sqeOp(cc: CompileContext, ring: string, values: Record<string, FieldInput>): ProgramOp {
  const size = cc.ring(ring).flags & IORING_SETUP.SQE128 ? 128 : 64;
  const bytes = new Uint8Array(size);
  const fixups = cc.encodeFields(IO_URING_SQE, values, bytes);
  return { op: 'sqe', ring, bytes, fixups };
}

export function sqeFlags(cc: CompileContext, v: z.infer<typeof flags> | undefined): number {
  return cc.flags(IOSQE, v, 'IOSQE');
}

export interface RingTrack {
  region: string | null;
  entries: number;
  /** The tail value the application last published (u16). */
  tail: number;
}

const TRACK = new WeakMap<CompileContext, Map<string, RingTrack>>();

export function tracks(cc: CompileContext): Map<string, RingTrack> {
  let m = TRACK.get(cc);
  if (!m) {
    m = new Map();
    TRACK.set(cc, m);
  }
  return m;
}

export function track(cc: CompileContext, ring: string, bgid: number): RingTrack {
  const t = tracks(cc).get(`${ring}/${bgid}`);
  if (!t || !t.region) cc.fail(`no buffer ring for group ${bgid} on ${ring} (a kbuf.register step with a region comes first)`);
  return t;
}
