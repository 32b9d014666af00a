// Pieces the core generators share: picking a ring with room in its SQ, SQE flags, and the
// fd a request targets (mostly a fitting one, sometimes a wrong kind or a bad number).

import { IOWQ_OBSERVED, type FuzzChoices, type FuzzEnv, type FuzzFd, type FuzzFdKind, type FuzzRing } from '../types.js';
import { avoids } from '../exclusions.js';
import { IORING_SETUP } from '../../uapi/constants.js';

/** What the ring pickers read of a case: its live rings (the full FuzzEnv, or an extension's subset of it). */
export interface LiveRings<R> {
  liveRings(): readonly R[];
}

/** A live ring with at least `slots` free SQ slots, or undefined (no choice is read then). */
export function ringWithRoom<R extends Pick<FuzzRing, 'sqFree'>>(c: Pick<FuzzChoices, 'pick'>, env: LiveRings<R>, slots = 1): R | undefined {
  const rings = env.liveRings().filter((r) => r.sqFree >= slots);
  return rings.length ? c.pick(rings) : undefined;
}

/**
 * The first ring a waited request can have to itself: nothing in its SQ or in flight, room in
 * its CQ, so a wait for one more CQE ends with that request's (no choice is read).
 */
export function quietRing(env: FuzzEnv): FuzzRing | undefined {
  return env.liveRings().find((r) => r.pending === 0 && r.inflight === 0 && r.sqFree > 0 && r.cqReady < r.cqEntries && !mixedBacklog(r));
}

/**
 * A CQE_MIXED ring's backlog flushes into more CQ slots than it has CQEs (a 32-byte CQE takes two,
 * a wrap adds a filler): a wait counted in CQEs can be met by the flush alone, before the waited
 * io-wq request posts (fuzz-300007-765, fuzz-166278986-3, in the VM).
 */
function mixedBacklog(r: FuzzRing): boolean {
  return r.backlog > 0 && (r.flags & IORING_SETUP.CQE_MIXED) !== 0;
}

/**
 * `iowq-eventfd-defer`: an io-wq completion on this DEFER_TASKRUN ring would show in a registered
 * eventfd's count, which varies from run to run (the worker's last reference put can free the
 * request through more local task_work after the task ran its completion).
 */
export function iowqCountRaces(env: FuzzEnv, ring: FuzzRing): boolean {
  return (ring.flags & IORING_SETUP.DEFER_TASKRUN) !== 0 && env.scratch(IOWQ_OBSERVED, () => ({ value: false })).value && avoids('iowq-eventfd-defer');
}

/** The enter that submits a quietRing()'s one SQE and waits for its CQE (io-wq's included). */
export function waitForOne(ring: FuzzRing): Record<string, unknown> {
  return { op: 'enter', ring: ring.name, to_submit: 1, min_complete: ring.cqReady + 1, flags: ['GETEVENTS'] };
}

/** Any live ring, or undefined (no choice is read then): for steps that put nothing in the SQ. */
export function anyLiveRing<R>(c: Pick<FuzzChoices, 'pick'>, env: LiveRings<R>): R | undefined {
  return ringPicker(env)?.(c);
}

/**
 * A picker of live rings, or undefined when the case has none: a generator that reads other
 * choices before the ring's checks first and picks when it gets there.
 */
export function ringPicker<R>(env: LiveRings<R>): ((c: Pick<FuzzChoices, 'pick'>) => R) | undefined {
  const rings = env.liveRings();
  return rings.length ? (c) => c.pick(rings) : undefined;
}

/**
 * IOSQE flags for an SQE on its own. ASYNC and IO_DRAIN are left to sqe.waited and the link
 * flags to sqe.chain (see exclusions.ts): unwaited io-wq work races the runner's next step on a
 * real kernel, and so does a chain cut off at the end of a submission.
 */
export const PLAIN_SQE_FLAGS = ['CQE_SKIP_SUCCESS', 'BUFFER_SELECT', 'FIXED_FILE'] as const;

export function sqeFlags(c: FuzzChoices, oneIn = 8): (string | number)[] {
  const names: (string | number)[] = c.subset(PLAIN_SQE_FLAGS, oneIn);
  return names;
}

/** Flags as a number when one of them has no name (an invalid bit), else as names. */
export function flagsValue(names: readonly string[], table: Readonly<Record<string, number>>, extraBits = 0): string[] | number {
  if (!extraBits) return [...names];
  return (names.reduce((v, n) => v | (table[n] ?? 0), 0) | extraBits) >>> 0;
}

/** Fd names a case may define (each pair counts two). */
export const MAX_FDS = 10;

