// Lifetimes and accounting: buffers shared by reference outlive the ring that registered them;
// pages are unpinned and uncharged with the last reference; memory is charged once.

import { describe, expect, it } from 'vitest';
import { ERRNO, memAccounting } from '@uringlab/ring/extend';
import { Bench, PAGE } from './helpers.js';

describe('lifetime', () => {
  it('a clone keeps working after the source unregisters and after it is closed (6.18: VmPin counts root rings)', () => {
    const b = new Bench('6.18');
    const a = b.ring();
    const d = b.ring();
    const m = b.mem(16 * PAGE, 3);
    expect(b.register(a, [{ base: m, len: 16 * PAGE }])).toBe(0);
    expect(b.pinnedKb).toBe(64);
    expect(b.clone(d, a.fd)).toBe(0);
    expect(b.pinnedKb).toBe(64);
    a.close();
    b.kernel.settle();
    b.kernel.sched.advance(1e9);
    expect(b.pinnedKb).toBe(64);
    const [, wr] = b.kernel.pipe();
    expect(b.writeFixed(d, wr, m + 5 * PAGE, 100, 0)).toBe(100);
    expect(b.unregister(d)).toBe(0);
    expect(b.pinnedKb).toBe(0);
    expect(b.stats.imus).toBe(0);
    expect(b.stats.nodes).toBe(0);
  });

  it('tags post in reverse slot order on unregister, and never for a clone', () => {
    const b = new Bench();
    const a = b.ring();
    const d = b.ring();
    const m = b.mem(3 * PAGE);
    expect(b.registerTags(a, [0, 1, 2].map((i) => ({ base: m + i * PAGE, len: PAGE })), [5, 0, 7])).toBe(0);
    expect(b.clone(d, a.fd)).toBe(0);
    expect(b.unregister(d)).toBe(0);
    expect(d.reap()).toEqual([]);
    expect(b.unregister(a)).toBe(0);
    expect(a.reap().map((c) => c.userData)).toEqual([7, 5]);
  });
});

describe('accounting', () => {
  it('7.3 leaves VmPin alone for a ring created with CAP_IPC_LOCK; 6.18 counts it', () => {
    for (const [p, kb] of [['7.3', 0], ['6.18', 8]] as const) {
      const b = new Bench(p);
      const r = b.ring();
      expect(b.register(r, [{ base: b.mem(2 * PAGE), len: 2 * PAGE }])).toBe(0);
      expect(b.pinnedKb).toBe(kb);
    }
  });

  function unprivileged(limitPages: number) {
    const b = new Bench();
    const acct = memAccounting(b.kernel);
    acct.capIpcLock = false;
    acct.memlockLimit = limitPages * PAGE;
    return { b, acct };
  }

  it('past RLIMIT_MEMLOCK a registration is -ENOMEM and charges nothing', () => {
    const { b, acct } = unprivileged(8);
    const r = b.ring();
    const m = b.mem(16 * PAGE);
    expect(b.register(r, [{ base: m, len: 9 * PAGE }])).toBe(-ERRNO.ENOMEM);
    expect(acct.lockedPages).toBe(0);
    expect(b.pinnedKb).toBe(0);
    expect(b.register(r, [{ base: m, len: 8 * PAGE }])).toBe(0);
    expect(acct.lockedPages).toBe(8);
    expect(b.pinnedKb).toBe(32);
  });

  it('a clone charges nothing; the last put uncharges once', () => {
    const { b, acct } = unprivileged(8);
    const a = b.ring();
    const d = b.ring();
    const m = b.mem(8 * PAGE);
    expect(b.register(a, [{ base: m, len: 8 * PAGE }])).toBe(0);
    expect(b.clone(d, a.fd)).toBe(0);
    expect(acct.lockedPages).toBe(8);
    expect(b.unregister(a)).toBe(0);
    expect(acct.lockedPages).toBe(8);
    expect(b.unregister(d)).toBe(0);
    expect(acct.lockedPages).toBe(0);
  });

  it('rings charged to different users cannot clone (7.3 and 6.18)', () => {
    for (const p of ['7.3', '6.18'] as const) {
      const b = new Bench(p);
      const a = b.ring();
      const m = b.mem(PAGE);
      expect(b.register(a, [{ base: m, len: PAGE }])).toBe(0);
      memAccounting(b.kernel).capIpcLock = false;
      const d = b.ring();
      expect(b.clone(d, a.fd)).toBe(-ERRNO.EINVAL);
    }
  });

  it('the per-buffer cap differs: over 1 TiB is -EINVAL on 7.3 and -EFAULT on 6.18', () => {
    for (const [p, e] of [['7.3', -ERRNO.EINVAL], ['6.18', -ERRNO.EFAULT]] as const) {
      const b = new Bench(p);
      const r = b.ring();
      const m = b.mem(PAGE);
      expect(b.register(r, [{ base: m, len: (1n << 40n) + 1n }])).toBe(e);
    }
  });
});

describe('huge pages', () => {
  function hugeBench(p: '7.3' | '6.18') {
    const b = new Bench(p);
    const acct = memAccounting(b.kernel);
    acct.capIpcLock = false;
    acct.memlockLimit = 8 << 20;
    const h = b.kernel.memory.mmapHuge(2 << 20, 'huge');
    return { b, acct, h: h.addr };
  }

  it('a buffer in a huge page is charged the whole 2 MiB page, once for buffers sharing it', () => {
    for (const p of ['7.3', '6.18'] as const) {
      const { b, acct, h } = hugeBench(p);
      const r = b.ring();
      // The ring's own pages (charged on 6.18) are not the buffers' business.
      const ring = acct.lockedPages;
      expect(b.register(r, [{ base: h, len: PAGE }, { base: h + 16 * PAGE, len: PAGE }])).toBe(0);
      expect(acct.lockedPages - ring).toBe(512);
      expect(b.unregister(r)).toBe(0);
      expect(acct.lockedPages - ring).toBe(0);
    }
  });

  it('7.3 uncharges a huge page with the last buffer of the ring on it; 6.18 with the one that charged it', () => {
    for (const [p, left] of [['7.3', 512], ['6.18', 0]] as const) {
      const { b, acct, h } = hugeBench(p);
      const r = b.ring();
      const ring = acct.lockedPages;
      expect(b.register(r, [{ base: h, len: PAGE }, { base: 0, len: 0 }])).toBe(0);
      expect(b.update(r, 1, [{ base: h + 2 * PAGE, len: PAGE }])).toBe(1);
      expect(acct.lockedPages - ring).toBe(512);
      expect(b.update(r, 0, [{ base: 0, len: 0 }])).toBe(1);
      expect(acct.lockedPages - ring).toBe(left);
    }
  });
});
