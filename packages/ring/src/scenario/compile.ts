// Scenario -> program. Validates each step (core or extension schema), encodes SQEs and
// register arguments with the UAPI codecs, and emits the primitive operations both executors run.

import { z } from 'zod';
import { UringError, isUringError } from '../errors.js';
import { asUringError } from '../debug.js';
import { U64_MAX, lookup } from '../args.js';
import {
  IORING_ENTER, IORING_OP, IORING_REGISTER, IORING_SETUP, IOSQE, IORING_CQ, OPCODES, REGISTER_PSEUDO,
} from '../uapi/constants.js';
import { IO_URING_GETEVENTS_ARG, IO_URING_PARAMS, IO_URING_SQE } from '../uapi/structs.js';
import { fromHex } from '../uapi/layout.js';
import type { Extension } from '../extension/types.js';
import { resolveExtensions, stepTable } from '../extension/registry.js';
import { CoreStep, ScenarioHeader, type Scenario } from './schema.js';
import { CompileContext, type FieldInput } from './compile-context.js';
import type { CompiledOp, Fixup, Program, ProgramOp } from './program.js';
import { checkOp } from './check-ops.js';
import { EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE } from '../files/eventfd.js';
import { openFlags } from '../files/regular.js';

/** eventfd(2) flags a scenario can name (EFD_*). */
const EFD_FLAGS = { SEMAPHORE: EFD_SEMAPHORE, NONBLOCK: EFD_NONBLOCK, CLOEXEC: EFD_CLOEXEC } as const;
/** shutdown(2)'s how (SHUT_*). */
const SHUT = { RD: 0, WR: 1, RDWR: 2 } as const;
/** poll(2) events a scenario can name. */
const POLL_EVENTS = { IN: 0x1, OUT: 0x4 } as const;

function opcodeOf(cc: CompileContext, v: string | number): number {
  if (typeof v === 'number') return v;
  const n = v.replace(/^IORING_OP_/, '');
  const i = (OPCODES as readonly string[]).indexOf(n);
  if (i < 0) cc.fail(`unknown opcode ${JSON.stringify(v)}`);
  return i;
}

function registerOpcodeOf(cc: CompileContext, v: string | number): number {
  if (typeof v === 'number') return v;
  const n = v.replace(/^IORING_(REGISTER_)?/, '');
  // Own names only: `constructor` or `__proto__` must never resolve to something of Object's.
  const table = IORING_REGISTER as Readonly<Record<string, number>>;
  const code = lookup(table, n) ?? lookup(table, `UNREGISTER_${n.replace(/^UNREGISTER_/, '')}`);
  if (typeof code !== 'number' || REGISTER_PSEUDO.has(n)) cc.fail(`unknown register opcode ${JSON.stringify(v)}`);
  return code;
}

/** user_data plus the copy's index; counting past 2^64 - 1 is an error, not a silent wrap. */
function addU64(cc: CompileContext, v: number | string, add: number): bigint {
  const x = BigInt(v) + BigInt(add);
  if (x > U64_MAX) cc.fail(`user_data ${v} + ${add} (repeat) passes 2^64 - 1`);
  return x;
}

