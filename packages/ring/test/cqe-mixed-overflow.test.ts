// 32-byte CQEs on a CQE_MIXED ring that meet the ring end or a full ring: the SKIP filler,
// overflow behind it, the dropped case (an overflow allocation that fails: what IORING_FEAT_NODROP
// otherwise prevents) and, as a property, that a reaper who skips fillers sees every CQE once,
// in order, with no 32-byte CQE straddling the end.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHECK_CQ, IORING_CQE_F, IORING_SETUP, Kernel, RINGS, UserRing, commitCqringFlush, flushOverflow, postCqe } from '../src/extend.js';

const F32 = IORING_CQE_F['32'];

/** A CQE_MIXED ring with a 4-entry CQ. */
function mixedRing() {
  const k = new Kernel();
  const r = new UserRing(k, 2, { flags: IORING_SETUP.CQE_MIXED });
  expect(r.ctx.cqEntries).toBe(4);
  return r.ctx;
}

/** The CQEs between head and tail as the application reads them, fillers included; advances the head. */
function reapAll(ctx: UserRing['ctx']): { ud: number; flags: number }[] {
  const out: { ud: number; flags: number }[] = [];
  let head = ctx.cqHead;
  while (head !== ctx.cqTail) {
    const idx = head & (ctx.cqEntries - 1);
    const w = (RINGS.cqes >> 2) + idx * 4;
    const flags = ctx.u32[w + 3]!;
    if (flags & F32) expect(idx).not.toBe(ctx.cqEntries - 1);
    out.push({ ud: ctx.u32[w]!, flags });
    head = (head + (flags & F32 ? 2 : 1)) >>> 0;
  }
  ctx.u32[RINGS.cq_head >> 2] = head;
  return out;
}

describe('CQE_MIXED overflow', () => {
  it('publishes the filler even when the 32-byte CQE then overflows', () => {
    const ctx = mixedRing();
    for (let i = 1; i <= 3; i++) postCqe(ctx, i, 0, 0, 0);
    expect(postCqe(ctx, 9, 0, 0, F32)).toBe(true);
    commitCqringFlush(ctx);
    expect(ctx.cqTail).toBe(4);
    expect(ctx.overflow.length).toBe(1);
    expect(reapAll(ctx).map((c) => [c.ud, c.flags])).toEqual([[1, 0], [2, 0], [3, 0], [0, IORING_CQE_F.SKIP]]);
    flushOverflow(ctx);
    expect(reapAll(ctx).map((c) => c.ud)).toEqual([9]);
    expect(ctx.checkCq & CHECK_CQ.OVERFLOW).toBe(0);
  });

  it('drops a 32-byte CQE whose overflow entry cannot be allocated, after posting the filler', () => {
    const ctx = mixedRing();
    for (let i = 1; i <= 3; i++) postCqe(ctx, i, 0, 0, 0);
    ctx.failOverflowAllocs = 1;
    expect(postCqe(ctx, 9, 0, 0, F32)).toBe(false);
    commitCqringFlush(ctx);
    expect(ctx.cqTail).toBe(4);
    expect(ctx.overflow.length).toBe(0);
    expect(ctx.cqOverflowCount).toBe(1);
    expect(ctx.checkCq & CHECK_CQ.DROPPED).not.toBe(0);
    // Not in the backlog, so the next 16-byte CQE goes straight in once there is room.
    reapAll(ctx);
    postCqe(ctx, 10, 0, 0, 0);
    commitCqringFlush(ctx);
    expect(reapAll(ctx).map((c) => c.ud)).toEqual([10]);
  });

  it('keeps every CQE, in order, through any mix of sizes, reaps and flushes (7.3)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('post' as const), big: fc.boolean() }),
      fc.record({ k: fc.constant('reap' as const) }),
      fc.record({ k: fc.constant('flush' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const ctx = mixedRing();
        let ud = 1;
        const seen: number[] = [];
        const take = () => {
          for (const c of reapAll(ctx)) if (!(c.flags & IORING_CQE_F.SKIP)) seen.push(c.ud);
        };
        for (const o of ops) {
          if (o.k === 'post') postCqe(ctx, ud++, 0, 0, o.big ? F32 : 0);
          else if (o.k === 'reap') take();
          else flushOverflow(ctx);
          commitCqringFlush(ctx);
        }
        for (let i = 0; i < 40 && (ctx.overflow.length || ctx.cqTail !== ctx.cqHead); i++) {
          take();
          flushOverflow(ctx);
        }
        take();
        expect(seen).toEqual(Array.from({ length: ud - 1 }, (_, i) => i + 1));
      }),
    );
  });
});
