// The region module (core/memmap.ts): io_create_region()'s checks one errno at a time, pinning
// and its costs, kernel pages and their mmap(), accounting against RLIMIT_MEMLOCK, and freeing.

import { describe, expect, it } from 'vitest';
import {
  ERRNO, IORING_MAP_OFF, IORING_MEM_REGION_TYPE, IORING_REGISTER, IORING_SETUP, IO_REGION_F, IO_URING_MEM_REGION_REG,
  IO_URING_PARAMS, Kernel, MappedRegion, PAGE_SIZE, UserRing, createRegion, encode, encodeRegionDesc, freeRegion,
  memAccounting, pinPages, regionDesc, regionGetPtr, regionIsSet, type RegionDesc,
} from '../src/extend.js';

const USER = IORING_MEM_REGION_TYPE.USER;

function setup(flags = 0) {
  const k = new Kernel();
  const ring = new UserRing(k, 4, { flags });
  return { k, ring, ctx: ring.ctx };
}

function create(ctx: UserRing['ctx'], rd: RegionDesc, mmapOffset = 0x1234000) {
  const mr = new MappedRegion();
  return { mr, ret: createRegion(ctx, mr, rd, mmapOffset) };
}

describe('io_create_region() checks, in the kernel order', () => {
  const { k, ctx } = setup();
  const buf = k.memory.mmap(2 * PAGE_SIZE, 'buf');
  const addr = BigInt(buf.addr);
  const cases: [string, Partial<RegionDesc>, number][] = [
    ['reserved words', { size: 4096n, resv: [0n, 0n, 1n, 0n] }, -ERRNO.EINVAL],
    ['unknown flags', { size: 4096n, flags: 2 }, -ERRNO.EINVAL],
    ['TYPE_USER without user_addr', { size: 4096n, flags: USER }, -ERRNO.EFAULT],
    ['user_addr without TYPE_USER', { size: 4096n, userAddr: addr }, -ERRNO.EFAULT],
    ['size 0', { size: 0n }, -ERRNO.EINVAL],
    ['mmap_offset set', { size: 4096n, mmapOffset: 4096n }, -ERRNO.EINVAL],
    ['id set', { size: 4096n, id: 3 }, -ERRNO.EINVAL],
    ['more than INT_MAX pages (before alignment)', { size: (1n << 43n) + 1n }, -ERRNO.E2BIG],
    ['unaligned size', { size: 100n }, -ERRNO.EINVAL],
    ['unaligned address', { size: 4096n, flags: USER, userAddr: addr + 8n }, -ERRNO.EINVAL],
    ['address + size wraps u64', { size: 8192n, flags: USER, userAddr: (1n << 64n) - 4096n }, -ERRNO.EOVERFLOW],
    ['unmapped pages', { size: 4096n, flags: USER, userAddr: 0x10000n }, -ERRNO.EFAULT],
    ['pages above TASK_SIZE', { size: 4096n, flags: USER, userAddr: 1n << 47n }, -ERRNO.EFAULT],
    ['a range running past its mapping', { size: 3n * 4096n, flags: USER, userAddr: addr }, -ERRNO.EFAULT],
  ];
  for (const [what, rd, errno] of cases) {
    it(`${what}: ${errno}`, () => {
      const { mr, ret } = create(ctx, regionDesc(rd));
      expect(ret).toBe(errno);
      expect(regionIsSet(mr)).toBe(false);
      expect(mr.pages).toBeNull();
    });
  }

  it('a region that is already set is EFAULT (the kernel WARNs)', () => {
    const { mr } = create(ctx, regionDesc({ size: 4096n }));
    expect(createRegion(ctx, mr, regionDesc({ size: 4096n }), 0)).toBe(-ERRNO.EFAULT);
  });
});

