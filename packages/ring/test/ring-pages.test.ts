// A ring's own rings and SQE pages against RLIMIT_MEMLOCK (io_create_region() from
// io_allocate_scq_urings()): charged to an unprivileged creator on 6.18, not on 7.3, and given
// back by io_ring_ctx_free(). Shipped scenario on both kernels: rsrc-memlock-enomem (@uringlab/rsrc-copy).

import { describe, expect, it } from 'vitest';
import { ERRNO, IO_URING_PARAMS, Kernel, UserRing, memAccounting, type KernelId } from '../src/extend.js';

function unprivileged(profile: KernelId, memlockPages = 32) {
  const k = new Kernel({ profile });
  const acct = memAccounting(k);
  acct.capIpcLock = false;
  acct.memlockLimit = memlockPages * 4096;
  return { k, acct };
}

/** io_uring_setup() with zeroed params; the fd or a negative errno. */
function setup(k: Kernel, entries: number): number {
  const m = k.memory.mmap(IO_URING_PARAMS.size, 'params');
  return k.io_uring_setup(entries, m.addr);
}

describe('ring pages and RLIMIT_MEMLOCK', () => {
  it('6.18 charges one page of rings and one of SQEs for 8 entries, and gives them back when the ring is freed', () => {
    const { k, acct } = unprivileged('6.18');
    const r = new UserRing(k, 8);
    expect(acct.lockedPages).toBe(2);
    r.close();
    k.sched.settle();
    expect(acct.lockedPages).toBe(0);
  });

  it('6.18 fails io_uring_setup() with -ENOMEM when the rings do not fit, and keeps no charge', () => {
    const { k, acct } = unprivileged('6.18', 1);
    expect(setup(k, 8)).toBe(-ERRNO.ENOMEM);
    expect(acct.lockedPages).toBe(0);
  });

  it('7.3 charges nothing for the rings', () => {
    const { k, acct } = unprivileged('7.3', 1);
    expect(setup(k, 8)).toBeGreaterThanOrEqual(0);
    expect(acct.lockedPages).toBe(0);
  });

  it('nothing is charged with CAP_IPC_LOCK', () => {
    const k = new Kernel({ profile: '6.18' });
    new UserRing(k, 8);
    expect(memAccounting(k).lockedPages).toBe(0);
  });
});