function compileSqe(cc: CompileContext, s: Extract<CoreStep, { op: 'sqe' }>, out: ProgramOp[]): void {
  const ring = cc.ring(s.ring);
  const q = s.sqe;
  const opcode = opcodeOf(cc, q.opcode);
  // 128-byte opcodes take a 128-byte SQE on SQE_MIXED rings too (two slots).
  const big = opcode === IORING_OP.NOP128 || opcode === IORING_OP.URING_CMD128;
  const size = ring.flags & IORING_SETUP.SQE128 || (big && ring.flags & IORING_SETUP.SQE_MIXED) ? 128 : 64;
  const repeat = s.repeat ?? 1;
  for (let i = 0; i < repeat; i++) {
    const bytes = new Uint8Array(size);
    const values: Record<string, FieldInput> = {
      opcode,
      flags: cc.flags(IOSQE, q.flags, 'IOSQE'),
      user_data: addU64(cc, q.user_data ?? 0, i).toString(),
    };
    const copy = ['ioprio', 'len', 'buf_index', 'personality', 'file_index'] as const;
    for (const k of copy) if (q[k] !== undefined) values[k] = q[k]!;
    if (q.buf_group !== undefined) values.buf_index = q.buf_group;
    if (q.op_flags !== undefined) values.op_flags = typeof q.op_flags === 'number' ? q.op_flags : cc.fail('op_flags takes a number');
    if (q.off !== undefined) values.off = q.off as FieldInput;
    if (q.fd !== undefined) values.fd = typeof q.fd === 'number' ? q.fd : q.fd;
    if (q.addr !== undefined) values.addr = q.addr as FieldInput;
    if (q.addr3 !== undefined) values.addr3 = q.addr3 as FieldInput;
    const fixups = cc.encodeFields(IO_URING_SQE, values, bytes);
    out.push({ op: 'sqe', ring: s.ring, bytes, fixups, ...(s.array === undefined ? {} : { array: s.array }) });
  }
}

/** The `fd` override and opcode flag for a register call made through a registered ring index. */
function viaRegistered(opcode: number, registered: number | undefined): { opcode: number; fd?: number } {
  if (registered === undefined) return { opcode };
  return { opcode: (opcode | IORING_REGISTER.USE_REGISTERED_RING) >>> 0, fd: registered };
}

function compileRegister(cc: CompileContext, s: Extract<CoreStep, { op: 'register' }>, out: ProgramOp[]): void {
  cc.ring(s.ring);
  const { opcode, ...fd } = viaRegistered(registerOpcodeOf(cc, s.opcode), s.registered);
  const arg = s.arg;
  if (arg === null) {
    out.push({ op: 'register', ring: s.ring, opcode, nrArgs: s.nr_args, region: null, off: 0, ...fd });
    return;
  }
  if ('region' in arg) {
    cc.requireRegion(arg.region);
    out.push({ op: 'register', ring: s.ring, opcode, nrArgs: s.nr_args, region: arg.region, off: arg.offset, ...fd });
    return;
  }
  const def = cc.struct(arg.struct);
  const len = def.size * arg.count + arg.extra;
  const bytes = new Uint8Array(len);
  const fixups = cc.encodeFields(def, arg.fields as Record<string, FieldInput>, bytes);
  const region = cc.tempRegion('arg', len, out);
  out.push({ op: 'wmem', region, off: 0, bytes, fixups });
  out.push({ op: 'register', ring: s.ring, opcode, nrArgs: s.nr_args, region, off: 0, ...fd });
  // Read the argument back: register calls write results into it (probe, PBUF_STATUS, zcrx).
  out.push({ op: 'rmem', region, off: 0, len, decode: def.name });
}

const NO_SLOT = 0xffffffff;

/**
 * RING_FDS / UNREGISTER_RING_FDS: an array of io_uring_rsrc_update, then each entry's offset
 * read back (register writes the slot it chose there). The fds themselves are never read back:
 * fd numbers differ between the runner and the model.
 */
