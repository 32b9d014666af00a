// Buffer rings live in core regions (@uringlab/ring's memmap): registration pins or allocates
// through io_create_region(), mmap() goes through the core's region lookup, and every way a
// group goes away frees the region.

import { describe, expect, it } from 'vitest';
import {
  ERRNO, IORING_OFF, IORING_REGISTER, IO_REGION_F, IO_URING_BUF_REG, IOU_PBUF_RING, Kernel, PAGE_SIZE, UserRing,
  encode, memAccounting, regionIsSet,
} from '@uringlab/ring/extend';
import { kbufCtx, kbufExtension } from '../src/index.js';

function setup() {
  const k = new Kernel({ extensions: [kbufExtension()] });
  const ring = new UserRing(k, 4);
  return { k, ring };
}

function register(k: Kernel, ring: UserRing, fields: Record<string, number | bigint>): number {
  const arg = k.memory.mmap(IO_URING_BUF_REG.size, 'reg');
  k.memory.write(arg.addr, encode(IO_URING_BUF_REG, fields));
  return ring.register(IORING_REGISTER.PBUF_RING, arg.addr, 1);
}

function unregister(k: Kernel, ring: UserRing, bgid: number): number {
  const arg = k.memory.mmap(IO_URING_BUF_REG.size, 'reg');
  k.memory.write(arg.addr, encode(IO_URING_BUF_REG, { bgid }));
  return ring.register(IORING_REGISTER.UNREGISTER_PBUF_RING, arg.addr, 1);
}

const pbufOffset = (bgid: number): number => IORING_OFF.PBUF_RING + bgid * 2 ** IORING_OFF.PBUF_SHIFT;

describe('user-memory buffer rings', () => {
  it('pin the ring pages; the kernel view is the user memory; unregister unpins', () => {
    const { k, ring } = setup();
    const mem = k.memory.mmap(2 * PAGE_SIZE, 'br');
    expect(register(k, ring, { ring_addr: mem.addr, ring_entries: 512, bgid: 3 })).toBe(0);
    const bl = kbufCtx(ring.ctx).lists.get(3)!;
    expect(bl.region.flags & IO_REGION_F.USER_PROVIDED).toBeTruthy();
    expect(k.costs.get('pin', 'pin_user_pages_fast:io_region')).toBe(2);
    new DataView(mem.bytes.buffer).setUint16(14, 77, true);
    expect(bl.ring!.getUint16(14, true)).toBe(77);
    expect(k.mmapRing(ring.fd, pbufOffset(3), 8192)).toBe(-ERRNO.EINVAL);
    expect(unregister(k, ring, 3)).toBe(0);
    expect(k.costs.get('unpin', 'unpin_user_pages:io_region')).toBe(2);
    expect(regionIsSet(bl.region)).toBe(false);
  });

  it('keep the region checks: NULL EFAULT, unaligned EINVAL, unmapped EFAULT, and a failed pin leaves no group', () => {
    const { k, ring } = setup();
    const mem = k.memory.mmap(PAGE_SIZE, 'br');
    expect(register(k, ring, { ring_entries: 8, bgid: 1 })).toBe(-ERRNO.EFAULT);
    expect(register(k, ring, { ring_addr: mem.addr + 64, ring_entries: 8, bgid: 1 })).toBe(-ERRNO.EINVAL);
    expect(register(k, ring, { ring_addr: 0x10000, ring_entries: 8, bgid: 1 })).toBe(-ERRNO.EFAULT);
    expect(register(k, ring, { ring_addr: mem.addr, ring_entries: 512, bgid: 1 })).toBe(-ERRNO.EFAULT); // 2 pages, 1 mapped
    expect(kbufCtx(ring.ctx).lists.has(1)).toBe(false);
    expect(register(k, ring, { ring_addr: (2n ** 64n) - 4096n, ring_entries: 512, bgid: 1 })).toBe(-ERRNO.EOVERFLOW);
  });

  it('are charged to RLIMIT_MEMLOCK without CAP_IPC_LOCK, and uncharged when the ring exits', () => {
    const { k, ring } = setup();
    const acct = memAccounting(k);
    acct.capIpcLock = false;
    acct.memlockLimit = PAGE_SIZE;
    const mem = k.memory.mmap(2 * PAGE_SIZE, 'br');
    expect(register(k, ring, { ring_addr: mem.addr, ring_entries: 512, bgid: 1 })).toBe(-ERRNO.ENOMEM);
    expect(register(k, ring, { ring_addr: mem.addr, ring_entries: 256, bgid: 1 })).toBe(0);
    expect(acct.lockedPages).toBe(1);
    expect(k.close(ring.fd)).toBe(0);
    k.settle(); // the exit work runs after close(2) returns
    expect(acct.lockedPages).toBe(0);
  });
});

describe('kernel-allocated (IOU_PBUF_RING_MMAP) buffer rings', () => {
  it('map at IORING_OFF_PBUF_RING | bgid << 16 onto the ring the kernel reads; a short VMA is EFAULT', () => {
    const { k, ring } = setup();
    const free = memAccounting(k).freePages;
    expect(register(k, ring, { ring_entries: 512, bgid: 5, flags: IOU_PBUF_RING.MMAP })).toBe(0);
    expect(memAccounting(k).freePages).toBe(free - 2);
    expect(k.mmapRing(ring.fd, pbufOffset(5), 4096)).toBe(-ERRNO.EFAULT);
    const m = k.mmapRing(ring.fd, pbufOffset(5), 8192);
    if (typeof m === 'number') throw new Error(`mmap failed: ${m}`);
    new DataView(m.bytes.buffer, m.bytes.byteOffset).setUint16(14, 3, true);
    expect(kbufCtx(ring.ctx).lists.get(5)!.ring!.getUint16(14, true)).toBe(3);
    expect(k.mmapRing(ring.fd, pbufOffset(6), 8192)).toBe(-ERRNO.EINVAL);
    // Destroyed with the ring: the pages go back.
    expect(k.close(ring.fd)).toBe(0);
    k.settle();
    expect(memAccounting(k).freePages).toBe(free);
  });

  it('out of memory is ENOMEM and registers no group', () => {
    const { k, ring } = setup();
    memAccounting(k).freePages = 0;
    expect(register(k, ring, { ring_entries: 8, bgid: 2, flags: IOU_PBUF_RING.MMAP })).toBe(-ERRNO.ENOMEM);
    expect(kbufCtx(ring.ctx).lists.has(2)).toBe(false);
  });
});
