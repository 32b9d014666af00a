// SQEs for the opcodes the core models: NOP (every nop_flags bit), READ/WRITE on pipes, sockets
// and regular files, SEND/RECV on sockets (and on what is not one), with skip and buffer-select
// flags; chains of them joined by IO_LINK/IO_HARDLINK; and ASYNC requests waited for on their
// own.

import { IORING_NOP, IORING_SETUP as S, IOSQE } from '../../uapi/constants.js';
import { avoids } from '../exclusions.js';
import { type FuzzChoices, type FuzzEnv, type FuzzFdKind, type FuzzRing, type NamedFuzz } from '../types.js';
import { CUR_POS, fileFs, flagsValue, isUdp, iowqCountRaces, kindOf, neg, quietRing, ringWithRoom, sqeFlags, targetFd, TMPFS_FILE, waitForOne } from './common.js';

type Step = Record<string, unknown>;
const NOP_FLAGS = ['INJECT_RESULT', 'FILE', 'TW', 'CQE32', 'FIXED_FILE', 'FIXED_BUFFER'] as const;

function nopSqe(c: FuzzChoices, env: FuzzEnv, out: Step[], ring?: FuzzRing): Step {
  const sqe: Step = { opcode: 'NOP', user_data: env.userData() };
  // On a CQE_MIXED ring half the NOPs post 32-byte CQEs, so fillers and their overflow show up.
  const big = c.bool() && ring !== undefined && (ring.flags & S.CQE_MIXED) !== 0;
  const nf = c.subset(NOP_FLAGS, 6);
  let bits = nf.reduce((v, n) => v | IORING_NOP[n], 0);
  if (big) {
    bits |= IORING_NOP.CQE32;
    sqe.off = 5;
    sqe.addr = 6;
  }
  if (c.rare(20)) bits |= 1 << 9; // no such nop flag: -EINVAL
  if (bits) sqe.op_flags = bits;
  if (nf.includes('INJECT_RESULT')) sqe.len = c.pick([0, 7, neg(22), neg(5), 4096]);
  if (nf.includes('FILE') || nf.includes('FIXED_FILE')) sqe.fd = targetFd(c, env, ['pipe-r', 'pipe-w', 'file', 'tcp', 'unix'], out);
  if (nf.includes('FIXED_BUFFER')) sqe.buf_index = c.pick([0, 1]);
  return sqe;
}

function withFlags(c: FuzzChoices, sqe: Step, extra: readonly string[] = [], drop: readonly string[] = []): Step {
  let f = (sqeFlags(c) as string[]).filter((x) => !drop.includes(x));
  const bad = c.rare(30) ? 1 << 7 : 0; // no such IOSQE bit: -EINVAL
  f = [...f, ...extra];
  if (f.length || bad) sqe.flags = flagsValue(f, IOSQE, bad);
  if (f.includes('BUFFER_SELECT') && sqe.buf_group === undefined) sqe.buf_group = c.pick([0, 1]);
  return sqe;
}

const selects = (sqe: Step) => Array.isArray(sqe.flags) && sqe.flags.includes('BUFFER_SELECT');

/** Where a transfer's bytes go: a region (mapped first if none is big enough), or a bad pointer. */
function buffer(c: FuzzChoices, env: FuzzEnv, len: number, out: Step[], noBad = false): unknown {
  const bad = c.rare(15);
  if (bad && !noBad) return c.pick([0, 4096]); // NULL, or a page nobody mapped: -EFAULT
  const r = env.region(Math.max(len, 1));
  out.push(...r.steps);
  return { region: r.name, offset: c.pick([0, 8, 100]) };
}

const LENS = [16, 1, 100, 4096, 0, 65536] as const;

/** A length for a transfer (0 included: a stream's zero-length transfer is modelled). */
function lengthFor(c: FuzzChoices): number {
  return c.pick(LENS);
}

