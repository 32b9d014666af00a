// The scenario format: typed, validated, serialisable. Core steps are defined here; extension
// packages add their own steps (namespaced, like `kbuf.provide`) through the extension API.

import { z } from 'zod';
import { NAME_RE, RUNNER_LIMITS as L } from './limits.js';

const U64_MAX = (1n << 64n) - 1n;

const name = z.string().regex(NAME_RE, 'names use letters, digits, _ . -')
  .max(L.nameLength, `names are at most ${L.nameLength} characters (the runner's limit)`);
/**
 * A u64 given as a number (an integer up to 2^53) or a decimal/hex string (for values past
 * 2^53, up to 2^64 - 1: a larger one is an error, not a silent wrap).
 */
export const u64 = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^(0x[0-9a-fA-F]+|\d+)$/, 'a u64 string is decimal or 0x hex').refine((s) => BigInt(s) <= U64_MAX, 'a u64 is at most 2^64 - 1 (18446744073709551615)'),
]);
const u32 = z.number().int().min(0).max(0xffffffff);
/** A byte offset into a region (or past it, to point at a guard page on purpose). */
const offset = z.number().int().nonnegative();
const flags = z.union([u32, z.array(z.string())]);
/** A pointer: a number, or a region name with an optional offset. */
export const pointer = z.union([u64, z.object({ region: name, offset: offset.default(0) }).strict()]);
/** An fd: a number (an s32, as the kernel's `int fd`), or the name of an fd or ring created earlier. */
export const fdRef = z.union([z.number().int().min(-0x80000000, 'an fd is an s32').max(0x7fffffff, 'an fd is an s32 (at most 2^31 - 1)'), name]);

export const SqeFields = z.object({
  opcode: z.union([z.string(), z.number().int().min(0).max(255)]),
  flags: flags.optional(),
  ioprio: z.number().int().min(0).max(0xffff).optional(),
  fd: fdRef.optional(),
  /** sqe->off, or addr2 as a pointer (TIMEOUT_REMOVE's update timespec). */
  off: pointer.optional(),
  addr: pointer.optional(),
  len: u32.optional(),
  op_flags: flags.optional(),
  user_data: u64.optional(),
  buf_index: z.number().int().min(0).max(0xffff).optional(),
  buf_group: z.number().int().min(0).max(0xffff).optional(),
  personality: z.number().int().min(0).max(0xffff).optional(),
  file_index: u32.optional(),
  addr3: pointer.optional(),
}).strict();

const ring = name;