describe('user memory', () => {
  it('pins every page, shares the bytes, and unpins on free', () => {
    const { k, ctx } = setup();
    const buf = k.memory.mmap(2 * PAGE_SIZE, 'buf');
    const rd = regionDesc({ size: 8192n, flags: USER, userAddr: BigInt(buf.addr) });
    const { mr, ret } = create(ctx, rd);
    expect(ret).toBe(0);
    expect(rd.mmapOffset).toBe(0n); // only kernel pages get an mmap offset
    expect(mr.flags & IO_REGION_F.USER_PROVIDED).toBeTruthy();
    expect(mr.flags & IO_REGION_F.VMAP).toBeTruthy(); // two folios need a vmap
    expect(k.costs.get('pin', 'pin_user_pages_fast:io_region')).toBe(2);
    buf.bytes[5000] = 0xab;
    expect(regionGetPtr(mr).getUint8(5000)).toBe(0xab);
    freeRegion(k, mr);
    expect(k.costs.get('unpin', 'unpin_user_pages:io_region')).toBe(2);
    expect(k.costs.get('free', 'vunmap:io_region')).toBe(1);
    expect(regionIsSet(mr)).toBe(false);
  });

  it('a partly mapped range pins the prefix, releases it, and answers EFAULT', () => {
    const { k } = setup();
    const buf = k.memory.mmap(2 * PAGE_SIZE, 'buf');
    expect(pinPages(k, BigInt(buf.addr), 4n * 4096n)).toBe(-ERRNO.EFAULT);
    expect(k.costs.get('pin', 'pin_user_pages_fast:io_region')).toBe(2);
    expect(k.costs.get('unpin', 'unpin_user_pages:io_region')).toBe(2);
    expect(k.costs.get('alloc', 'kvmalloc_array:io_region_pages')).toBe(k.costs.get('free', 'kvfree:io_region_pages'));
  });

  it('pinPages() rounds an unaligned range out to whole pages', () => {
    const { k } = setup();
    const buf = k.memory.mmap(2 * PAGE_SIZE, 'buf');
    const r = pinPages(k, BigInt(buf.addr + 100), 4096n);
    expect(typeof r).toBe('object');
    if (typeof r === 'object') expect(r.nrPages).toBe(2);
  });
});

describe('kernel pages', () => {
  it('up to 4 MiB is one compound allocation, reported at the mmap offset, zeroed', () => {
    const { k, ctx } = setup();
    const before = memAccounting(k).freePages;
    const rd = regionDesc({ size: 3n * 4096n });
    const { mr, ret } = create(ctx, rd, IORING_MAP_OFF.PARAM_REGION);
    expect(ret).toBe(0);
    expect(rd.mmapOffset).toBe(BigInt(IORING_MAP_OFF.PARAM_REGION));
    expect(mr.flags).toBe(IO_REGION_F.SINGLE_REF);
    expect(memAccounting(k).freePages).toBe(before - 4); // order 2
    expect(mr.pages!.every((b) => b === 0)).toBe(true);
    freeRegion(k, mr);
    expect(k.costs.get('free', 'release_pages:io_region')).toBe(1);
    expect(memAccounting(k).freePages).toBe(before);
  });

  it('beyond MAX_PAGE_ORDER pages come one by one and are vmap()ed', () => {
    const { k, ctx } = setup();
    const { mr, ret } = create(ctx, regionDesc({ size: BigInt(5 << 20) }));
    expect(ret).toBe(0);
    expect(mr.flags).toBe(IO_REGION_F.VMAP);
    expect(k.costs.get('alloc', 'alloc_pages_bulk:io_region')).toBe(1280);
  });

  it('running out of memory is ENOMEM and leaves nothing behind', () => {
    const { k, ctx } = setup();
    memAccounting(k).freePages = 2;
    const { mr, ret } = create(ctx, regionDesc({ size: 3n * 4096n }));
    expect(ret).toBe(-ERRNO.ENOMEM);
    expect(regionIsSet(mr)).toBe(false);
    expect(memAccounting(k).freePages).toBe(2);
  });
});

describe('RLIMIT_MEMLOCK accounting (rings created without CAP_IPC_LOCK)', () => {
  it('charges user->locked_vm, refuses past the limit, and uncharges on free and on failure', () => {
    const { k, ctx } = setup();
    const acct = memAccounting(k);
    acct.capIpcLock = false;
    acct.memlockLimit = 4 * PAGE_SIZE;
    const a = create(ctx, regionDesc({ size: 3n * 4096n }));
    expect(a.ret).toBe(0);
    expect(acct.lockedPages).toBe(3);
    expect(create(ctx, regionDesc({ size: 2n * 4096n })).ret).toBe(-ERRNO.ENOMEM);
    expect(acct.lockedPages).toBe(3);
    // Charged first, then the pin fails: the charge goes back.
    expect(create(ctx, regionDesc({ size: 4096n, flags: USER, userAddr: 0x10000n })).ret).toBe(-ERRNO.EFAULT);
    expect(acct.lockedPages).toBe(3);
    freeRegion(k, a.mr);
    expect(acct.lockedPages).toBe(0);
  });

  it('with CAP_IPC_LOCK (the default, as on the testbed) nothing is charged', () => {
    const { k, ctx } = setup();
    memAccounting(k).memlockLimit = 0;
    expect(create(ctx, regionDesc({ size: 4096n })).ret).toBe(0);
    expect(memAccounting(k).lockedPages).toBe(0);
  });
});

