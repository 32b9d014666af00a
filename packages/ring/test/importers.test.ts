// The core's read/write pipeline serves both importers at once: a provided-buffer provider
// (IOSQE_BUFFER_SELECT) and a registered-buffer importer (the *_FIXED opcodes), each a small
// extension of its own, loaded together on one kernel. Neither replaces a core opcode.

import { describe, expect, it } from 'vitest';
import {
  ERRNO, IORING_CQE_BUFFER_SHIFT, IORING_CQE_F, IORING_OP, IOSQE, Kernel, REQ_F, UserRing, defineExtension,
  defineKernelState, isUringError, patternBytes, type BufferProvider, type FixedBufferImporter, type Mapping,
  type Req, type Seg,
} from '../src/extend.js';

/** One fake registered buffer: an 8 KiB region at table index 0, with what the core asked of it. */
interface FakeTable {
  region: Mapping;
  attaches: number;
  dirs: ('in' | 'out')[];
}

const FIXED_STATE = defineKernelState<FakeTable>('test:fixed-table', (k) => ({ region: k.memory.mmap(8192, 'fixed'), attaches: 0, dirs: [] }));

function fakeFixed(kernel: Kernel): FixedBufferImporter {
  const t = (): FakeTable => kernel.state(FIXED_STATE);
  return {
    attach(_req: Req, index: number): boolean {
      t().attaches++;
      return index === 0;
    },
    import(_req: Req, addr: number, len: number, dir: 'in' | 'out'): Seg[] | number {
      const { region } = t();
      t().dirs.push(dir);
      // validate_fixed_range(): the range must lie inside the registered buffer.
      if (addr < region.addr || addr + len > region.addr + region.bytes.byteLength) return -ERRNO.EFAULT;
      return [{ addr, len }];
    },
  };
}

/** One fake provided-buffer group (bgid 7) of four 64-byte legacy buffers. */
const GROUP = 7;
const PROVIDED_STATE = defineKernelState<{ region: Mapping; next: number }>('test:provided', (k) => ({ region: k.memory.mmap(4096, 'provided'), next: 0 }));

function fakeProvider(kernel: Kernel): BufferProvider {
  const s = () => kernel.state(PROVIDED_STATE);
  const bids = new WeakMap<Req, number>();
  return {
    select(req, len, bgid) {
      if (bgid !== GROUP || s().next >= 4) return undefined;
      const bid = s().next++;
      req.flags |= REQ_F.BUFFER_SELECTED;
      bids.set(req, bid);
      return { addr: s().region.addr + bid * 64, len: Math.min(len, 64), list: null };
    },
    peek: () => ({ ret: -ERRNO.ENOENT, list: null }),
    selectBuffers: () => ({ ret: -ERRNO.ENOENT, list: null }),
    commit: () => true,
    put(req) {
      if (!(req.flags & REQ_F.BUFFER_SELECTED)) return 0;
      req.flags &= ~REQ_F.BUFFER_SELECTED;
      return IORING_CQE_F.BUFFER | (bids.get(req)! << IORING_CQE_BUFFER_SHIFT);
    },
    recycle(req) {
      req.flags &= ~REQ_F.BUFFER_SELECTED;
      s().next--;
      return true;
    },
    isIncremental: () => false,
  };
}

const FIXED = defineExtension({ name: 'test-fixed-a', fixedBuffers: fakeFixed });
const FIXED_B = defineExtension({ name: 'test-fixed-b', fixedBuffers: fakeFixed });
const PROVIDER = defineExtension({ name: 'test-provider', providedBuffers: fakeProvider });
const PROVIDER_B = defineExtension({ name: 'test-provider-b', providedBuffers: fakeProvider });

const FILE_SEED = 9;

function setup() {
  const k = new Kernel({ extensions: [FIXED, PROVIDER] });
  const ring = new UserRing(k, 8);
  const fd = k.tmpfile(4096, FILE_SEED);
  const fixed = k.state(FIXED_STATE);
  const provided = k.state(PROVIDED_STATE);
  return { k, ring, fd, fixed, provided };
}

function run(ring: UserRing, n: number) {
  expect(ring.submitAndWait(n)).toBe(n);
  return new Map(ring.reap().map((c) => [c.userData, c]));
}

const fileBytes = (off: number, len: number) => patternBytes(len, FILE_SEED, off);

