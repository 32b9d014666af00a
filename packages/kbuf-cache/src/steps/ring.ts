// Buffer-ring steps. A ring is registered with io_uring_register(PBUF_RING) and an
// io_uring_buf_reg argument; the application then writes io_uring_buf entries (addr, len, bid;
// never the resv word, which for entry 0 is the tail) and publishes them by storing the u16
// tail at byte 14, exactly as liburing's io_uring_buf_ring_add/advance do.

import { z } from 'zod';
import {
  IORING_OFF, IORING_REGISTER, IOU_PBUF_RING, IO_URING_BUF, IO_URING_BUF_REG, IO_URING_BUF_STATUS, defineStep, pageAlign,
  type CompileContext, type FieldInput, type Fixup, type ProgramOp,
} from '@uringlab/ring/extend';
import { flags, name, pointer, pointerInput, s32, tracks, track, u16, u32, type Pointer } from './common.js';

const BUF_SIZE = 16;
const TAIL_OFFSET = 14;

/** Writes a register argument struct into a fresh region and calls io_uring_register. */
function registerWith(
  cc: CompileContext, ring: string, opcode: number, nrArgs: number, bytes: Uint8Array | null, fixups: Fixup[], readBack?: string,
): ProgramOp[] {
  if (!bytes) return [{ op: 'register', ring, opcode, nrArgs, region: null, off: 0 }];
  const out: ProgramOp[] = [];
  const region = cc.tempRegion('arg', bytes.byteLength, out);
  out.push({ op: 'wmem', region, off: 0, bytes, fixups });
  out.push({ op: 'register', ring, opcode, nrArgs, region, off: 0 });
  if (readBack) out.push({ op: 'rmem', region, off: 0, len: bytes.byteLength, decode: readBack });
  return out;
}

