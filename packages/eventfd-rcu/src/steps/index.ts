// The `eventfd.*` scenario steps. Every one compiles to runner primitives: the register argument is
// an __s32 written into a compiler-made region (the fd as an `f:` fixup), DISABLED is a store to
// cq_off.flags, the counter is read(2)/write(2) of 8 bytes, and timed calls wrap `time`.

import { z } from 'zod';
import {
  IORING_CQ, IORING_REGISTER, defineStep, defineStruct,
  type CompileContext, type FieldInput, type ProgramOp, type StepDef,
} from '@uringlab/ring/extend';
import { cycleFuzz, readFuzz, registerFuzz, toggleFuzz, unregisterFuzz, writeFuzz, type EventfdStepFuzz } from './fuzz.js';

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -');
const u32 = z.number().int().min(0).max(0xffffffff);
const s32 = z.number().int().min(-0x80000000).max(0x7fffffff);
const u64 = z.union([z.number().int().nonnegative(), z.string().regex(/^(0x[0-9a-fA-F]+|\d+)$/)]);
const U64_MAX = (1n << 64n) - 1n;

/** The register argument: `__s32 __user *fds`, one fd (register.c reads sizeof(*fds) bytes). */
export const EVENTFD_REG_ARG = defineStruct({
  name: 'eventfd_fd', c: '__s32', size: 4, noC: true,
  fields: [{ name: 'fd', offset: 0, type: 's32' }],
});

/** register RING OPCODE NR_ARGS with the fd written into a fresh region, optionally timed. */
function registerOps(cc: CompileContext, ring: string, opcode: number, nrArgs: number, fd: string | number | null, timed?: string): ProgramOp[] {
  const out: ProgramOp[] = [];
  let region: string | null = null;
  if (fd !== null) {
    const bytes = new Uint8Array(EVENTFD_REG_ARG.size);
    const fixups = cc.encodeFields(EVENTFD_REG_ARG, { fd: fd as FieldInput }, bytes);
    region = cc.tempRegion('evfd', bytes.byteLength, out);
    out.push({ op: 'wmem', region, off: 0, bytes, fixups });
  }
  const call: ProgramOp = { op: 'register', ring, opcode, nrArgs, region, off: 0 };
  out.push(timed ? { op: 'time', name: timed, inner: call } : call);
  return out;
}

const timedName = name.max(40).optional();