function compileRingFds(cc: CompileContext, s: Extract<CoreStep, { op: 'ring_fds' }>, out: ProgramOp[]): void {
  cc.ring(s.ring);
  const def = cc.struct('io_uring_rsrc_update');
  const n = Math.max(s.entries.length, 1);
  const bytes = new Uint8Array(def.size * n);
  const fixups: Fixup[] = [];
  s.entries.forEach((e, i) => {
    if (e.fd !== undefined && e.data !== undefined) cc.fail(`entry ${i} takes \`fd\` or \`data\`, not both`);
    // A numeric fd is an int: sign-extended into the u64, as `reg.data = fd` does in C.
    const data: FieldInput = e.data !== undefined ? (e.data as FieldInput)
      : typeof e.fd === 'number' ? BigInt.asUintN(64, BigInt(e.fd)).toString() : 0;
    const offset = e.offset ?? (s.unregister ? 0 : NO_SLOT);
    fixups.push(...cc.encodeFields(def, { offset, resv: e.resv, data }, bytes, i * def.size));
    // A named fd or ring: its number in the low half of `data` (fds are never negative).
    if (typeof e.fd === 'string') {
      cc.requireFd(e.fd);
      fixups.push({ at: i * def.size + 8, kind: 'f', fd: e.fd });
    }
  });
  const base = s.unregister ? IORING_REGISTER.UNREGISTER_RING_FDS : IORING_REGISTER.RING_FDS;
  const { opcode, ...fd } = viaRegistered(base, s.registered);
  const nrArgs = s.nr_args ?? s.entries.length;
  if (s.arg_null) {
    out.push({ op: 'register', ring: s.ring, opcode, nrArgs, region: null, off: 0, ...fd });
    return;
  }
  const region = cc.tempRegion('ringfds', bytes.byteLength, out);
  out.push({ op: 'wmem', region, off: 0, bytes, fixups });
  out.push({ op: 'register', ring: s.ring, opcode, nrArgs, region, off: 0, ...fd });
  for (let i = 0; i < s.entries.length; i++) out.push({ op: 'rmem', region, off: i * def.size, len: 4 });
}

