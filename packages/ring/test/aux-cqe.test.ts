// postAuxCqe() (io_post_aux_cqe()): a CQE outside any request is committed at once, overflows
// rather than being dropped, and keeps its place behind a backlog. Shipped scenario on both
// kernels: rsrc-tags-overflow (@uringlab/rsrc-copy), whose tag CQEs are posted this way.

import { describe, expect, it } from 'vitest';
import { CHECK_CQ, IORING_CQE_F, IORING_SETUP, IORING_SQ, Kernel, UserRing, postAuxCqe } from '../src/extend.js';

function ring(flags = 0, entries = 1, profile: '7.3' | '6.18' = '7.3') {
  const r = new UserRing(new Kernel({ profile }), entries, { flags });
  return { r, ctx: r.ctx };
}


describe('postAuxCqe()', () => {
  it('publishes the CQE at once: the tail moves without any flush of completions', () => {
    const { r, ctx } = ring();
    expect(postAuxCqe(ctx, 7, 0, -2, 0)).toBe(true);
    expect(ctx.cqTail).toBe(1);
    expect(r.reap().map((c) => [c.userData, c.res])).toEqual([[7, -2]]);
  });

  it('queues on the backlog when the CQ is full, and keeps later ones behind it', () => {
    const { r, ctx } = ring(); // two CQ entries
    for (const ud of [1, 2, 3]) expect(postAuxCqe(ctx, ud, 0, 0, 0)).toBe(true);
    expect(ctx.overflow.map((o) => o.udLo)).toEqual([3]);
    expect(ctx.sqFlags & IORING_SQ.CQ_OVERFLOW).toBeTruthy();
    expect(r.reap().map((c) => c.userData)).toEqual([1, 2]);
    // Room again, but a backlog exists: the new CQE goes behind it, not into the ring.
    postAuxCqe(ctx, 4, 0, 0, 0);
    expect(ctx.overflow.map((o) => o.udLo)).toEqual([3, 4]);
    expect(ctx.cqTail).toBe(2);
  });

  it('is false only when the overflow entry cannot be allocated; the loss is counted', () => {
    const { ctx } = ring();
    postAuxCqe(ctx, 1, 0, 0, 0);
    postAuxCqe(ctx, 2, 0, 0, 0);
    ctx.failOverflowAllocs = 1;
    expect(postAuxCqe(ctx, 3, 0, 0, 0)).toBe(false);
    expect(ctx.cqOverflowCount).toBe(1);
    expect(ctx.checkCq & CHECK_CQ.DROPPED).toBeTruthy();
  });

  it('overflows a 32-byte entry with zero big_cqe words on a CQE32 ring or with IORING_CQE_F_32', () => {
    for (const [flags, cflags] of [[IORING_SETUP.CQE32, 0], [IORING_SETUP.CQE_MIXED, IORING_CQE_F['32']]] as const) {
      const { ctx } = ring(flags);
      while (postAuxCqe(ctx, 9, 0, 0, cflags) && ctx.overflow.length === 0);
      expect(ctx.overflow[0]).toMatchObject({ is32: true, big0: 0, big1: 0, big2: 0, big3: 0 });
    }
  });
});