export const registerStep = defineStep({
  op: 'eventfd.register',
  description: 'IORING_REGISTER_EVENTFD (or _ASYNC): the fd is written into memory and its address passed; fd null passes a NULL argument',
  schema: z.object({
    op: z.literal('eventfd.register'), ring: name, fd: z.union([name, s32, z.null()]),
    async: z.boolean().default(false), nr_args: u32.default(1), timed: timedName,
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const opcode = s.async ? IORING_REGISTER.EVENTFD_ASYNC : IORING_REGISTER.EVENTFD;
    return registerOps(cc, s.ring, opcode, s.nr_args, s.fd, s.timed);
  },
});

export const unregisterStep = defineStep({
  op: 'eventfd.unregister',
  description: 'IORING_UNREGISTER_EVENTFD (arg must be NULL and nr_args 0; `arg_fd` passes a non-NULL argument)',
  schema: z.object({
    op: z.literal('eventfd.unregister'), ring: name, nr_args: u32.default(0), arg_fd: z.union([name, s32]).optional(), timed: timedName,
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    return registerOps(cc, s.ring, IORING_REGISTER.UNREGISTER_EVENTFD, s.nr_args, s.arg_fd ?? null, s.timed);
  },
});

export const cycleStep = defineStep({
  op: 'eventfd.cycle',
  description: 'register and unregister the eventfd `count` times (liburing test/eventfd-reg.c), each call timed as register/unregister',
  schema: z.object({
    op: z.literal('eventfd.cycle'), ring: name, fd: name, count: z.number().int().min(1).max(200),
    async: z.boolean().default(false), timed: z.boolean().default(true),
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const opcode = s.async ? IORING_REGISTER.EVENTFD_ASYNC : IORING_REGISTER.EVENTFD;
    const out: ProgramOp[] = [];
    for (let i = 0; i < s.count; i++) {
      out.push(...registerOps(cc, s.ring, opcode, 1, s.fd, s.timed ? 'register' : undefined));
      out.push(...registerOps(cc, s.ring, IORING_REGISTER.UNREGISTER_EVENTFD, 0, null, s.timed ? 'unregister' : undefined));
    }
    return out;
  },
});

/** io_uring_cq_eventfd_toggle(): the application's IORING_CQ_EVENTFD_DISABLED bit. */
function toggleStep(op: 'eventfd.disable' | 'eventfd.enable'): StepDef {
  const disabled = op === 'eventfd.disable';
  return defineStep({
    op,
    description: disabled ? 'set IORING_CQ_EVENTFD_DISABLED in cq_off.flags' : 'clear IORING_CQ_EVENTFD_DISABLED in cq_off.flags',
    schema: z.object({ op: z.literal(op), ring: name }).strict(),
    compile(s, cc) {
      cc.ring(s.ring);
      return [{ op: 'cqflags', ring: s.ring, value: disabled ? IORING_CQ.EVENTFD_DISABLED : 0 }];
    },
  });
}

export const readStep = defineStep({
  op: 'eventfd.read',
  description: 'read(2) of the counter: 8 bytes (the count, or 1 with EFD_SEMAPHORE); `len` tests the 8-byte rule',
  schema: z.object({ op: z.literal('eventfd.read'), fd: name, len: z.number().int().min(0).max(4096).default(8) }).strict(),
  compile(s, cc) {
    cc.requireFd(s.fd);
    return [{ op: 'read', fd: s.fd, len: s.len }];
  },
});

export const writeStep = defineStep({
  op: 'eventfd.write',
  description: 'write(2) of a u64 to the counter (little endian); `len` writes that many bytes instead, to test the 8-byte rule',
  schema: z.object({ op: z.literal('eventfd.write'), fd: name, value: u64, len: z.number().int().min(1).max(64).optional() }).strict(),
  compile(s, cc) {
    cc.requireFd(s.fd);
    const v = BigInt(s.value);
    if (v > U64_MAX) cc.fail(`eventfd.write value ${s.value} does not fit in a u64`);
    const bytes = new Uint8Array(s.len ?? 8);
    const le = new Uint8Array(8);
    new DataView(le.buffer).setBigUint64(0, v, true);
    bytes.set(le.subarray(0, Math.min(8, bytes.byteLength)));
    const out: ProgramOp[] = [];
    const region = cc.tempRegion('evval', bytes.byteLength, out);
    out.push({ op: 'wmem', region, off: 0, bytes, fixups: [] });
    out.push({ op: 'writemem', fd: s.fd, region, off: 0, len: bytes.byteLength });
    return out;
  },
});

export const waitStep = defineStep({
  op: 'eventfd.wait',
  description: 'poll(2) the eventfd for POLLIN up to timeout_ms: how an event loop sleeps until io_uring signals',
  schema: z.object({ op: z.literal('eventfd.wait'), fd: name, timeout_ms: z.number().int().min(0).max(900).default(500) }).strict(),
  compile(s, cc) {
    cc.requireFd(s.fd);
    return [{ op: 'poll', fd: s.fd, events: 0x1, timeoutMs: s.timeout_ms }];
  },
});

/**
 * Every eventfd step, with its generator for the differential fuzzer (`fuzz`, the StepFuzz the
 * fuzzer reads off a step; see fuzz.ts). Waits are left to the fuzzer's own settles.
 */
export const EVENTFD_STEPS: readonly StepDef[] = [
  { ...registerStep, fuzz: registerFuzz }, { ...unregisterStep, fuzz: unregisterFuzz }, { ...cycleStep, fuzz: cycleFuzz },
  { ...toggleStep('eventfd.disable'), fuzz: toggleFuzz }, toggleStep('eventfd.enable'),
  { ...readStep, fuzz: readFuzz }, { ...writeStep, fuzz: writeFuzz }, waitStep,
] as readonly StepDef[];

/** The generators by step, for fuzzers that take them one by one. */
export const EVENTFD_FUZZ: Readonly<Record<string, EventfdStepFuzz>> = {
  'eventfd.register': registerFuzz, 'eventfd.unregister': unregisterFuzz, 'eventfd.cycle': cycleFuzz,
  'eventfd.disable': toggleFuzz, 'eventfd.read': readFuzz, 'eventfd.write': writeFuzz,
};

/** The u64 an eventfd.read returned, from its trace event's hex (undefined when it failed). */
export function countOf(hex: string | undefined): bigint | undefined {
  if (!hex || hex.length !== 16) return undefined;
  const b = new Uint8Array(8);
  for (let i = 0; i < 8; i++) b[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return new DataView(b.buffer).getBigUint64(0, true);
}