function compileCore(cc: CompileContext, s: CoreStep, out: ProgramOp[]): void {
  switch (s.op) {
    case 'setup': {
      const flags = cc.flags(IORING_SETUP, s.flags, 'IORING_SETUP');
      const bytes = new Uint8Array(IO_URING_PARAMS.size);
      const values: Record<string, FieldInput> = { flags };
      if (s.cq_entries !== undefined) values.cq_entries = s.cq_entries;
      if (s.sq_thread_cpu !== undefined) values.sq_thread_cpu = s.sq_thread_cpu;
      if (s.sq_thread_idle !== undefined) values.sq_thread_idle = s.sq_thread_idle;
      if (s.wq_fd !== undefined) values.wq_fd = s.wq_fd;
      if (s.resv !== undefined) values.resv = s.resv;
      if (s.sq_user_addr !== undefined) values['sq_off.user_addr'] = s.sq_user_addr as FieldInput;
      if (s.cq_user_addr !== undefined) values['cq_off.user_addr'] = s.cq_user_addr as FieldInput;
      const fixups = cc.encodeFields(IO_URING_PARAMS, values, bytes);
      const region = cc.tempRegion('params', IO_URING_PARAMS.size, out);
      out.push({ op: 'wmem', region, off: 0, bytes, fixups });
      out.push({ op: 'setup', ring: s.ring, entries: s.entries, region, off: 0 });
      cc.rings.set(s.ring, { flags });
      return;
    }
    case 'sqe': return compileSqe(cc, s, out);
    case 'enter': {
      cc.ring(s.ring);
      let flags = cc.flags(IORING_ENTER, s.flags, 'IORING_ENTER');
      const fd = s.registered === undefined ? {} : { fd: s.registered };
      if (s.registered !== undefined) flags = (flags | IORING_ENTER.REGISTERED_RING) >>> 0;
      if (!s.ext_arg) {
        out.push({ op: 'enter', ring: s.ring, toSubmit: s.to_submit, minComplete: s.min_complete, flags, ...fd });
        return;
      }
      // The argument and its timespec share one compiler-made region: arg at 0, timespec at 32.
      const bytes = new Uint8Array(48);
      const values: Record<string, FieldInput> = {};
      if (s.ext_arg.ts !== undefined) values.ts = s.ext_arg.ts as FieldInput;
      const region = cc.tempRegion('getevents', bytes.byteLength, out);
      if (s.ext_arg.timeout_ns !== undefined) {
        values.ts = { region, offset: 32 };
        const t = s.ext_arg.timeout_ns;
        new DataView(bytes.buffer).setBigInt64(32, BigInt(Math.floor(t / 1e9)), true);
        new DataView(bytes.buffer).setBigInt64(40, BigInt(t % 1e9), true);
      }
      const fixups = cc.encodeFields(IO_URING_GETEVENTS_ARG, values, bytes);
      out.push({ op: 'wmem', region, off: 0, bytes, fixups });
      out.push({ op: 'enter', ring: s.ring, toSubmit: s.to_submit, minComplete: s.min_complete, flags, arg: { region, off: 0, size: s.ext_arg.argsz ?? IO_URING_GETEVENTS_ARG.size }, ...fd });
      return;
    }
    case 'reap': cc.ring(s.ring); out.push({ op: 'reap', ring: s.ring, max: s.max }); return;
    case 'observe': cc.ring(s.ring); out.push({ op: 'observe', ring: s.ring }); return;
    case 'cq_flags': cc.ring(s.ring); out.push({ op: 'cqflags', ring: s.ring, value: cc.flags(IORING_CQ, s.flags, 'IORING_CQ') }); return;
    case 'register': return compileRegister(cc, s, out);
    case 'ring_fds': return compileRingFds(cc, s, out);
    case 'region':
      cc.regions.set(s.name, s.size);
      out.push({ op: 'region', name: s.name, size: s.size });
      if (s.fill !== undefined) out.push({ op: 'fill', region: s.name, off: 0, len: s.size, seed: s.fill });
      return;
    case 'write_mem': {
      cc.requireRegion(s.region);
      let bytes: Uint8Array;
      let fixups: Fixup[] = [];
      if (s.struct) {
        const def = cc.struct(s.struct);
        bytes = new Uint8Array(def.size);
        fixups = cc.encodeFields(def, (s.fields ?? {}) as Record<string, FieldInput>, bytes);
      } else if (s.hex !== undefined) {
        bytes = fromHex(s.hex);
      } else {
        cc.fail('write_mem needs `struct` (with `fields`) or `hex`');
      }
      out.push({ op: 'wmem', region: s.region, off: s.offset, bytes, fixups });
      return;
    }
    case 'read_mem': {
      cc.requireRegion(s.region);
      const def = s.struct ? cc.struct(s.struct) : undefined;
      const len = s.len ?? def?.size ?? cc.fail('read_mem needs `len` or `struct`');
      out.push({ op: 'rmem', region: s.region, off: s.offset, len, ...(def ? { decode: def.name } : {}) });
      return;
    }
    case 'mmap':
      cc.ring(s.ring);
      cc.regions.set(s.region, s.size);
      out.push({ op: 'mmap', region: s.region, ring: s.ring, offset: s.offset, size: s.size });
      return;
    case 'pipe': cc.fds.add(s.read); cc.fds.add(s.write); out.push({ op: 'pipe', r: s.read, w: s.write }); return;
    case 'socketpair':
      cc.fds.add(s.a); cc.fds.add(s.b);
      out.push(s.kind === 'tcp' ? { op: 'tcppair', a: s.a, b: s.b } : s.kind === 'unix-dgram' ? { op: 'dgrampair', a: s.a, b: s.b } : s.kind === 'udp' ? { op: 'udppair', a: s.a, b: s.b, connect: s.connect ?? true } : { op: 'unixpair', a: s.a, b: s.b });
      return;
    case 'eventfd':
      cc.fds.add(s.name);
      out.push({ op: 'eventfd', fd: s.name, initval: s.initval, flags: cc.flags(EFD_FLAGS, s.flags, 'eventfd') });
      return;
    case 'tmpfile': {
      cc.fds.add(s.name);
      const op: Extract<ProgramOp, { op: 'tmpfile' }> = { op: 'tmpfile', fd: s.name, size: s.size, seed: s.seed };
      if (s.flags) op.flags = openFlags(s.flags);
      if (s.fs) op.fs = s.fs;
      if (s.fs) out.push({ op: 'require', what: `fs:${s.fs}` });
      out.push(op);
      return;
    }
    case 'blockdev':
      cc.fds.add(s.name);
      out.push({ op: 'require', what: 'nvme' }, { op: 'blockdev', fd: s.name, path: '/dev/nvme0n1', odirect: s.odirect });
      return;
    case 'write': {
      cc.requireFd(s.fd);
      if (s.hex !== undefined) {
        if (s.len !== undefined) cc.fail('write takes `len` (pattern bytes) or `hex`, not both');
        const bytes = fromHex(s.hex.toLowerCase());
        const region = cc.tempRegion('wbuf', bytes.byteLength, out);
        out.push({ op: 'wmem', region, off: 0, bytes, fixups: [] }, { op: 'writemem', fd: s.fd, region, off: 0, len: bytes.byteLength });
        return;
      }
      if (s.len === undefined) cc.fail('write needs `len` (pattern bytes) or `hex`');
      out.push({ op: 'write', fd: s.fd, len: s.len, seed: s.seed });
      return;
    }
    case 'poll':
      cc.requireFd(s.fd);
      out.push({ op: 'poll', fd: s.fd, events: cc.flags(POLL_EVENTS, s.events, 'poll'), timeoutMs: s.timeout_ms });
      return;
    case 'read': cc.requireFd(s.fd); out.push({ op: 'read', fd: s.fd, len: s.len }); return;
    case 'close': cc.requireFd(s.fd); out.push({ op: 'close', fd: s.fd }); return;
    case 'fstat': cc.requireFd(s.fd); out.push({ op: 'fstat', fd: s.fd }); return;
    case 'shutdown':
      cc.requireFd(s.fd);
      out.push({ op: 'shutdown', fd: s.fd, how: typeof s.how === 'number' ? s.how : SHUT[s.how] });
      return;
    case 'fcntl': cc.requireFd(s.fd); out.push({ op: 'setfl', fd: s.fd, nonblock: s.nonblock }); return;
    case 'munmap':
      cc.requireRegion(s.region);
      if (cc.unmapped.has(s.region)) cc.fail(`region ${s.region} is already unmapped`);
      cc.unmapped.add(s.region);
      out.push({ op: 'munmap', region: s.region });
      return;
    case 'sleep': out.push({ op: 'sleep', ms: s.ms }); return;
    case 'inject': cc.ring(s.ring); out.push({ op: 'inject', ring: s.ring, what: 'overflow_alloc_fail', n: s.overflow_alloc_fail }); return;
  }
}