function rwSqe(c: FuzzChoices, env: FuzzEnv, out: Step[], extra: readonly string[] = []): Step {
  const write = c.bool();
  const avoid: (FuzzFdKind | typeof TMPFS_FILE)[] = [];
  if (write && avoids('regular-file-write')) avoid.push('file');
  if (!write && avoids('regular-file-read')) avoid.push(TMPFS_FILE);
  const fd = targetFd(c, env, write ? ['pipe-w', 'file', 'tcp', 'unix'] : ['pipe-r', 'file', 'tcp', 'unix'], out, avoid);
  const len = lengthFor(c);
  const sqe: Step = { opcode: write ? 'WRITE' : 'READ', fd, len, user_data: env.userData() };
  withFlags(c, sqe, extra);
  if (!selects(sqe)) sqe.addr = buffer(c, env, len + 100, out);
  sqe.off = c.pick([CUR_POS, 0, 10, 4096]);
  if (c.rare(8)) sqe.op_flags = c.pick([8, 1, 1 << 30, 0x10, 0x20, 0x30]); // RWF_NOWAIT, RWF_HIPRI, no such flag, RWF_APPEND, RWF_NOAPPEND, both
  return sqe;
}

function netSqe(c: FuzzChoices, env: FuzzEnv, out: Step[], extra: readonly string[] = []): Step {
  const send = c.bool();
  const fd = targetFd(c, env, ['unix', 'tcp'], out);
  const len = lengthFor(c);
  const sqe: Step = { opcode: send ? 'SEND' : 'RECV', fd, len, user_data: env.userData() };
  withFlags(c, sqe, extra);
  if (!selects(sqe)) sqe.addr = buffer(c, env, len + 100, out);
  if (c.rare(6)) sqe.op_flags = c.pick([0x40, 0x100, 0x4000]); // MSG_DONTWAIT, MSG_WAITALL, MSG_NOSIGNAL
  // MSG_TRUNC on a UDP receive: the full datagram length (TCP's discarding MSG_TRUNC is not modelled).
  if (!send && isUdp(env, fd, out) && c.rare(3)) sqe.op_flags = 0x20;
  return sqe;
}

function sqeStep(ring: FuzzRing, sqe: Step, repeat = 1): Step {
  return repeat > 1 ? { op: 'sqe', ring: ring.name, sqe, repeat } : { op: 'sqe', ring: ring.name, sqe };
}

export const nopFuzz: NamedFuzz = {
  name: 'sqe.nop',
  weight: 6,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    const sqe = withFlags(c, nopSqe(c, env, steps, ring));
    const repeat = c.rare(6) ? Math.min(ring.sqFree, 2 + c.int(3)) : 1;
    for (let i = 1; i < repeat; i++) env.userData(); // repeat counts user_data up
    steps.push(sqeStep(ring, sqe, repeat));
    return steps;
  },
};

/**
 * A burst of 16- and 32-byte NOP CQEs on a CQE_MIXED ring, submitted by one enter: a few bursts
 * into a 4- or 8-entry CQ meet the ring end (SKIP fillers) and overflow mid-batch, the paths of
 * io_cqe_cache_refill() that single NOPs rarely reach. Without such a ring it sets one up.
 */
export const nopMixFuzz: NamedFuzz = {
  name: 'sqe.nop-mix',
  weight: 2,
  generate(c, env) {
    const rings = env.liveRings().filter((r) => r.flags & S.CQE_MIXED && r.sqFree >= 2);
    const have = rings.length ? c.pick(rings) : undefined;
    const cq = c.pick([4, 8]); // CQSIZE needs cq_entries >= entries
    const n = 2 + c.int(7);
    const sizes = c.int(1 << 8); // bit i: the i-th NOP posts a 32-byte CQE
    const steps: Step[] = [];
    let name: string;
    let room: number;
    if (have) {
      name = have.name;
      room = have.sqFree;
    } else {
      if (env.rings.length >= 3) return undefined;
      name = env.fresh('r');
      room = 4;
      steps.push({ op: 'setup', ring: name, entries: 4, flags: ['CQSIZE', 'CQE_MIXED'], cq_entries: cq });
    }
    const count = Math.min(n, room);
    for (let i = 0; i < count; i++) {
      const sqe: Step = { opcode: 'NOP', user_data: env.userData() };
      if (sizes & (1 << i)) Object.assign(sqe, { op_flags: IORING_NOP.CQE32, off: i + 1, addr: 100 + i });
      steps.push({ op: 'sqe', ring: name, sqe });
    }
    // All of the SQ: SQEs written before these could end in a link chain (split-links).
    steps.push({ op: 'enter', ring: name, to_submit: (have?.pending ?? 0) + count, min_complete: 0 });
    return steps;
  },
};

