// SQEs for the opcodes the core models: NOP (every nop_flags bit), READ/WRITE on pipes, sockets
// and regular files, SEND/RECV on sockets (and on what is not one), with link, skip and
// buffer-select flags. The waited generator covers ASYNC and IO_DRAIN.

import { IORING_NOP, IOSQE } from '../../uapi/constants.js';
import type { FuzzChoices, FuzzEnv, FuzzRing, NamedFuzz } from '../types.js';
import { CUR_POS, flagsValue, neg, ringWithRoom, sqeFlags, targetFd } from './common.js';

const NOP_FLAGS = ['INJECT_RESULT', 'FILE', 'TW', 'CQE32', 'FIXED_FILE', 'FIXED_BUFFER'] as const;

function nopSqe(c: FuzzChoices, env: FuzzEnv, out: Record<string, unknown>[]): Record<string, unknown> {
  const sqe: Record<string, unknown> = { opcode: 'NOP', user_data: env.userData() };
  const nf = c.subset(NOP_FLAGS, 6);
  let bits = nf.reduce((v, n) => v | IORING_NOP[n], 0);
  if (c.rare(20)) bits |= 1 << 9; // no such nop flag: -EINVAL
  if (bits) sqe.op_flags = bits;
  if (nf.includes('INJECT_RESULT')) sqe.len = c.pick([0, 7, neg(22), neg(5), 4096]);
  if (nf.includes('FILE') || nf.includes('FIXED_FILE')) {
    sqe.fd = targetFd(c, env, ['pipe-r', 'pipe-w', 'file', 'tcp', 'unix'], out);
  }
  if (nf.includes('FIXED_BUFFER')) sqe.buf_index = c.pick([0, 1]);
  return sqe;
}

function withFlags(c: FuzzChoices, sqe: Record<string, unknown>): Record<string, unknown> {
  const f = sqeFlags(c);
  const bad = c.rare(30) ? 1 << 7 : 0; // no such IOSQE bit: -EINVAL
  if (f.length || bad) sqe.flags = flagsValue(f as string[], IOSQE, bad);
  if (f.includes('BUFFER_SELECT') && sqe.buf_group === undefined) sqe.buf_group = c.pick([0, 1]);
  return sqe;
}

function sqeStep(ring: FuzzRing, sqe: Record<string, unknown>, repeat = 1): Record<string, unknown> {
  return repeat > 1 ? { op: 'sqe', ring: ring.name, sqe, repeat } : { op: 'sqe', ring: ring.name, sqe };
}

export const nopFuzz: NamedFuzz = {
  name: 'sqe.nop',
  weight: 6,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Record<string, unknown>[] = [];
    const sqe = withFlags(c, nopSqe(c, env, steps));
    const repeat = c.rare(6) ? Math.min(ring.sqFree, 2 + c.int(3)) : 1;
    for (let i = 1; i < repeat; i++) env.userData(); // repeat counts user_data up
    steps.push(sqeStep(ring, sqe, repeat));
    return steps;
  },
};

/** Where a transfer's bytes go: a region (mapped first if none is big enough), or a bad pointer. */
function buffer(c: FuzzChoices, env: FuzzEnv, len: number, out: Record<string, unknown>[]): unknown {
  if (c.rare(15)) return c.pick([0, 4096]); // NULL, or a page nobody mapped: -EFAULT
  const r = env.region(Math.max(len, 1));
  out.push(...r.steps);
  return { region: r.name, offset: c.pick([0, 8, 100]) };
}

const LENS = [16, 1, 100, 4096, 0, 65536] as const;

export const rwFuzz: NamedFuzz = {
  name: 'sqe.rw',
  weight: 5,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const write = c.bool();
    const steps: Record<string, unknown>[] = [];
    const fd = targetFd(c, env, write ? ['pipe-w', 'file', 'tcp', 'unix'] : ['pipe-r', 'file', 'tcp', 'unix'], steps);
    const len = c.pick(LENS);
    const sqe: Record<string, unknown> = { opcode: write ? 'WRITE' : 'READ', fd, len, user_data: env.userData() };
    withFlags(c, sqe);
    const selecting = Array.isArray(sqe.flags) && sqe.flags.includes('BUFFER_SELECT');
    if (!selecting) sqe.addr = buffer(c, env, len + 100, steps);
    sqe.off = c.pick([CUR_POS, 0, 10, 4096]);
    if (c.rare(8)) sqe.op_flags = c.pick([8, 1, 1 << 30]); // RWF_NOWAIT, RWF_HIPRI, no such flag
    steps.push(sqeStep(ring, sqe));
    return steps;
  },
};

export const netFuzz: NamedFuzz = {
  name: 'sqe.net',
  weight: 4,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const send = c.bool();
    const steps: Record<string, unknown>[] = [];
    const fd = targetFd(c, env, ['unix', 'tcp'], steps);
    const len = c.pick(LENS);
    const sqe: Record<string, unknown> = { opcode: send ? 'SEND' : 'RECV', fd, len, user_data: env.userData() };
    withFlags(c, sqe);
    const selecting = Array.isArray(sqe.flags) && sqe.flags.includes('BUFFER_SELECT');
    if (!selecting) sqe.addr = buffer(c, env, len + 100, steps);
    if (c.rare(6)) sqe.op_flags = c.pick([0x40, 0x100, 0x4000]); // MSG_DONTWAIT, MSG_WAITALL, MSG_NOSIGNAL
    steps.push(sqeStep(ring, sqe));
    return steps;
  },
};

/**
 * One SQE that goes through io-wq (IOSQE_ASYNC, or IO_DRAIN behind it), submitted alone by
 * an enter that waits for its CQE: waited this way the CQE is there before the next step, on a
 * real kernel as in the model.
 */
export const waitedFuzz: NamedFuzz = {
  name: 'sqe.waited',
  weight: 2,
  generate(c, env) {
    // Alone in the SQ, so the wait is for this request only.
    const ring = env.liveRings().filter((r) => r.pending === 0 && r.sqFree > 0)[0];
    if (!ring) return undefined;
    const steps: Record<string, unknown>[] = [];
    const sqe = nopSqe(c, env, steps);
    if (Number(sqe.op_flags ?? 0) & (IORING_NOP.TW | IORING_NOP.CQE32)) sqe.op_flags = Number(sqe.op_flags) & ~(IORING_NOP.TW | IORING_NOP.CQE32);
    if (sqe.op_flags === 0) delete sqe.op_flags;
    sqe.flags = [c.pick(['ASYNC', 'IO_DRAIN', 'ASYNC'])];
    steps.push(sqeStep(ring, sqe), { op: 'enter', ring: ring.name, to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] });
    return steps;
  },
};