export const CoreSteps = [
  z.object({
    op: z.literal('setup'), ring, entries: u32,
    flags: flags.optional(), cq_entries: u32.optional(), sq_thread_cpu: u32.optional(),
    sq_thread_idle: u32.optional(), wq_fd: fdRef.optional(), resv: z.array(u32).max(3).optional(),
    /** IORING_SETUP_NO_MMAP: sq_off.user_addr (the SQEs) and cq_off.user_addr (the rings), in regions the scenario mapped. */
    sq_user_addr: pointer.optional(), cq_user_addr: pointer.optional(),
  }).strict().describe('io_uring_setup(); records the result and the params the kernel wrote back (sq_user_addr/cq_user_addr: the ring memory of a NO_MMAP ring)'),
  z.object({
    op: z.literal('sqe'), ring, sqe: SqeFields,
    repeat: z.number().int().min(1).max(100000).optional(),
    array: u32.optional(),
  }).strict().describe('write an SQE (repeat: N copies, user_data counting up) and publish the SQ tail'),
  z.object({
    op: z.literal('enter'), ring, to_submit: u32.default(0), min_complete: u32.default(0),
    flags: flags.optional(),
    /** With IORING_ENTER_EXT_ARG: an io_uring_getevents_arg (a timeout, or a bad size or pointer). */
    ext_arg: z.object({
      timeout_ns: z.number().int().nonnegative().optional(),
      argsz: u32.optional(),
      ts: pointer.optional(),
    }).strict().optional(),
    /** Pass this registered ring index as the fd, with IORING_ENTER_REGISTERED_RING. */
    registered: u32.optional(),
  }).strict().describe('io_uring_enter(); ext_arg passes an io_uring_getevents_arg (timeout_ns becomes its timespec); registered passes a registered ring index (IORING_ENTER_REGISTERED_RING)'),
  z.object({ op: z.literal('reap'), ring, max: u32.default(0) }).strict().describe('consume CQEs (max 0 = all available)'),
  z.object({ op: z.literal('observe'), ring }).strict().describe('record the SQ/CQ head, tail, flags and counters'),
  z.object({ op: z.literal('cq_flags'), ring, flags }).strict().describe('write the cq_off.flags word'),
  z.object({
    op: z.literal('register'), ring, opcode: z.union([z.string(), u32]), nr_args: u32.default(0),
    arg: z.union([
      z.null(),
      z.object({ region: name, offset: offset.default(0) }).strict(),
      z.object({ struct: z.string(), fields: z.record(z.string(), z.union([u64, pointer, fdRef, z.array(u64)])).default({}), count: z.number().int().min(1).max(4096).default(1), extra: z.number().int().nonnegative().max(L.regionSize).default(0) }).strict(),
    ]).default(null),
    /** Pass this registered ring index as the fd, with IORING_REGISTER_USE_REGISTERED_RING. */
    registered: u32.optional(),
  }).strict().describe('io_uring_register(); a struct arg is encoded with the UAPI codecs and read back afterwards; registered passes a registered ring index (IORING_REGISTER_USE_REGISTERED_RING)'),
  z.object({
    op: z.literal('ring_fds'), ring, unregister: z.boolean().default(false),
    /** One io_uring_rsrc_update each: `offset` a slot (default -1U, any free one, when registering; 0 when unregistering), `fd` the ring (data), or raw `data`. */
    entries: z.array(z.object({ offset: u32.optional(), fd: fdRef.optional(), data: u64.optional(), resv: u32.default(0) }).strict()).max(64).default([]),
    nr_args: u32.optional(), arg_null: z.boolean().default(false),
    /** Make the call itself through a registered ring index (IORING_REGISTER_USE_REGISTERED_RING). */
    registered: u32.optional(),
  }).strict().describe('IORING_REGISTER_RING_FDS (or UNREGISTER_RING_FDS): the task\'s registered ring table; each entry\'s offset is read back'),
  z.object({ op: z.literal('region'), name, size: z.number().int().min(1).max(L.regionSize), fill: z.number().int().min(0).max(255).optional() }).strict()
    .describe('map anonymous memory (optionally filled with a byte pattern starting at `fill`)'),
  z.object({
    op: z.literal('write_mem'), region: name, offset: offset.default(0),
    struct: z.string().optional(), fields: z.record(z.string(), z.union([u64, pointer, fdRef, z.array(u64)])).optional(),
    hex: z.string().regex(/^([0-9a-fA-F]{2})*$/, 'hex is two digits a byte').max(2 * L.regionSize).optional(),
  }).strict().describe('write a struct (by UAPI name) or raw hex into a region'),
  z.object({ op: z.literal('read_mem'), region: name, offset: offset.default(0), len: z.number().int().min(1).max(L.regionSize).optional(), struct: z.string().optional() }).strict()
    .describe('record bytes of a region, decoded as a struct when named'),
  z.object({ op: z.literal('mmap'), ring, region: name, offset: u32, size: z.number().int().min(1).max(L.mmapSize) }).strict()
    .describe('mmap() the ring fd at an offset (IORING_OFF_*) as a new region'),
  z.object({ op: z.literal('pipe'), read: name, write: name }).strict().describe('pipe2()'),
  z.object({ op: z.literal('socketpair'), a: name, b: name, kind: z.enum(['tcp', 'unix', 'unix-dgram', 'udp']).default('tcp'),
    /** udp only: false leaves both sockets bound but unconnected (a SEND without an address is -EDESTADDRREQ). */
    connect: z.boolean().optional(),
  }).strict()
    .describe('a connected socket pair: TCP over loopback, AF_UNIX SOCK_STREAM, AF_UNIX SOCK_DGRAM (unix-dgram: datagram boundaries, MSG_TRUNC), or two UDP sockets on 127.0.0.1 connect()ed to each other (udp; their ports are ephemeral, so a scenario must not read them back; connect: false leaves them unconnected)'),
  z.object({ op: z.literal('eventfd'), name, initval: u32.default(0), flags: flags.default(0) }).strict()
    .describe('eventfd(initval, flags); flags by name: SEMAPHORE, NONBLOCK, CLOEXEC'),
  z.object({
    op: z.literal('tmpfile'), name, size: z.number().int().nonnegative().max(L.tmpfileSize, `a tmpfile is at most ${L.tmpfileSize} bytes (the runner's limit)`), seed: z.number().int().min(0).max(255).default(0),
    flags: z.array(z.enum(['RDONLY', 'WRONLY', 'RDWR', 'APPEND'])).optional(),
    /** The filesystem the file is made on; omitted: the executor's /tmp (ext4 on the host, tmpfs in the VM), modelled as neither. */
    fs: z.enum(['tmpfs', 'ext4']).optional(),
  }).strict().describe('a regular file filled with a byte pattern, opened O_RDWR or with `flags`: one access mode (RDONLY, WRONLY, RDWR) and maybe APPEND; `fs` makes it on tmpfs or ext4 (a machine without one skips the scenario), omitted it goes to the executor\'s /tmp, whose filesystem the model does not know (it then completes reads and writes inline)'),
  z.object({ op: z.literal('fstat'), fd: name }).strict().describe('fstat(2) and lseek(fd, 0, SEEK_CUR) of a regular file: its size and file position'),
  z.object({ op: z.literal('blockdev'), name, odirect: z.boolean().default(true) }).strict()
    .describe('open the testbed NVMe disk (64 MiB; byte i of 4 KiB block b is (b + i) & 0xff), O_DIRECT by default'),
  z.object({
    op: z.literal('write'), fd: name, len: z.number().int().nonnegative().max(L.ioLength, `a write is at most ${L.ioLength} bytes (the runner's limit)`).optional(),
    seed: z.number().int().min(0).max(255).default(0),
    hex: z.string().regex(/^([0-9a-fA-F]{2})+$/, 'hex: two digits a byte').max(2 * L.ioLength, `a write is at most ${L.ioLength} bytes (the runner's limit)`).optional(),
  }).strict().describe('write(2): `len` pattern bytes from `seed`, or the bytes given as `hex`'),
  z.object({ op: z.literal('read'), fd: name, len: z.number().int().nonnegative().max(L.ioLength, `a read is at most ${L.ioLength} bytes (the runner's limit)`) }).strict().describe('read(2)'),
  z.object({
    op: z.literal('poll'), fd: name, events: flags.default(['IN']),
    timeout_ms: z.number().int().min(-1).max(60_000).default(0),
  }).strict().describe('poll(2) of one fd for IN and/or OUT, waiting up to timeout_ms (-1: until the watchdog)'),
  z.object({ op: z.literal('close'), fd: name }).strict().describe('close an fd or a ring'),
  z.object({ op: z.literal('shutdown'), fd: name, how: z.union([z.enum(['RD', 'WR', 'RDWR']), u32]) }).strict()
    .describe('shutdown(2) of a socket: SHUT_RD, SHUT_WR or SHUT_RDWR (a number passes any value, to see it refused)'),
  z.object({ op: z.literal('fcntl'), fd: name, nonblock: z.boolean() }).strict()
    .describe('fcntl(F_SETFL) setting or clearing O_NONBLOCK (read(2)/write(2) then return -EAGAIN instead of waiting)'),
  z.object({ op: z.literal('munmap'), region: name }).strict()
    .describe('munmap(2) of a whole region: its address stays (SQEs may still point into it and fault), its bytes are gone; pages the kernel pinned stay pinned'),
  z.object({ op: z.literal('sleep'), ms: z.number().int().min(1).max(5000) }).strict()
    .describe('let time pass (nanosleep): devices, io-wq and ring teardown go on meanwhile'),
  z.object({ op: z.literal('inject'), ring, overflow_alloc_fail: z.number().int().min(1) }).strict()
    .describe('model-only fault injection: the next N overflow-entry allocations fail (CQEs are dropped)'),
] as const;