export const rwFuzz: NamedFuzz = {
  name: 'sqe.rw',
  weight: 5,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    steps.push(sqeStep(ring, rwSqe(c, env, steps)));
    return steps;
  },
};

export const netFuzz: NamedFuzz = {
  name: 'sqe.net',
  weight: 4,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    steps.push(sqeStep(ring, netSqe(c, env, steps)));
    return steps;
  },
};

/**
 * A chain: 2 to 4 SQEs, each but the last with IO_LINK or IO_HARDLINK, written in one template
 * so that shrinking never leaves a dangling link behind.
 */
export const chainFuzz: NamedFuzz = {
  name: 'sqe.chain',
  weight: 3,
  generate(c, env) {
    const n = 2 + c.int(3);
    const ring = ringWithRoom(c, env, n);
    if (!ring) return undefined;
    const steps: Step[] = [];
    for (let i = 0; i < n; i++) {
      const link = i < n - 1 ? [c.rare(3) ? 'IO_HARDLINK' : 'IO_LINK'] : [];
      const kind = c.int(4);
      const sqe = kind === 1 ? rwSqe(c, env, steps, link) : kind === 2 ? netSqe(c, env, steps, link) : withFlags(c, nopSqe(c, env, steps), link);
      steps.push(sqeStep(ring, sqe));
    }
    return steps;
  },
};

/**
 * One SQE whose CQE may come from io-wq, submitted alone by an enter that waits for its CQE: an
 * IOSQE_ASYNC NOP, or a READ or WRITE of a regular file (whose nonblocking attempt a kernel may
 * or may not finish inline). Waited this way the CQE is there before the next step, on a real
 * kernel as in the model.
 */
export const waitedFuzz: NamedFuzz = {
  name: 'sqe.waited',
  weight: 3,
  generate(c, env) {
    // Alone in the SQ with nothing else in flight, and room in the CQ: the wait is for this
    // request's CQE and nothing else can end it.
    const ring = quietRing(env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    let sqe: Step;
    const what = c.int(3);
    if (what === 0) {
      // IOSQE_ASYNC: io-wq.
      if (iowqCountRaces(env, ring)) return undefined;
      sqe = nopSqe(c, env, steps);
      const nf = Number(sqe.op_flags ?? 0) & ~(IORING_NOP.TW | IORING_NOP.CQE32);
      if (nf) sqe.op_flags = nf;
      else delete sqe.op_flags;
      sqe.flags = ['ASYNC'];
    } else {
      const write = what === 1;
      // A regular file, or (rarely) a number that is no fd: streams are the other generators'.
      const fd = targetFd(c, env, ['file'], steps, ['pipe-r', 'pipe-w', 'tcp', 'unix', 'eventfd']);
      const len = c.pick([16, 4096, 1, 0, 10000]);
      const kind = kindOf(env, fd, steps);
      // Where the I/O runs (inline, or io-wq: a tmpfs file's READ and WRITE, an ext4 file's
      // WRITE) shows in a registered eventfd's count, and the model follows the filesystem; but
      // an io-wq completion on a DEFER_TASKRUN ring signals a varying number of times.
      const iowq = kind === 'file' && (write || fileFs(env, fd, steps) !== 'ext4');
      if (iowq && iowqCountRaces(env, ring)) return undefined;
      const off = c.pick([CUR_POS, 0, 100, 8192]);
      // A faulting buffer now and then more often than elsewhere: what a faulting WRITE leaves in
      // the file (it grows to the offset) is the filesystem's, and fstat shows it.
      const addr = kind === 'file' && c.rare(8) ? c.pick([0, 4096]) : buffer(c, env, len + 100, steps);
      sqe = { opcode: write ? 'WRITE' : 'READ', fd, len, user_data: env.userData(), addr, off };
    }
    steps.push(sqeStep(ring, sqe), waitForOne(ring));
    return steps;
  },
};
