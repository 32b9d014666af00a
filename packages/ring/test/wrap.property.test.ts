// Free-running u32 indices: SQ and CQ head/tail wrap at 2^32 without losing entries. The kernel
// starts every ring at 0, so this is checked on the model by starting the counters near 2^32.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IO_URING_PARAMS, Kernel, RINGS, encode } from '../src/extend.js';

function ringAt(start: number, entries: number) {
  const k = new Kernel();
  const params = k.memory.mmap(4096, 'params');
  k.memory.write(params.addr, encode(IO_URING_PARAMS, {}));
  const fd = k.io_uring_setup(entries, params.addr);
  const ctx = k.ringOf(fd);
  if (typeof ctx === 'number') throw new Error('setup failed');
  // Pretend 2^32 - start operations already went through: both sides agree on every index.
  ctx.cachedSqHead = start;
  ctx.cachedCqTail = start;
  ctx.u32[RINGS.sq_head >> 2] = start;
  ctx.u32[RINGS.sq_tail >> 2] = start;
  ctx.u32[RINGS.cq_head >> 2] = start;
  ctx.u32[RINGS.cq_tail >> 2] = start;
  return { k, fd, ctx };
}

describe('index arithmetic mod 2^32', () => {
  it('submits and reaps across the wrap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 20 }), (before, log2, batches) => {
        const entries = 1 << log2;
        const { k, fd, ctx } = ringAt((2 ** 32 - before) >>> 0, entries);
        let ud = 1;
        const seen: number[] = [];
        for (const b of batches) {
          const n = Math.min(b, entries);
          for (let i = 0; i < n; i++) {
            const tail = ctx.sqTail;
            const slot = tail & (entries - 1);
            ctx.sqes.fill(0, slot * 64, slot * 64 + 64);
            ctx.sqeU32[(slot * 64 + 32) >> 2] = ud++;
            ctx.u32[(ctx.layout.sq_array_offset >> 2) + slot] = slot;
            ctx.u32[RINGS.sq_tail >> 2] = (tail + 1) >>> 0;
          }
          expect(k.io_uring_enter(fd, n, 0, 0)).toBe(n);
          let head = ctx.cqHead;
          while (head !== ctx.cqTail) {
            seen.push(ctx.u32[(RINGS.cqes >> 2) + (head & (ctx.cqEntries - 1)) * 4]!);
            head = (head + 1) >>> 0;
          }
          ctx.u32[RINGS.cq_head >> 2] = head;
        }
        expect(seen).toEqual(Array.from({ length: ud - 1 }, (_, i) => i + 1));
        expect(ctx.sqHead).toBe(ctx.sqTail);
      }),
      { numRuns: 300 },
    );
  });
});