/** Steps that make an fd of `kind` (a pipe, an AF_UNIX pair or a tmpfile), and its name. */
export function makeFd(c: FuzzChoices, env: FuzzEnv, kind: FuzzFdKind, ext4Only = false): { name: string; steps: Record<string, unknown>[] } {
  if (kind === 'pipe-r' || kind === 'pipe-w') {
    const p = env.fresh('p');
    return { name: kind === 'pipe-r' ? `${p}r` : `${p}w`, steps: [{ op: 'pipe', read: `${p}r`, write: `${p}w` }] };
  }
  if (kind === 'tcp' || kind === 'unix') {
    if (kind === 'tcp' && avoids('tcp')) kind = 'unix';
    if (kind === 'tcp') env.require('tcp');
    const s = env.fresh('s');
    // One AF_UNIX pair in four is a connected UDP pair instead.
    const made = kind === 'unix' && c.rare(4) ? 'udp' : kind;
    return { name: `${s}${c.pick(['a', 'b'])}`, steps: [{ op: 'socketpair', a: `${s}a`, b: `${s}b`, kind: made }] };
  }
  const name = env.fresh('f');
  return { name, steps: [{ op: 'tmpfile', name, size: c.pick([4096, 0, 100]), seed: c.int(256), ...openFlags(c), fs: tmpfileFs(c, ext4Only) }] };
}

/**
 * The filesystem of a generated tmpfile: tmpfs or ext4, which differ in where io_uring does
 * their I/O (files/regular.ts); `ext4Only` when the file must take an unwaited READ inline.
 */
export function tmpfileFs(c: FuzzChoices, ext4Only = false): 'tmpfs' | 'ext4' {
  return ext4Only ? 'ext4' : c.pick(['tmpfs', 'ext4'] as const);
}

/** Avoided in targetFd(): a tmpfs file, whose READ and WRITE run on io-wq (unwaited: timing). */
export const TMPFS_FILE = 'tmpfs-file';

/** Mostly none (O_RDWR); sometimes an access mode and O_APPEND, for EBADF and appending writes. */
export function openFlags(c: FuzzChoices): { flags?: string[] } {
  if (!c.rare(4)) return {};
  return { flags: c.pick([['RDWR', 'APPEND'], ['RDONLY'], ['WRONLY'], ['WRONLY', 'APPEND']]) };
}

/**
 * The fd of a request: one of `kinds` (made on the spot when none is open), or, one time in
 * 12, any open fd or a number that is no fd at all. Made fds' steps are pushed to `out`.
 */
export function targetFd(
  c: FuzzChoices, env: FuzzEnv, kinds: readonly FuzzFdKind[], out: Record<string, unknown>[], avoid: readonly (FuzzFdKind | typeof TMPFS_FILE)[] = [],
): string | number {
  const noTmpfs = avoid.includes(TMPFS_FILE);
  const usable = (f: FuzzFd) => !avoid.includes(f.kind) && !(noTmpfs && f.kind === 'file' && f.fs !== 'ext4') && !(f.peerClosed && f.udp && avoids('udp-after-peer-close'));
  if (c.rare(12)) {
    const x = c.pick<FuzzFd | number>([-1, ...env.openFds().filter(usable), 1000]);
    return typeof x === 'number' ? x : x.name;
  }
  kinds = kinds.filter((k) => !(avoid as readonly string[]).includes(k));
  const fitting = env.openFds(kinds).filter(usable);
  if (fitting.length && (!c.rare(6) || env.fds.length >= MAX_FDS)) return c.pick(fitting).name;
  if (env.fds.length >= MAX_FDS) return -1;
  const made = makeFd(c, env, c.pick(kinds), noTmpfs);
  out.push(...made.steps);
  return made.name;
}

/** The kind of a named fd of this case, or of one that `made` (steps not run yet) defines. */
export function kindOf(env: FuzzEnv, fd: string | number, made: readonly Record<string, unknown>[] = []): FuzzFdKind | undefined {
  if (typeof fd === 'number') return undefined;
  const known = env.fds.find((f) => f.name === fd)?.kind;
  if (known) return known;
  for (const s of made) {
    if (s.op === 'pipe') return s.read === fd ? 'pipe-r' : s.write === fd ? 'pipe-w' : undefined;
    if (s.op === 'socketpair' && (s.a === fd || s.b === fd)) return s.kind === 'tcp' ? 'tcp' : 'unix';
    if (s.op === 'tmpfile' && s.name === fd) return 'file';
  }
  return undefined;
}

/** The filesystem of a named tmpfile of this case, or of one `made` defines. */
export function fileFs(env: FuzzEnv, fd: string | number, made: readonly Record<string, unknown>[] = []): 'tmpfs' | 'ext4' | undefined {
  if (typeof fd === 'number') return undefined;
  const known = env.fds.find((f) => f.name === fd);
  if (known) return known.fs;
  const s = made.find((m) => m.op === 'tmpfile' && m.name === fd);
  return s?.fs === 'tmpfs' || s?.fs === 'ext4' ? s.fs : undefined;
}

/** Whether a named fd of this case, or one `made` defines, is an end of a UDP pair. */
export function isUdp(env: FuzzEnv, fd: string | number, made: readonly Record<string, unknown>[] = []): boolean {
  if (typeof fd === 'number') return false;
  if (env.fds.some((f) => f.name === fd && f.udp)) return true;
  return made.some((s) => s.op === 'socketpair' && s.kind === 'udp' && (s.a === fd || s.b === fd));
}

/** A u32 holding a negative errno (for NOP's INJECT_RESULT and bad lengths). */
export const neg = (errno: number) => (2 ** 32 - errno) >>> 0;
/** -1 as a u64: "use the file position". */
export const CUR_POS = '18446744073709551615';
