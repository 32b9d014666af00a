import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IORING_SETUP as S, PROFILES, prepareConfig, ringsSize } from '../src/extend.js';
import { events, traceOf } from './helpers.js';

const input = (entries: number, flags = 0, cq_entries = 0, resv = [0, 0, 0]) =>
  ({ entries, flags, cq_entries, sq_thread_cpu: 0, sq_thread_idle: 0, wq_fd: 0, resv });

describe('setup sizing (6.18 observed values)', () => {
  const cases: [number, number, number, [number, number] | number][] = [
    [1, 0, 0, [1, 2]],
    [3, 0, 0, [4, 8]],
    [32769, 0, 0, -22],
    [100000, S.CLAMP, 0, [32768, 65536]],
    [4, S.CQSIZE, 5, [4, 8]],
    [8, S.CQSIZE, 4, -22],
    [8, S.CQSIZE, 65537, -22],
    [8, S.CQSIZE | S.CLAMP, 1 << 20, [8, 65536]],
  ];
  it.each(cases)('setup(%i, flags %i, cq %i)', (entries, flags, cq, want) => {
    const r = prepareConfig(input(entries, flags, cq), PROFILES['7.3']);
    if (typeof want === 'number') expect(r).toBe(want);
    else expect(typeof r === 'number' ? r : [r.sq_entries, r.cq_entries]).toEqual(want);
  });

  it('lays out a 4/8 ring with the SQ array at 192 (6.18 observed)', () => {
    const t = events(traceOf('setup-entries-3'), 'setup')[0]!;
    expect(t.sq_off).toMatchObject({ head: 0, tail: 4, ring_mask: 16, ring_entries: 24, flags: 36, dropped: 32, array: 192 });
    expect(t.cq_off).toMatchObject({ head: 8, tail: 12, ring_mask: 20, ring_entries: 28, overflow: 44, cqes: 64, flags: 40 });
  });

  it('doubles the whole io_rings struct for CQE32 before placing the SQ array', () => {
    const l = ringsSize(S.CQE32, 4, 8);
    expect(typeof l === 'number' ? l : l.sq_array_offset).toBe(384);
  });

  it('knows fewer setup flags on 6.18', () => {
    expect(prepareConfig(input(4, S.SQE_MIXED), PROFILES['6.18'])).toBe(-22);
    expect(typeof prepareConfig(input(4, S.SQE_MIXED), PROFILES['7.3'])).toBe('object');
  });
});

describe('setup never accepts what the kernel rejects', () => {
  const flagBits = fc.array(fc.constantFrom(...Object.values(S), 1 << 25), { maxLength: 6 }).map((a) => a.reduce((x, y) => x | y, 0) >>> 0);
  it('holds for random entries, flags and CQ sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200000 }), flagBits, fc.integer({ min: 0, max: 300000 }), fc.boolean(), (entries, flags, cq, resv) => {
        const r = prepareConfig(input(entries, flags, cq, resv ? [0, 7, 0] : [0, 0, 0]), PROFILES['7.3']);
        const reject =
          resv ||
          (flags & ~PROFILES['7.3'].setupFlags) !== 0 ||
          entries === 0 ||
          (entries > 32768 && !(flags & S.CLAMP)) ||
          (flags & S.DEFER_TASKRUN && !(flags & S.SINGLE_ISSUER)) ||
          (flags & S.CQE32 && flags & S.CQE_MIXED) ||
          (flags & S.SQE128 && flags & S.SQE_MIXED) ||
          (flags & S.TASKRUN_FLAG && !(flags & (S.COOP_TASKRUN | S.DEFER_TASKRUN))) ||
          (flags & S.SQPOLL && flags & (S.COOP_TASKRUN | S.TASKRUN_FLAG | S.DEFER_TASKRUN)) ||
          (flags & S.HYBRID_IOPOLL && !(flags & S.IOPOLL)) ||
          (flags & S.REGISTERED_FD_ONLY && !(flags & S.NO_MMAP)) ||
          (flags & S.SQ_REWIND && (flags & S.SQPOLL || !(flags & S.NO_SQARRAY))) ||
          (flags & S.CQSIZE && (cq === 0 || (cq > 65536 && !(flags & S.CLAMP))));
        if (reject) {
          expect(typeof r).toBe('number');
          return;
        }
        if (typeof r === 'number') {
          // The other rejections depend on the rounded sizes: CQSIZE smaller than the SQ
          // (EINVAL), or a MIXED ring too small for a 2-slot entry (rings_size(): EOVERFLOW).
          const sq = 2 ** Math.ceil(Math.log2(Math.min(entries, 32768)));
          const cqr = flags & S.CQSIZE ? 2 ** Math.ceil(Math.log2(Math.min(cq, 65536))) : 2 * sq;
          const mixedTooSmall = (flags & S.SQE_MIXED && sq < 2) || (flags & S.CQE_MIXED && cqr < 2);
          expect(r === -75 ? mixedTooSmall : r === -22 && (flags & S.CQSIZE) !== 0).toBeTruthy();
          return;
        }
        const pow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;
        expect(pow2(r.sq_entries) && pow2(r.cq_entries)).toBe(true);
        expect(r.sq_entries).toBeLessThanOrEqual(32768);
        expect(r.cq_entries).toBeLessThanOrEqual(65536);
        expect(r.cq_entries).toBeGreaterThanOrEqual(r.sq_entries);
        expect(r.sq_entries).toBeGreaterThanOrEqual(Math.min(entries, 32768));
      }),
      { numRuns: 5000 },
    );
  });
});
