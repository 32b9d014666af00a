// The primitive program both executors interpret (testbed/PROTOCOL.md), and its text form.

import type { TmpfileFs } from '../files/regular.js';
import { toHex } from '../uapi/layout.js';
import { UringError } from '../errors.js';

export type Fixup =
  | { at: number; kind: 'a'; region: string; add: number }
  | { at: number; kind: 'f'; fd: string }
  | { at: number; kind: 'k'; value: bigint };

export type ProgramOp =
  | { op: 'require'; what: string }
  | { op: 'region'; name: string; size: number }
  | { op: 'fill'; region: string; off: number; len: number; seed: number }
  | { op: 'wmem'; region: string; off: number; bytes: Uint8Array; fixups: Fixup[] }
  | { op: 'rmem'; region: string; off: number; len: number; decode?: string }
  | { op: 'setup'; ring: string; entries: number; region: string; off: number }
  | { op: 'sqe'; ring: string; bytes: Uint8Array; fixups: Fixup[]; array?: number }
  /** `fd`: pass this number instead of the ring's fd (a registered ring index). */
  | { op: 'enter'; ring: string; toSubmit: number; minComplete: number; flags: number; arg?: { region: string; off: number; size: number }; fd?: number }
  | { op: 'reap'; ring: string; max: number }
  | { op: 'observe'; ring: string }
  | { op: 'cqflags'; ring: string; value: number }
  | { op: 'register'; ring: string; opcode: number; nrArgs: number; region: string | null; off: number; fd?: number }
  | { op: 'pipe'; r: string; w: string }
  | { op: 'tcppair'; a: string; b: string }
  | { op: 'unixpair'; a: string; b: string }
  /** socketpair(AF_UNIX, SOCK_DGRAM). */
  | { op: 'dgrampair'; a: string; b: string }
  /** Two connected AF_INET SOCK_DGRAM sockets on 127.0.0.1. */
  | { op: 'udppair'; a: string; b: string; connect: boolean }
  | { op: 'eventfd'; fd: string; initval: number; flags: number }
  /** flags: open(2)'s access mode and O_APPEND; undefined is O_RDWR. */
  | { op: 'tmpfile'; fd: string; size: number; seed: number; flags?: number; fs?: TmpfileFs }
  | { op: 'fstat'; fd: string }
  | { op: 'blockdev'; fd: string; path: string; odirect: boolean }
  | { op: 'write'; fd: string; len: number; seed: number }
  | { op: 'read'; fd: string; len: number }
  /** write(2) of `len` bytes taken from a region. */
  | { op: 'writemem'; fd: string; region: string; off: number; len: number }
  /** poll(2) of one fd for `events` (POLLIN 1, POLLOUT 4), up to timeoutMs (-1: no limit). */
  | { op: 'poll'; fd: string; events: number; timeoutMs: number }
  /** Runs `inner` and records how long it took (measurements, never part of the verdict). */
  | { op: 'time'; name: string; inner: ProgramOp }
  | { op: 'close'; fd: string }
  | { op: 'sleep'; ms: number }
  | { op: 'mmap'; region: string; ring: string; offset: number; size: number }
  /** fcntl(F_SETFL) turning O_NONBLOCK on or off. */
  | { op: 'setfl'; fd: string; nonblock: boolean }
  /** munmap(2) of a whole region; its address stays usable in fixups. */
  | { op: 'munmap'; region: string }
  /** shutdown(2) of a socket; `how` as given (SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2). */
  | { op: 'shutdown'; fd: string; how: number }
  /** Anonymous memory in 2 MiB huge pages (MAP_HUGETLB). */
  | { op: 'hugeregion'; name: string; size: number }
  /** A private (copy-on-write) mapping of `size` bytes of file `fd` from offset 0. */
  | { op: 'filemap'; name: string; fd: string; size: number }
  /** Reads the named `Name:` fields of /proc/self/status (VmPin, VmLck), in kB. */
  | { op: 'procstatus'; fields: string[] }
  /** The rest of the scenario runs as `uid` (no capabilities) with RLIMIT_MEMLOCK = `memlock` bytes. */
  | { op: 'creds'; uid: number; memlock: number }
  /** Model-only fault injection: the next `n` overflow allocations fail. */
  | { op: 'inject'; ring: string; what: 'overflow_alloc_fail'; n: number };

export interface CompiledOp {
  readonly op: ProgramOp;
  /** Index of the scenario step this operation came from. */
  readonly step: number;
}

export interface Program {
  readonly id: string;
  readonly ops: readonly CompiledOp[];
}

function fixupText(fx: readonly Fixup[]): string {
  return fx
    .map((f) => (f.kind === 'a' ? ` @${f.at}=a:${f.region}:${f.add}` : f.kind === 'f' ? ` @${f.at}=f:${f.fd}` : ` @${f.at}=k:${f.value}`))
    .join('');
}

const fdText = (fd: number | undefined): string => (fd === undefined ? '' : ` fd=${fd}`);