export const registerStep = defineStep({
  op: 'kbuf.register',
  description: 'IORING_REGISTER_PBUF_RING: a ring of `entries` io_uring_buf in `region` (mapped here if new) for group bgid',
  schema: z.object({
    op: z.literal('kbuf.register'), ring: name, bgid: u16, entries: u32,
    region: name.optional(), ring_addr: pointer.optional(), flags: flags.optional(),
    min_left: u32.optional(), resv: z.array(u32).max(5).optional(),
    nr_args: u32.default(1), null_arg: z.boolean().default(false),
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const out: ProgramOp[] = [];
    const fl = cc.flags(IOU_PBUF_RING, s.flags, 'IOU_PBUF_RING');
    let region: string | null = null;
    if (s.region) {
      region = s.region;
      if (!cc.regions.has(region)) {
        const size = pageAlign(Math.max(1, s.entries) * BUF_SIZE);
        cc.regions.set(region, size);
        out.push({ op: 'region', name: region, size });
      }
    }
    const addr: Pointer | undefined = s.ring_addr ?? (region ? { region, offset: 0 } : undefined);
    const values: Record<string, FieldInput> = { ring_entries: s.entries, bgid: s.bgid, flags: fl };
    if (addr !== undefined) values.ring_addr = pointerInput(addr);
    if (s.min_left !== undefined) values.min_left = s.min_left;
    if (s.resv !== undefined) values.resv = s.resv;
    const bytes = new Uint8Array(IO_URING_BUF_REG.size);
    const fixups = cc.encodeFields(IO_URING_BUF_REG, values, bytes);
    // Not read back: the kernel writes nothing into it, and ring_addr is a process address.
    out.push(...registerWith(cc, s.ring, IORING_REGISTER.PBUF_RING, s.nr_args, s.null_arg ? null : bytes, fixups));
    // Later kbuf.add steps write into the region; a registration without one (errno cases, or
    // kernel memory) leaves any earlier ring of the group tracked.
    const key = `${s.ring}/${s.bgid}`;
    if (region && !s.ring_addr) tracks(cc).set(key, { region, entries: s.entries, tail: 0 });
    return out;
  },
});

export const unregisterStep = defineStep({
  op: 'kbuf.unregister',
  description: 'IORING_UNREGISTER_PBUF_RING for group bgid',
  schema: z.object({
    op: z.literal('kbuf.unregister'), ring: name, bgid: u16, flags: u16.optional(), resv: z.array(u32).max(5).optional(),
    nr_args: u32.default(1),
  }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const values: Record<string, FieldInput> = { bgid: s.bgid };
    if (s.flags !== undefined) values.flags = s.flags;
    if (s.resv !== undefined) values.resv = s.resv;
    const bytes = new Uint8Array(IO_URING_BUF_REG.size);
    const fixups = cc.encodeFields(IO_URING_BUF_REG, values, bytes);
    return registerWith(cc, s.ring, IORING_REGISTER.UNREGISTER_PBUF_RING, s.nr_args, bytes, fixups);
  },
});

export const statusStep = defineStep({
  op: 'kbuf.status',
  description: 'IORING_REGISTER_PBUF_STATUS: read the kernel head of group bgid back (trace: mem io_uring_buf_status)',
  schema: z.object({ op: z.literal('kbuf.status'), ring: name, bgid: u32, resv: z.array(u32).max(8).optional() }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const values: Record<string, FieldInput> = { buf_group: s.bgid };
    if (s.resv !== undefined) values.resv = s.resv;
    const bytes = new Uint8Array(IO_URING_BUF_STATUS.size);
    const fixups = cc.encodeFields(IO_URING_BUF_STATUS, values, bytes);
    return registerWith(cc, s.ring, IORING_REGISTER.PBUF_STATUS, 1, bytes, fixups, IO_URING_BUF_STATUS.name);
  },
});

export const mmapStep = defineStep({
  op: 'kbuf.mmap',
  description: 'mmap a kernel-allocated (IOU_PBUF_RING_MMAP) ring of group bgid at IORING_OFF_PBUF_RING | bgid << 16 as `region`; kbuf.add then writes into it',
  schema: z.object({ op: z.literal('kbuf.mmap'), ring: name, bgid: u16, entries: u32, region: name }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    const size = pageAlign(Math.max(1, s.entries) * BUF_SIZE);
    cc.regions.set(s.region, size);
    tracks(cc).set(`${s.ring}/${s.bgid}`, { region: s.region, entries: s.entries, tail: 0 });
    const offset = IORING_OFF.PBUF_RING + s.bgid * 2 ** IORING_OFF.PBUF_SHIFT;
    return [{ op: 'mmap', region: s.region, ring: s.ring, offset, size }];
  },
});

const bufEntry = z.object({ addr: pointer, len: u32, bid: u16 }).strict();

export const addStep = defineStep({
  op: 'kbuf.add',
  description: 'write io_uring_buf entries at the tail of group bgid\'s ring and (unless publish is false) advance the tail',
  schema: z.object({
    op: z.literal('kbuf.add'), ring: name, bgid: u16,
    bufs: z.array(bufEntry).optional(),
    count: z.number().int().min(1).max(65536).optional(), addr: pointer.optional(), len: u32.optional(), bid: u16.optional(),
    publish: z.boolean().default(true),
  }).strict(),
  compile(s, cc) {
    const t = track(cc, s.ring, s.bgid);
    const bufs = s.bufs ?? (s.count !== undefined && s.addr !== undefined && s.len !== undefined
      ? expand(s.count, s.addr, s.len, s.bid ?? 0)
      : cc.fail('kbuf.add needs `bufs`, or `count` with `addr` and `len`'));
    const out: ProgramOp[] = [];
    const mask = t.entries - 1;
    bufs.forEach((b, i) => {
      const bytes = new Uint8Array(IO_URING_BUF.size);
      const fixups = cc.encodeFields(IO_URING_BUF, { addr: pointerInput(b.addr), len: b.len, bid: b.bid }, bytes);
      // Only addr, len and bid: the resv word of entry 0 is the live tail.
      out.push({ op: 'wmem', region: t.region!, off: ((t.tail + i) & mask) * BUF_SIZE, bytes: bytes.subarray(0, TAIL_OFFSET), fixups });
    });
    if (s.publish) {
      t.tail = (t.tail + bufs.length) & 0xffff;
      out.push(tailOp(t));
    }
    return out;
  },
});

function expand(count: number, addr: Pointer, len: number, bid: number): z.infer<typeof bufEntry>[] {
  return Array.from({ length: count }, (_, i) => ({
    addr: typeof addr === 'object' ? { region: addr.region, offset: addr.offset + i * len } : (BigInt(addr) + BigInt(i * len)).toString(),
    len,
    bid: (bid + i) & 0xffff,
  }));
}

function tailOp(t: { region: string | null; tail: number }): ProgramOp {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, t.tail, true);
  return { op: 'wmem', region: t.region!, off: TAIL_OFFSET, bytes, fixups: [] };
}

export const tailStep = defineStep({
  op: 'kbuf.tail',
  description: 'store the u16 tail of group bgid\'s ring (absolute, or `advance` entries past the last one)',
  schema: z.object({ op: z.literal('kbuf.tail'), ring: name, bgid: u16, tail: u16.optional(), advance: s32.optional() }).strict(),
  compile(s, cc) {
    const t = track(cc, s.ring, s.bgid);
    if (s.tail !== undefined) t.tail = s.tail;
    else if (s.advance !== undefined) t.tail = (t.tail + s.advance) & 0xffff;
    else cc.fail('kbuf.tail needs `tail` or `advance`');
    return [tailOp(t)];
  },
});

export const entryStep = defineStep({
  op: 'kbuf.entry',
  description: 'read back len, bid and resv/tail of ring entry `index` of group bgid (trace: mem hex, 8 bytes)',
  schema: z.object({ op: z.literal('kbuf.entry'), ring: name, bgid: u16, index: z.number().int().min(0) }).strict(),
  compile(s, cc) {
    const t = track(cc, s.ring, s.bgid);
    return [{ op: 'rmem', region: t.region!, off: (s.index & (t.entries - 1)) * BUF_SIZE + 8, len: 8 }];
  },
});