export const CoreStep = z.discriminatedUnion('op', CoreSteps);
export type CoreStep = z.infer<typeof CoreStep>;

export const ScenarioHeader = z.object({
  $schema: z.string().optional(),
  name,
  /** One line: which kernel behaviour this scenario pins down. */
  pins: z.string().min(10),
  description: z.string().optional(),
  /** Profiles the scenario applies to (default: all). */
  kernels: z.array(z.enum(['7.3', '6.18'])).optional(),
  /** Runs only on the model; the testbed reports it as a skip with this reason. */
  modelOnly: z.string().optional(),
  /**
   * What the machine must offer, else the scenario is a skip with the reason: root, an NVMe disk,
   * loopback TCP, or a minimum kernel (`kernel>=7.3`; the model's profile is held to it too).
   */
  requires: z.array(z.union([
    z.enum(['root', 'nvme', 'tcp']),
    z.string().regex(/^kernel>=\d{1,3}\.\d{1,3}$/, 'a kernel requirement reads kernel>=X.Y'),
  ])).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  steps: z.array(z.record(z.string(), z.unknown())).min(1).max(100_000),
}).strict();
export type ScenarioHeader = z.infer<typeof ScenarioHeader>;

/** A parsed scenario: header plus steps validated against the core and extension schemas. */
export interface Scenario extends Omit<ScenarioHeader, 'steps'> {
  steps: { op: string; [k: string]: unknown }[];
}
