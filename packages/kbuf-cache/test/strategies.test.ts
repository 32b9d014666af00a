// The allocation strategies change costs, never CQEs; and each one counts what its kernel did.

import { describe, expect, it } from 'vitest';
import { IORING_OP, IOSQE, Kernel, diffTraces } from '@uringlab/ring/extend';
import { BUFS_PER_PAGE } from '../src/alloc/recycling-cache.js';
import { IO_BUFFER_ALLOC_BATCH } from '../src/alloc/slab-bulk.js';
import { UserRing } from '@uringlab/ring/extend';
import { STRATEGIES, kbufCtx, kbufExtension, type StrategyName } from '../src/index.js';
import { scenarioNames, traceOf } from './helpers.js';

describe('strategies do not change semantics', () => {
  const exts = Object.fromEntries(STRATEGIES.map((s) => [s, kbufExtension({ strategy: s })]));
  for (const name of scenarioNames()) {
    it(`${name}: the same trace under every strategy`, () => {
      const base = traceOf(name, '7.3', [exts.kmalloc!]);
      for (const s of STRATEGIES) expect(diffTraces(base, traceOf(name, '7.3', [exts[s]!])).agree).toBe(true);
    });
  }
});

/** Provides `n` buffers one SQE at a time, reads them all back from a file, returns the kernel. */
function churn(strategy: StrategyName, n: number, asyncEvery = 0): Kernel {
  const k = new Kernel({ extensions: [kbufExtension({ strategy })] });
  const ring = new UserRing(k, 64);
  const mem = k.memory.mmap(64 * 64, 'bufs');
  const [r, w] = k.pipe();
  for (let done = 0; done < n; done += 32) {
    for (let i = 0; i < 32; i++) ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: 1, addr: mem.addr + i * 64, len: 64, bufGroup: 1, off: i });
    ring.submit(32);
    ring.reap();
    k.write(w, new Uint8Array(32 * 8));
    for (let i = 0; i < 32; i++) {
      const flags = IOSQE.BUFFER_SELECT | (asyncEvery && i % asyncEvery === 0 ? IOSQE.ASYNC : 0);
      ring.sqe({ opcode: IORING_OP.READ, fd: r, len: 8, flags, bufGroup: 1, off: -1n });
    }
    ring.submit(32);
    ring.reap();
  }
  return k;
}

describe('strategy counters', () => {
  it('kmalloc: one kmalloc per provided buffer and one kfree per consumed one', () => {
    const k = churn('kmalloc', 256);
    expect(k.costs.get('alloc', 'kmalloc:io_buffer')).toBe(256);
    expect(k.costs.get('free', 'kfree:io_buffer')).toBe(256);
  });

  it('recycling-cache: a page carved into 128 nodes, then reuse without any allocator call', () => {
    const k = churn('recycling-cache', 1024);
    const a = kbufCtx([...k.rings][0]!).alloc;
    expect(BUFS_PER_PAGE).toBe(128);
    expect(a.stats.pages).toBe(1);
    expect(a.stats.allocatorCalls).toBe(1);
    expect(a.stats.cacheHits).toBe(1024);
    expect(a.stats.putsLocked).toBe(1024);
    expect(a.stats.splices).toBe(0);
  });

  it('recycling-cache: completions without uring_lock go to io_buffers_comp and are spliced back', () => {
    const k = churn('recycling-cache', 1024, 4);
    const a = kbufCtx([...k.rings][0]!).alloc;
    expect(a.stats.putsUnlocked).toBe(256);
    expect(a.stats.putsLocked).toBe(768);
    expect(a.stats.splices).toBeGreaterThan(0);
    expect(a.stats.completionLock).toBe(a.stats.putsUnlocked + a.stats.splices);
    expect(k.costs.get('lock', 'completion_lock:kbuf')).toBe(a.stats.completionLock);
  });

  it('slab-bulk: kmem_cache_alloc_bulk in batches of 64', () => {
    const k = churn('slab-bulk', 256);
    const a = kbufCtx([...k.rings][0]!).alloc;
    expect(IO_BUFFER_ALLOC_BATCH).toBe(64);
    expect(a.stats.allocatorCalls).toBe(1);
    expect(k.costs.get('alloc', 'kmem_cache_alloc_bulk:io_buffer:object')).toBe(64);
  });

  it('teardown gives pages and slab objects back', () => {
    for (const s of ['recycling-cache', 'slab-bulk'] as const) {
      const k = churn(s, 64);
      const ring = [...k.rings][0]!;
      const a = kbufCtx(ring).alloc;
      k.close(ring.fd);
      // The ring exit work runs after close(2) returns; io_ring_ctx_free() frees the buffers.
      k.settle();
      expect(a.cached).toBe(0);
      expect(a.stats.freeCalls).toBe(s === 'recycling-cache' ? 1 : 64);
    }
  });

  it('an allocation failure on the first buffer is -ENOMEM; a later one still returns 0 with what fit', () => {
    for (const s of STRATEGIES) {
      const k = new Kernel({ extensions: [kbufExtension({ strategy: s })] });
      const ring = new UserRing(k, 8);
      const mem = k.memory.mmap(4096, 'bufs');
      kbufCtx(ring.ctx).alloc.failNext(s === 'slab-bulk' ? 2 : 1);
      ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: 4, addr: mem.addr, len: 64, bufGroup: 1, userData: 1 });
      ring.submit(1);
      expect(ring.reap().map((c) => c.res)).toEqual([-12]);
    }
    // A later allocator call failing: what was added stays, and the result is still 0.
    const cases = [['kmalloc', 1, 4], ['recycling-cache', 128, 200], ['slab-bulk', 64, 100]] as const;
    for (const [s, added, asked] of cases) {
      const k = new Kernel({ extensions: [kbufExtension({ strategy: s })] });
      const ring = new UserRing(k, 8);
      const mem = k.memory.mmap(asked * 8, 'bufs');
      kbufCtx(ring.ctx).alloc.failNext(s === 'slab-bulk' ? 2 : 1, 1);
      ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: asked, addr: mem.addr, len: 8, bufGroup: 1, userData: 1 });
      ring.sqe({ opcode: IORING_OP.REMOVE_BUFFERS, fd: 65536, bufGroup: 1, userData: 2 });
      ring.submit(2);
      expect(ring.reap().map((c) => c.res)).toEqual([0, added]);
    }
  });
});