/** The `op` names of the core's own steps (an extension may not reuse them). */
const CORE_STEP_OPS: readonly string[] = CoreStep.options.map((o) => o.shape.op.value);

function formatIssues(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * A `__proto__` key anywhere in the document (JSON.parse makes it an own property) would be
 * dropped silently by the schema's records: say so instead. Returns its path, if any.
 */
function protoKey(v: unknown, path: string, depth = 0): string | undefined {
  if (typeof v !== 'object' || v === null || depth > 64) return undefined;
  for (const k of Object.keys(v)) {
    const at = path ? `${path}.${k}` : k;
    if (k === '__proto__') return at;
    const inner = protoKey((v as Record<string, unknown>)[k], at, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** Validates a scenario document (core steps and the given extensions' steps). */
export function parseScenario(doc: unknown, extensions: readonly Extension[] = []): Scenario {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UringError('SCENARIO_INVALID', `scenario: a scenario is a JSON object, got ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}`);
  }
  const proto = protoKey(doc, '');
  if (proto) throw new UringError('SCENARIO_INVALID', `scenario: the key ${proto} is not allowed (__proto__ is never a field name)`);
  const head = ScenarioHeader.safeParse(doc);
  if (!head.success) throw new UringError('SCENARIO_INVALID', `scenario: ${formatIssues(head.error)}`, { details: head.error.issues });
  const steps: Scenario['steps'] = [];
  const extSteps = stepTable(resolveExtensions(extensions, CORE_STEP_OPS));
  head.data.steps.forEach((raw, i) => {
    const op = String(raw.op ?? '');
    const ext = extSteps.get(op);
    const r = ext ? ext.schema.safeParse(raw) : CoreStep.safeParse(raw);
    if (!r.success) {
      const hint = ext || CORE_STEP_OPS.includes(op) ? '' : ` (unknown step op "${op}"; is its package's extension loaded?)`;
      throw new UringError('SCENARIO_INVALID', `${head.data.name}: step ${i} (${op}): ${formatIssues(r.error)}${hint}`, { details: r.error.issues });
    }
    steps.push(r.data as Scenario['steps'][number]);
  });
  return { ...head.data, steps };
}

/**
 * Parses and compiles a scenario one step at a time, with the state of the steps before it (the
 * fuzzer builds scenarios this way, so each new step can refer to what exists already). The
 * result equals parseScenario() + compileScenario() of the same steps.
 */
export function stepCompiler(name: string, extensions: readonly Extension[] = []): {
  parse(raw: Record<string, unknown>, index: number): Scenario['steps'][number];
  compile(step: Scenario['steps'][number], index: number): CompiledOp[];
} {
  const cc = new CompileContext(name);
  const extSteps = stepTable(resolveExtensions(extensions, CORE_STEP_OPS));
  return {
    parse(raw, i) {
      const op = String(raw.op ?? '');
      const ext = extSteps.get(op);
      const r = ext ? ext.schema.safeParse(raw) : CoreStep.safeParse(raw);
      if (!r.success) throw new UringError('SCENARIO_INVALID', `${name}: step ${i} (${op}): ${formatIssues(r.error)}`, { details: r.error.issues });
      return r.data as Scenario['steps'][number];
    },
    compile(step, i) {
      const out: ProgramOp[] = [];
      const ext = extSteps.get(step.op);
      if (ext) out.push(...ext.compile(step, cc));
      else compileCore(cc, step as CoreStep, out);
      return out.map((op) => ({ op, step: i }));
    },
  };
}

/** Compiles a parsed scenario into the primitive program. */
export function compileScenario(sc: Scenario, extensions: readonly Extension[] = []): Program {
  if (typeof sc !== 'object' || sc === null || !Array.isArray(sc.steps) || typeof sc.name !== 'string') {
    throw new UringError('SCENARIO_INVALID', 'compileScenario() takes a parsed scenario (from parseScenario())');
  }
  const cc = new CompileContext(sc.name);
  const extSteps = stepTable(resolveExtensions(extensions, CORE_STEP_OPS));
  const ops: CompiledOp[] = [];
  for (const r of sc.requires ?? []) ops.push({ op: { op: 'require', what: r }, step: -1 });
  sc.steps.forEach((step, i) => {
    cc.step = i;
    cc.stepOp = String(step.op);
    const out: ProgramOp[] = [];
    try {
      const ext = extSteps.get(step.op);
      if (ext) out.push(...ext.compile(step, cc));
      else compileCore(cc, step as CoreStep, out);
      for (const op of out) checkOp(cc, op);
    } catch (e) {
      // Every compile error names its step: a typed error from a codec becomes SCENARIO_INVALID,
      // anything else is a bug (INTERNAL) in the compiler or an extension's step.
      if (isUringError(e) && e.code === 'SCENARIO_INVALID') throw e;
      if (isUringError(e)) throw new UringError('SCENARIO_INVALID', `${sc.name}: ${cc.where()}: ${e.message}`, { cause: e });
      throw asUringError(e, `${sc.name}: ${cc.where()}`);
    }
    for (const op of out) ops.push({ op, step: i });
  });
  return { id: sc.name, ops };
}

