// The `rsrc.*` scenario steps. Each compiles to runner primitives: iovec arrays, tag arrays and
// the register structs are written into compiler-made regions (addresses as `a:` fixups, ring
// fds as `f:` fixups) and passed to io_uring_register(); /proc/self/status and the credentials
// have primitives of their own (procstatus, creds).

import { z } from 'zod';
import {
  IORING_REGISTER, IORING_REGISTER_SRC_REGISTERED, IORING_RSRC_REGISTER_SPARSE, defineStep,
  type CompileContext, type FieldInput, type Fixup, type ProgramOp, type StepDef,
} from '@uringlab/ring/extend';
import { IORING_REGISTER_DST_REPLACE } from '../clone.js';
import { cloneFuzz, registerFuzz, statusFuzz, unregisterFuzz, updateFuzz } from './fuzz.js';

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . -');
const u32 = z.number().int().min(0).max(0xffffffff);
const u64 = z.union([z.number().int().nonnegative(), z.string().regex(/^(0x[0-9a-fA-F]+|\d+)$/)]);

/** One buffer: null is a sparse slot (iov_base NULL, iov_len 0); `addr` is a raw address. */
const bufSpec = z.union([
  z.null(),
  z.object({ region: name, offset: z.number().int().nonnegative().default(0), len: u64 }).strict(),
  z.object({ addr: u64, len: u64 }).strict(),
]);
type BufSpec = z.infer<typeof bufSpec>;

/** At most this many iovecs in one step: each region address is a fixup token on one line. */
const MAX_BUFS = 1024;
const buffers = z.array(bufSpec).max(MAX_BUFS);
const tags = z.array(u64).max(MAX_BUFS);

/** Writes `bytes` (with fixups) into a fresh region; returns the region. */
function argRegion(cc: CompileContext, prefix: string, bytes: Uint8Array, fixups: Fixup[], out: ProgramOp[]): string {
  const region = cc.tempRegion(prefix, Math.max(bytes.byteLength, 8), out);
  out.push({ op: 'wmem', region, off: 0, bytes, fixups });
  return region;
}

/** The iovec array for `bufs`, or null for none. */
function iovecs(cc: CompileContext, bufs: readonly BufSpec[], out: ProgramOp[]): string | null {
  if (!bufs.length) return null;
  const def = cc.struct('iovec');
  const bytes = new Uint8Array(def.size * bufs.length);
  const fixups: Fixup[] = [];
  bufs.forEach((b, i) => {
    const base = i * def.size;
    if (b === null) return;
    if ('region' in b) {
      const size = cc.regions.get(b.region);
      if (size === undefined) cc.fail(`region ${b.region} is used before a region step maps it`);
      fixups.push(...cc.encodeFields(def, { iov_base: { region: b.region, offset: b.offset }, iov_len: b.len as FieldInput }, bytes, base));
    } else {
      fixups.push(...cc.encodeFields(def, { iov_base: b.addr as FieldInput, iov_len: b.len as FieldInput }, bytes, base));
    }
  });
  return argRegion(cc, 'iov', bytes, fixups, out);
}

function tagArray(cc: CompileContext, t: readonly (number | string)[] | undefined, out: ProgramOp[]): string | null {
  if (!t?.length) return null;
  const bytes = new Uint8Array(8 * t.length);
  const dv = new DataView(bytes.buffer);
  t.forEach((v, i) => {
    const b = BigInt(v);
    if (b >> 64n) cc.fail(`tag ${v} does not fit in a u64`);
    dv.setBigUint64(i * 8, b, true);
  });
  return argRegion(cc, 'tags', bytes, [], out);
}

const ptr = (region: string | null): FieldInput => (region ? { region } : 0);