/** One line of program text, or null for operations only the model understands. */
export function opToText(o: ProgramOp): string | null {
  switch (o.op) {
    case 'require': return `require ${o.what}`;
    case 'region': return `region ${o.name} ${o.size}`;
    case 'fill': return `fill ${o.region} ${o.off} ${o.len} ${o.seed}`;
    case 'wmem': return `wmem ${o.region} ${o.off} ${toHex(o.bytes)}${fixupText(o.fixups)}`;
    case 'rmem': return `rmem ${o.region} ${o.off} ${o.len}`;
    case 'setup': return `setup ${o.ring} ${o.entries} ${o.region} ${o.off}`;
    case 'sqe': return `sqe ${o.ring} ${toHex(o.bytes)}${o.array === undefined ? '' : ` array=${o.array}`}${fixupText(o.fixups)}`;
    case 'enter': return `enter ${o.ring} ${o.toSubmit} ${o.minComplete} ${o.flags}${o.arg ? ` ${o.arg.region} ${o.arg.off} ${o.arg.size}` : ''}${fdText(o.fd)}`;
    case 'reap': return `reap ${o.ring} ${o.max}`;
    case 'observe': return `observe ${o.ring}`;
    case 'cqflags': return `cqflags ${o.ring} ${o.value}`;
    case 'register': return `register ${o.ring} ${o.opcode} ${o.nrArgs} ${o.region ?? '-'} ${o.off}${fdText(o.fd)}`;
    case 'pipe': return `pipe ${o.r} ${o.w}`;
    case 'tcppair': return `tcppair ${o.a} ${o.b}`;
    case 'unixpair': return `unixpair ${o.a} ${o.b}`;
    case 'dgrampair': return `dgrampair ${o.a} ${o.b}`;
    case 'udppair': return `udppair ${o.a} ${o.b}${o.connect ? '' : ' 0'}`;
    case 'eventfd': return `eventfd ${o.fd} ${o.initval} ${o.flags}`;
    case 'tmpfile': return `tmpfile ${o.fd} ${o.size} ${o.seed}${o.fs ? ` ${o.flags ?? 2} ${o.fs}` : o.flags === undefined ? '' : ` ${o.flags}`}`;
    case 'fstat': return `fstat ${o.fd}`;
    case 'blockdev': return `blockdev ${o.fd} ${o.path} ${o.odirect ? 1 : 0}`;
    case 'write': return `write ${o.fd} ${o.len} ${o.seed}`;
    case 'read': return `read ${o.fd} ${o.len}`;
    case 'writemem': return `writemem ${o.fd} ${o.region} ${o.off} ${o.len}`;
    case 'poll': return `poll ${o.fd} ${o.events} ${o.timeoutMs}`;
    case 'time': {
      const inner = opToText(o.inner);
      return inner === null ? null : `time ${o.name} ${inner}`;
    }
    case 'close': return `close ${o.fd}`;
    case 'sleep': return `sleep ${o.ms}`;
    case 'mmap': return `mmap ${o.region} ${o.ring} ${o.offset} ${o.size}`;
    case 'munmap': return `munmap ${o.region}`;
    case 'setfl': return `setfl ${o.fd} ${o.nonblock ? 1 : 0}`;
    case 'shutdown': return `shutdown ${o.fd} ${o.how}`;
    case 'hugeregion': return `hugeregion ${o.name} ${o.size}`;
    case 'filemap': return `filemap ${o.name} ${o.fd} ${o.size}`;
    case 'procstatus': return `procstatus ${o.fields.join(' ')}`;
    case 'creds': return `creds ${o.uid} ${o.memlock}`;
    case 'inject': return null;
  }
}

/** Program text for the C runner; throws if the program uses a model-only operation. */
export function programToText(p: Program): string {
  if (typeof p !== 'object' || p === null || !Array.isArray(p.ops) || typeof p.id !== 'string') {
    throw new UringError('SCENARIO_INVALID', 'programToText() takes a compiled program (from compileScenario())');
  }
  if (!/^[A-Za-z0-9_.-]{1,63}$/.test(p.id)) throw new UringError('SCENARIO_INVALID', `program id ${JSON.stringify(p.id)} is not a runner name`);
  const lines = [`scenario ${p.id}`];
  for (const { op } of p.ops) {
    const t = opToText(op);
    if (t === null) throw new UringError('SCENARIO_INVALID', `${p.id}: operation ${op.op} runs only on the model`);
    // The runner reads lines: a NUL or a line break inside one would cut it short.
    if (/[\0\r\n]/.test(t)) throw new UringError('SCENARIO_INVALID', `${p.id}: operation ${op.op} holds a NUL byte or a line break`);
    lines.push(t);
  }
  lines.push('end');
  return lines.join('\n') + '\n';
}

export function isModelOnly(p: Program): boolean {
  return p.ops.some(({ op }) => opToText(op) === null);
}
