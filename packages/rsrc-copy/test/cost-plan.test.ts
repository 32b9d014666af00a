import { isUringError } from '@uringlab/ring';
import { describe, expect, it } from 'vitest';
import { GIB, MIB, NATIVE_618_PROFILE, PAGE_SIZE, parseSize, planPool, type PlanInput } from '../src/index.js';

function errorOf(i: PlanInput): { code: string; message: string } {
  try {
    planPool(i);
  } catch (e) {
    if (isUringError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('no error');
}

describe('planPool', () => {
  it('prices the seed pool both ways', () => {
    const p = planPool({ pool: '900g', pageSize: '1g', rings: 4 });
    expect(p.input).toMatchObject({ poolBytes: 900 * GIB, pageBytes: GIB, bufferBytes: GIB, rings: 4, profile: 'native-6.18', kernel: '6.18' });
    expect(p.shape).toMatchObject({ buffers: 900, pages: 900 * 262_144, folios: 900 });
    const [each, once] = p.strategies;
    // Each ring pins and charges the pool again; the clones charge nothing.
    expect(each.totalNs).toBeCloseTo(4 * p.register.ns, 3);
    expect(once.totalNs).toBeCloseTo(p.register.ns + 3 * p.clone.ns, 3);
    expect(each.chargedBytes).toBe(4 * 900 * GIB);
    expect(once.chargedBytes).toBe(900 * GIB);
    expect(once.perRingNs).toEqual([p.register.ns, p.clone.ns, p.clone.ns, p.clone.ns]);
    expect(p.speedup).toBeGreaterThan(3.99);
    expect(p.ratio).toBeGreaterThan(10_000);
    // The registration is the per-page term: 900 × 262,144 pages at the measured price.
    expect(p.register.terms.pages).toBeCloseTo(900 * 262_144 * NATIVE_618_PROFILE.perPage.ns, 0);
  });

  it('one ring: both strategies are one registration', () => {
    const p = planPool({ pool: '1g', pageSize: '2m', rings: 1 });
    expect(p.strategies[0].totalNs).toBe(p.strategies[1].totalNs);
    expect(p.speedup).toBe(1);
  });

  it('lays the pool out one buffer per page unless 16384 buffers are too few', () => {
    expect(planPool({ pool: '64m', pageSize: '2m' }).input.bufferBytes).toBe(2 * MIB);
    expect(planPool({ pool: '64m' }).input.bufferBytes).toBe(PAGE_SIZE);
    expect(planPool({ pool: '1g' }).input.bufferBytes).toBe(64 * 1024);
    expect(planPool({ pool: '64g', pageSize: '2m' }).input.bufferBytes).toBe(4 * MIB);
    expect(planPool({ pool: '1m', pageSize: '2m' }).input.bufferBytes).toBe(MIB);
  });

  it('finds the ring whose registration RLIMIT_MEMLOCK refuses', () => {
    const p = planPool({ pool: '64m', pageSize: '2m', rings: 4, memlock: '200m' });
    expect(p.strategies[0].enomemAtRing).toBe(4); // 3 × 64 MiB fit in 200 MiB, the 4th does not
    expect(p.strategies[1].enomemAtRing).toBeNull();
    expect(planPool({ pool: '64m', rings: 2, memlock: '32m' }).strategies[1].enomemAtRing).toBe(1);
  });

  it('uses 7.3 limits with the 7.3 profile: buffers past 1 GiB are allowed', () => {
    const p = planPool({ pool: '16g', pageSize: '1g', bufferSize: '4g', profile: 'vm-7.3' });
    expect(p.shape.buffers).toBe(4);
    expect(p.register.terms.acctScans).toBe(0);
  });
});

describe('bad input is a UringError with the errno the kernel would give', () => {
  it.each([
    [{ pool: -1 }, 'EINVAL', /pool size must be positive/],
    [{ pool: '0' }, 'EINVAL', /pool size must be positive/],
    [{ pool: 'lots' }, 'EINVAL', /not a size/],
    [{ pool: 1.5 }, 'EINVAL', /whole number/],
    [{ pool: '1g', pageSize: '3k' }, 'EINVAL', /power of two/],
    [{ pool: '1g', pageSize: 6000 }, 'EINVAL', /power of two/],
    [{ pool: '1g', pageSize: '2k' }, 'EINVAL', /power of two from 4 KiB/],
    [{ pool: '4t', pageSize: '2g' }, 'EINVAL', /to 1 GiB/],
    [{ pool: '1g', rings: 0 }, 'EINVAL', /ring count/],
    [{ pool: '1g', rings: 2.5 }, 'EINVAL', /ring count/],
    [{ pool: '1g', rings: 1e9 }, 'EINVAL', /past the most/],
    [{ pool: '4g', bufferSize: '2g' }, 'EFAULT', /per-buffer cap of 1 GiB/],
    [{ pool: '4t', bufferSize: '2t', profile: 'vm-7.3' }, 'EINVAL', /per-buffer cap of 1 TiB/],
    [{ pool: '1g', bufferSize: 0 }, 'EFAULT', /zero-length/],
    [{ pool: '1g', bufferSize: '2g', profile: 'vm-7.3' }, 'EINVAL', /larger than the pool/],
    [{ pool: '1g', bufferSize: '4k' }, 'EINVAL', /IORING_MAX_REG_BUFFERS.*at least 64 KiB/],
    [{ pool: '20t' }, 'EINVAL', /IORING_MAX_REG_BUFFERS/],
    [{ pool: '1p' }, 'EINVAL', /not a size/],
    [{ pool: 2 ** 50 }, 'ENOMEM', /user address space/],
    [{ pool: '1g', memlock: -5 }, 'EINVAL', /memlock/],
    [{ pool: '1g', profile: 'fast' as never }, 'EINVAL', /profile must be one of/],
  ] as [PlanInput, string, RegExp][])('%j → %s', (input, code, msg) => {
    const e = errorOf(input);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(msg);
  });
});

describe('parseSize', () => {
  it('reads suffixes and plain numbers', () => {
    expect(parseSize('4k', 'x')).toBe(4096);
    expect(parseSize('2M', 'x')).toBe(2 * MIB);
    expect(parseSize('900GiB', 'x')).toBe(900 * GIB);
    expect(parseSize('1.5g', 'x')).toBe(1.5 * GIB);
    expect(parseSize('4096', 'x')).toBe(4096);
  });
});