describe('mmap() of regions', () => {
  function memRegion(k: Kernel, fd: number, rd: RegionDesc, flags = 0): number {
    const rdMap = k.memory.mmap(64, 'rd');
    k.memory.write(rdMap.addr, encodeRegionDesc(rd));
    const reg = k.memory.mmap(IO_URING_MEM_REGION_REG.size, 'reg');
    k.memory.write(reg.addr, encode(IO_URING_MEM_REGION_REG, { region_uptr: rdMap.addr, flags }));
    return k.io_uring_register(fd, IORING_REGISTER.MEM_REGION, reg.addr, 1);
  }

  it('maps kernel pages (shared, not copied); a short VMA is EFAULT; user memory EINVAL', () => {
    const { k, ring } = setup();
    expect(memRegion(k, ring.fd, regionDesc({ size: 8192n }))).toBe(0);
    expect(k.mmapRing(ring.fd, IORING_MAP_OFF.PARAM_REGION, 4096)).toBe(-ERRNO.EFAULT);
    const a = k.mmapRing(ring.fd, IORING_MAP_OFF.PARAM_REGION, 8192);
    const b = k.mmapRing(ring.fd, IORING_MAP_OFF.PARAM_REGION);
    if (typeof a === 'number' || typeof b === 'number') throw new Error('mmap failed');
    a.bytes[8191] = 9;
    expect(b.bytes[8191]).toBe(9);
    expect(regionGetPtr(ring.ctx.paramRegion).getUint8(8191)).toBe(9);
    expect(memRegion(k, ring.fd, regionDesc({ size: 4096n }))).toBe(-ERRNO.EBUSY);

    const other = new UserRing(k, 4);
    const buf = k.memory.mmap(4096, 'buf');
    expect(memRegion(k, other.fd, regionDesc({ size: 4096n, flags: USER, userAddr: BigInt(buf.addr) }))).toBe(0);
    expect(k.mmapRing(other.fd, IORING_MAP_OFF.PARAM_REGION, 4096)).toBe(-ERRNO.EINVAL);
  });

  it('6.18 reports a failed validation as ENOMEM, but a short VMA is still EFAULT', () => {
    const k = new Kernel({ profile: '6.18' });
    const ring = new UserRing(k, 4);
    expect(k.mmapRing(ring.fd, IORING_MAP_OFF.PARAM_REGION, 4096)).toBe(-ERRNO.ENOMEM);
    expect(memRegion(k, ring.fd, regionDesc({ size: 8192n }))).toBe(0);
    expect(k.mmapRing(ring.fd, IORING_MAP_OFF.PARAM_REGION, 4096)).toBe(-ERRNO.EFAULT);
  });

  it('REG_WAIT_ARG needs a disabled ring', () => {
    const { k, ring } = setup();
    expect(memRegion(k, ring.fd, regionDesc({ size: 4096n }), 1)).toBe(-ERRNO.EINVAL);
    const d = setup(IORING_SETUP.R_DISABLED);
    expect(memRegion(d.k, d.ring.fd, regionDesc({ size: 4096n }), 1)).toBe(0);
  });

  it('the parameter region is freed with the ring', () => {
    const { k, ring } = setup();
    const before = memAccounting(k).freePages;
    expect(memRegion(k, ring.fd, regionDesc({ size: 8192n }))).toBe(0);
    expect(memAccounting(k).freePages).toBe(before - 2);
    expect(k.close(ring.fd)).toBe(0);
    k.settle(); // the exit work runs after close(2) returns
    expect(memAccounting(k).freePages).toBe(before);
  });

  it('an IORING_SETUP_NO_MMAP ring has no rings to map (they are user memory)', () => {
    const k = new Kernel();
    const p = k.memory.mmap(IO_URING_PARAMS.size, 'p');
    const mem = k.memory.mmap(16384, 'rings');
    k.memory.write(p.addr, encode(IO_URING_PARAMS, { flags: IORING_SETUP.NO_MMAP, 'sq_off.user_addr': mem.addr, 'cq_off.user_addr': mem.addr + 8192 }));
    const fd = k.io_uring_setup(4, p.addr);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(k.mmapRing(fd, 0, 4096)).toBe(-ERRNO.EINVAL);
    expect(k.mmapRing(fd, 0x10000000, 4096)).toBe(-ERRNO.EINVAL);
  });
});
