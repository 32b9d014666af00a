// 32-byte CQEs posted as u32 words (no BigInt): the words land in big_cqe[0..1] byte for byte,
// through direct posting, the overflow backlog, aux posting and NOP's IORING_NOP_CQE32.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  IORING_CQE_F, IORING_NOP, IORING_OP, IORING_SETUP, Kernel, RINGS, UserRing,
  commitCqringFlush, cqe32Flag, fillCqeAux, fillCqeAux32, flushOverflow, postCqe, reqPostCqe32,
} from '../src/extend.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

function ring(flags: number, entries = 4) {
  const k = new Kernel();
  const r = new UserRing(k, entries, { flags });
  return { k, r, ctx: r.ctx };
}

/** The CQE at ring index `i` (16-byte units), with big_cqe as bigints read by DataView. */
function cqeAt(ctx: UserRing['ctx'], slot: number) {
  const dv = new DataView(ctx.rings.buffer, RINGS.cqes + slot * 16);
  return {
    userData: dv.getBigUint64(0, true),
    res: dv.getInt32(8, true),
    flags: dv.getUint32(12, true),
    big: [dv.getBigUint64(16, true), dv.getBigUint64(24, true)],
  };
}

const word64 = (lo: number, hi: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);

describe('CQE32 words round trip', () => {
  it('fillCqeAux32() writes the four words as big_cqe[0] and big_cqe[1], little-endian', () => {
    fc.assert(
      fc.property(u32, u32, u32, u32, u32, fc.integer({ min: -4096, max: 0x7fffffff }), (udLo, b0, b1, b2, b3, res) => {
        const { ctx } = ring(IORING_SETUP.CQE32);
        expect(fillCqeAux32(ctx, udLo, 7, res, IORING_CQE_F.MORE, b0, b1, b2, b3)).toBe(true);
        commitCqringFlush(ctx);
        const c = cqeAt(ctx, 0);
        expect(c.userData).toBe(word64(udLo, 7));
        expect(c.res).toBe(res);
        expect(c.flags).toBe(IORING_CQE_F.MORE);
        expect(c.big).toEqual([word64(b0, b1), word64(b2, b3)]);
      }),
    );
  });

  it('postCqe() keeps the words through the overflow backlog', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(u32, u32, u32, u32), { minLength: 9, maxLength: 20 }), (words) => {
        const { ctx } = ring(IORING_SETUP.CQE32); // 8 CQEs; the rest overflow
        words.forEach(([a, b, c, d], i) => postCqe(ctx, i, 0, i, 0, a, b, c, d));
        commitCqringFlush(ctx);
        expect(ctx.overflow.length).toBe(words.length - 8);
        const seen: bigint[][] = [];
        for (let round = 0; round < 3 && seen.length < words.length; round++) {
          while (ctx.cqEventsUser()) {
            const head = ctx.cqHead;
            seen.push(cqeAt(ctx, (head & (ctx.cqEntries - 1)) * 2).big);
            ctx.u32[RINGS.cq_head >> 2] = head + 1;
          }
          flushOverflow(ctx);
        }
        expect(seen).toEqual(words.map(([a, b, c, d]) => [word64(a, b), word64(c, d)]));
      }),
    );
  });

  it('on a CQE_MIXED ring a 32-byte aux CQE takes two slots, after a SKIP filler at the end', () => {
    const { ctx } = ring(IORING_SETUP.CQE_MIXED, 2); // 4 slots
    const f = cqe32Flag(ctx);
    expect(f).toBe(IORING_CQE_F['32']);
    expect(fillCqeAux(ctx, 1, 0, 0, 0)).toBe(true); // slot 0
    expect(fillCqeAux32(ctx, 2, 0, 0, f, 1, 2, 3, 4)).toBe(true); // slots 1-2
    expect(ctx.cachedCqTail).toBe(3);
    expect(cqeAt(ctx, 1)).toMatchObject({ userData: 2n, flags: f, big: [word64(1, 2), word64(3, 4)] });
    // One slot before the end: the SKIP filler goes into slot 3, then the ring is full.
    expect(fillCqeAux32(ctx, 3, 0, 0, f, 5, 6, 7, 8)).toBe(false);
    ctx.u32[RINGS.cq_head >> 2] = 3;
    expect(fillCqeAux32(ctx, 3, 0, 0, f, 5, 6, 7, 8)).toBe(true); // slots 0-1
    commitCqringFlush(ctx);
    expect(ctx.cqTail).toBe(6);
    expect(cqeAt(ctx, 3).flags).toBe(IORING_CQE_F.SKIP);
    expect(cqeAt(ctx, 0)).toMatchObject({ userData: 3n, flags: f, big: [word64(5, 6), word64(7, 8)] });
  });

  it('a ring without 32-byte CQEs refuses fillCqeAux32() and posts nothing', () => {
    const { ctx } = ring(0);
    expect(cqe32Flag(ctx)).toBe(0);
    expect(fillCqeAux32(ctx, 1, 0, 0, 0, 1, 2, 3, 4)).toBe(false);
    expect(ctx.cachedCqTail).toBe(0);
  });

  for (const [profile, keeps] of [['6.18', true], ['7.3', false]] as const) {
    it(`a 16-byte aux CQE on a CQE32 ring ${keeps ? 'keeps the old' : 'zeroes'} big_cqe on ${profile}; an F_32 one always zeroes it`, () => {
      const k = new Kernel({ profile });
      const ctx = new UserRing(k, 1, { flags: IORING_SETUP.CQE32 }).ctx; // 2 CQEs
      fillCqeAux32(ctx, 1, 0, 0, 0, 0xa, 0xb, 0xc, 0xd);
      fillCqeAux32(ctx, 2, 0, 0, 0, 0xa, 0xb, 0xc, 0xd);
      ctx.u32[RINGS.cq_head >> 2] = 2;
      expect(fillCqeAux(ctx, 3, 0, 5, 0)).toBe(true);
      expect(fillCqeAux(ctx, 4, 0, 5, IORING_CQE_F['32'])).toBe(true);
      expect(cqeAt(ctx, 0)).toMatchObject({ userData: 3n, res: 5, big: keeps ? [word64(0xa, 0xb), word64(0xc, 0xd)] : [0n, 0n] });
      expect(cqeAt(ctx, 2).big).toEqual([0n, 0n]);
    });
  }

  it('reqPostCqe32() posts for the request and reports a full CQ', () => {
    const { ctx } = ring(IORING_SETUP.CQE32, 1);
    const req = ctx.allocReq();
    req.udLo = 0xdead;
    req.udHi = 1;
    expect(reqPostCqe32(req, 64, IORING_CQE_F.MORE, 1, 2, 3, 4)).toBe(true);
    expect(reqPostCqe32(req, 64, IORING_CQE_F.MORE, 1, 2, 3, 4)).toBe(true);
    expect(reqPostCqe32(req, 64, IORING_CQE_F.MORE, 1, 2, 3, 4)).toBe(false);
    expect(ctx.cqTail).toBe(2);
    expect(cqeAt(ctx, 2)).toMatchObject({ userData: word64(0xdead, 1), res: 64, big: [word64(1, 2), word64(3, 4)] });
  });
});

describe('NOP with IORING_NOP_CQE32', () => {
  for (const flags of [IORING_SETUP.CQE32, IORING_SETUP.CQE_MIXED]) {
    it(`echoes off and addr (full 64 bits) into big_cqe on a ${flags === IORING_SETUP.CQE32 ? 'CQE32' : 'CQE_MIXED'} ring`, () => {
      const { r, ctx } = ring(flags);
      r.sqe({ opcode: IORING_OP.NOP, userData: 9, opFlags: IORING_NOP.CQE32, off: 0x123456789abcdef0n, addr: 0xfedcba9876543210n } as never);
      r.sqe({ opcode: IORING_OP.NOP, userData: 10 });
      expect(r.submit(2)).toBe(2);
      const c = cqeAt(ctx, 0);
      expect(c.userData).toBe(9n);
      expect(c.big).toEqual([0x123456789abcdef0n, 0xfedcba9876543210n]);
      expect(c.flags).toBe(flags === IORING_SETUP.CQE_MIXED ? IORING_CQE_F['32'] : 0);
      const next = cqeAt(ctx, 2);
      expect(next.userData).toBe(10n);
      if (flags === IORING_SETUP.CQE32) expect(next.big).toEqual([0n, 0n]);
    });
  }
});