describe('a provided-buffer provider and a registered-buffer importer on one ring', () => {
  it('READ with IOSQE_BUFFER_SELECT and READ_FIXED each get their own buffer', () => {
    const { k, ring, fd, fixed, provided } = setup();
    ring.sqe({ opcode: IORING_OP.READ, fd, len: 32, off: 0, flags: IOSQE.BUFFER_SELECT, bufGroup: GROUP, userData: 1 });
    ring.sqe({ opcode: IORING_OP.READ_FIXED, fd, addr: fixed.region.addr + 100, len: 16, off: 64, bufGroup: 0, userData: 2 });
    const c = run(ring, 2);
    expect(c.get(1)).toMatchObject({ res: 32, flags: IORING_CQE_F.BUFFER | (0 << IORING_CQE_BUFFER_SHIFT) });
    expect(c.get(2)).toMatchObject({ res: 16, flags: 0 });
    expect(k.memory.read(provided.region.addr, 32)).toEqual(fileBytes(0, 32));
    expect(k.memory.read(fixed.region.addr + 100, 16)).toEqual(fileBytes(64, 16));
    expect(fixed.dirs).toEqual(['in']);
  });

  it('READV_FIXED scatters over iovecs inside the registered buffer; WRITE_FIXED writes from it', () => {
    const { k, ring, fd, fixed } = setup();
    const vec = k.memory.mmap(4096, 'vec');
    const dv = new DataView(vec.bytes.buffer);
    const base = fixed.region.addr;
    dv.setBigUint64(0, BigInt(base + 4096), true);
    dv.setBigUint64(8, 10n, true);
    dv.setBigUint64(16, BigInt(base), true);
    dv.setBigUint64(24, 6n, true);
    ring.sqe({ opcode: IORING_OP.READV_FIXED, fd, addr: vec.addr, len: 2, off: 200, bufGroup: 0, userData: 1 });
    expect(run(ring, 1).get(1)!.res).toBe(16);
    expect(k.memory.read(base + 4096, 10)).toEqual(fileBytes(200, 10));
    expect(k.memory.read(base, 6)).toEqual(fileBytes(210, 6));

    k.memory.write(base + 512, Uint8Array.from([1, 2, 3, 4]));
    ring.sqe({ opcode: IORING_OP.WRITE_FIXED, fd, addr: base + 512, len: 4, off: 1000, bufGroup: 0, userData: 2 });
    expect(run(ring, 1).get(2)!.res).toBe(4);
    const out = k.memory.mmap(4096, 'out');
    ring.sqe({ opcode: IORING_OP.READ, fd, addr: out.addr, len: 4, off: 1000, userData: 3 });
    expect(run(ring, 1).get(3)!.res).toBe(4);
    expect(k.memory.read(out.addr, 4)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(fixed.dirs).toEqual(['in', 'in', 'out']);
  });

  it('the importer answers for its table: an unknown index, a range outside the buffer, an empty iovec', () => {
    const { k, ring, fd, fixed } = setup();
    const vec = k.memory.mmap(4096, 'vec');
    new DataView(vec.bytes.buffer).setBigUint64(0, BigInt(fixed.region.addr), true);
    ring.sqe({ opcode: IORING_OP.READ_FIXED, fd, addr: fixed.region.addr, len: 16, bufGroup: 1, userData: 1 });
    ring.sqe({ opcode: IORING_OP.READ_FIXED, fd, addr: fixed.region.addr + 8190, len: 16, bufGroup: 0, userData: 2 });
    ring.sqe({ opcode: IORING_OP.READV_FIXED, fd, addr: vec.addr, len: 1, bufGroup: 0, userData: 3 });
    const c = run(ring, 3);
    expect([1, 2, 3].map((u) => c.get(u)!.res)).toEqual([-ERRNO.EFAULT, -ERRNO.EFAULT, -ERRNO.EFAULT]);
  });

  it('a READ_FIXED that waits on a pipe looks its buffer node up once (REQ_F_BUF_NODE)', () => {
    const { k, ring, fixed } = setup();
    const [r, w] = k.pipe();
    ring.sqe({ opcode: IORING_OP.READ_FIXED, fd: r, addr: fixed.region.addr, len: 8, bufGroup: 0, userData: 1 });
    expect(ring.submitAndWait(0)).toBe(1);
    expect(ring.reap()).toEqual([]);
    expect(fixed.attaches).toBe(1);
    k.write(w, Uint8Array.from([5, 6, 7]));
    k.settle();
    expect(ring.reap()).toEqual([{ userData: 1, res: 3, flags: 0 }]);
    expect(fixed.attaches).toBe(1);
    expect(k.memory.read(fixed.region.addr, 3)).toEqual(Uint8Array.from([5, 6, 7]));
  });

  it('loading two registered-buffer importers is an EXTENSION_CONFLICT naming both', () => {
    let err: unknown;
    try {
      new Kernel({ extensions: [FIXED, FIXED_B] });
    } catch (e) {
      err = e;
    }
    expect(isUringError(err) && err.code).toBe('EXTENSION_CONFLICT');
    expect((err as Error).message).toMatch(/test-fixed-a/);
    expect((err as Error).message).toMatch(/test-fixed-b/);
    expect(() => new Kernel({ extensions: [PROVIDER, PROVIDER_B] })).toThrow(/test-provider.*test-provider-b/);
  });
});