export const registerStep = defineStep({
  op: 'rsrc.register',
  description: 'register buffers: IORING_REGISTER_BUFFERS (via v1) or IORING_REGISTER_BUFFERS2 with tags and SPARSE (via v2); `nr` overrides the count passed',
  schema: z.object({
    op: z.literal('rsrc.register'), ring: name, buffers: buffers.default([]), tags: tags.optional(),
    via: z.enum(['v1', 'v2']).default('v1'), sparse: z.boolean().default(false), nr: u32.optional(),
    /** v1: pass a NULL argument. v2: the size passed as nr_args (default 32). */
    arg_null: z.boolean().default(false), size: u32.optional(), flags: u32.optional(), resv2: u64.optional(),
    /** v2: raw `data` and `tags` pointers instead of the arrays the step lays out (to pass unmapped ones). */
    data: u64.optional(), tags_addr: u64.optional(),
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const out: ProgramOp[] = [];
    const iov = s.sparse ? null : iovecs(cc, s.buffers, out);
    const nr = s.nr ?? s.buffers.length;
    if (s.via === 'v1') {
      if (s.tags) cc.fail('IORING_REGISTER_BUFFERS takes no tags: use via v2');
      out.push({ op: 'register', ring: s.ring, opcode: IORING_REGISTER.BUFFERS, nrArgs: nr, region: s.arg_null ? null : iov, off: 0 });
      return out;
    }
    const tagRegion = tagArray(cc, s.tags, out);
    const def = cc.struct('io_uring_rsrc_register');
    const bytes = new Uint8Array(def.size);
    const flags = s.flags ?? (s.sparse ? IORING_RSRC_REGISTER_SPARSE : 0);
    const fixups = cc.encodeFields(def, {
      nr, flags, resv2: (s.resv2 ?? 0) as FieldInput,
      data: s.data !== undefined ? (s.data as FieldInput) : ptr(iov), tags: s.tags_addr !== undefined ? (s.tags_addr as FieldInput) : ptr(tagRegion),
    }, bytes);
    const arg = s.arg_null ? null : argRegion(cc, 'rr', bytes, fixups, out);
    out.push({ op: 'register', ring: s.ring, opcode: IORING_REGISTER.BUFFERS2, nrArgs: s.size ?? def.size, region: arg, off: 0 });
    return out;
  },
});

export const updateStep = defineStep({
  op: 'rsrc.update',
  description: 'IORING_REGISTER_BUFFERS_UPDATE: replace slots from `offset` with `buffers` (null clears a slot) and their `tags`',
  schema: z.object({
    op: z.literal('rsrc.update'), ring: name, offset: u32.default(0), buffers: buffers.default([]), tags: tags.optional(),
    nr: u32.optional(), size: u32.optional(), resv: u32.default(0), resv2: u32.default(0), arg_null: z.boolean().default(false),
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const out: ProgramOp[] = [];
    const iov = iovecs(cc, s.buffers, out);
    const tagRegion = tagArray(cc, s.tags, out);
    const def = cc.struct('io_uring_rsrc_update2');
    const bytes = new Uint8Array(def.size);
    const fixups = cc.encodeFields(def, {
      offset: s.offset, resv: s.resv, data: ptr(iov), tags: ptr(tagRegion), nr: s.nr ?? s.buffers.length, resv2: s.resv2,
    }, bytes);
    const arg = s.arg_null ? null : argRegion(cc, 'up', bytes, fixups, out);
    out.push({ op: 'register', ring: s.ring, opcode: IORING_REGISTER.BUFFERS_UPDATE, nrArgs: s.size ?? def.size, region: arg, off: 0 });
    return out;
  },
});

export const unregisterStep = defineStep({
  op: 'rsrc.unregister',
  description: 'IORING_UNREGISTER_BUFFERS (arg NULL, nr_args 0; `arg` passes a non-NULL pointer)',
  schema: z.object({ op: z.literal('rsrc.unregister'), ring: name, nr_args: u32.default(0), arg: z.boolean().default(false) }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const out: ProgramOp[] = [];
    const region = s.arg ? argRegion(cc, 'un', new Uint8Array(16), [], out) : null;
    out.push({ op: 'register', ring: s.ring, opcode: IORING_REGISTER.UNREGISTER_BUFFERS, nrArgs: s.nr_args, region, off: 0 });
    return out;
  },
});

export const cloneStep = defineStep({
  op: 'rsrc.clone',
  description: 'IORING_REGISTER_CLONE_BUFFERS into `ring` from `src` (a ring or fd name, or a raw number), with SRC_REGISTERED, DST_REPLACE and the offsets',
  schema: z.object({
    op: z.literal('rsrc.clone'), ring: name, src: z.union([name, u32]), registered: z.boolean().default(false),
    replace: z.boolean().default(false), src_off: u32.default(0), dst_off: u32.default(0), nr: u32.default(0),
    flags: u32.optional(), pad: z.tuple([u32, u32, u32]).optional(), nr_args: u32.default(1), arg_null: z.boolean().default(false),
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const out: ProgramOp[] = [];
    const def = cc.struct('io_uring_clone_buffers');
    const bytes = new Uint8Array(def.size);
    const flags = s.flags ?? ((s.registered ? IORING_REGISTER_SRC_REGISTERED : 0) | (s.replace ? IORING_REGISTER_DST_REPLACE : 0));
    if (typeof s.src === 'string' && /^\d+$/.test(s.src)) cc.fail('src names a ring or fd; give a raw number as a JSON number');
    const fixups = cc.encodeFields(def, {
      src_fd: s.src as FieldInput, flags, src_off: s.src_off, dst_off: s.dst_off, nr: s.nr, pad: s.pad ?? [0, 0, 0],
    }, bytes);
    const arg = s.arg_null ? null : argRegion(cc, 'clone', bytes, fixups, out);
    out.push({ op: 'register', ring: s.ring, opcode: IORING_REGISTER.CLONE_BUFFERS, nrArgs: s.nr_args, region: arg, off: 0 });
    return out;
  },
});

const FIELDS = ['VmPin', 'VmLck'] as const;

export const statusStep = defineStep({
  op: 'rsrc.status',
  description: 'record fields of /proc/self/status: VmPin (pages io_uring pinned, kB) and VmLck',
  schema: z.object({ op: z.literal('rsrc.status'), fields: z.array(z.enum(FIELDS)).min(1).default([...FIELDS]) }).strict(),
  compile(s) {
    return [{ op: 'procstatus', fields: [...s.fields] }];
  },
});

export const dropStep = defineStep({
  op: 'rsrc.drop_privileges',
  description: 'the rest of the scenario runs as `uid` (default nobody, 65534; 0 keeps root and only sets the limit) without CAP_IPC_LOCK, with RLIMIT_MEMLOCK of `memlock` bytes',
  schema: z.object({
    op: z.literal('rsrc.drop_privileges'), uid: z.number().int().min(0).max(0x7ffffffe).default(65534),
    memlock: z.number().int().nonnegative().max(1 << 30),
  }).strict(),
  compile(s) {
    return [{ op: 'require', what: 'root' }, { op: 'creds', uid: s.uid, memlock: s.memlock }];
  },
});

export const hugeRegionStep = defineStep({
  op: 'rsrc.huge_region',
  description: 'map anonymous memory in 2 MiB huge pages (MAP_HUGETLB); the scenario is skipped where no huge pages are free',
  schema: z.object({ op: z.literal('rsrc.huge_region'), name, size: z.number().int().min(1).max(1 << 28) }).strict(),
  compile(s, cc) {
    cc.regions.set(s.name, s.size);
    return [{ op: 'require', what: 'hugetlb' }, { op: 'hugeregion', name: s.name, size: s.size }];
  },
});

export const mapFileStep = defineStep({
  op: 'rsrc.map_file',
  description: 'map `size` bytes of a file (a tmpfile) privately, copy-on-write, as region `name`: file-backed memory to register',
  schema: z.object({ op: z.literal('rsrc.map_file'), name, fd: name, size: z.number().int().min(1).max(1 << 26) }).strict(),
  compile(s, cc) {
    cc.requireFd(s.fd);
    cc.regions.set(s.name, s.size);
    return [{ op: 'filemap', name: s.name, fd: s.fd, size: s.size }];
  },
});

/** Every rsrc step, with its generator for the differential fuzzer where it has one. */
export const RSRC_STEPS: readonly StepDef[] = [
  { ...registerStep, fuzz: registerFuzz }, { ...updateStep, fuzz: updateFuzz }, { ...unregisterStep, fuzz: unregisterFuzz },
  { ...cloneStep, fuzz: cloneFuzz }, { ...statusStep, fuzz: statusFuzz }, dropStep, hugeRegionStep, mapFileStep,
] as readonly StepDef[];
