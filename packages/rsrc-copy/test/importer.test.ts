// The fixed-buffer importer: lookups, range checks in validate_fixed_range()'s order, and the
// reference a request holds on its node until it is freed.

import { describe, expect, it } from 'vitest';
import { ERRNO, IORING_OP, MAX_RW_COUNT } from '@uringlab/ring/extend';
import { Imu, importFixed, validateFixedRange } from '../src/index.js';
import { Bench, PAGE } from './helpers.js';

describe('validate_fixed_range()', () => {
  const imu = new Imu(0x10000, 3 * PAGE, 3, 3);
  it('accepts the whole buffer and every range inside it, including empty ones at the end', () => {
    expect(validateFixedRange(0x10000, 3 * PAGE, imu)).toBe(0);
    expect(validateFixedRange(0x10000 + 3 * PAGE, 0, imu)).toBe(0);
    expect(validateFixedRange(0x10001, 100, imu)).toBe(0);
  });
  it('refuses ranges that start before, end after, or wrap: -EFAULT', () => {
    expect(validateFixedRange(0xffff, 2, imu)).toBe(-ERRNO.EFAULT);
    expect(validateFixedRange(0x10000 + 3 * PAGE - 1, 2, imu)).toBe(-ERRNO.EFAULT);
    expect(validateFixedRange(2 ** 64 - 8, 16, imu)).toBe(-ERRNO.EFAULT);
  });
  it('refuses more than MAX_RW_COUNT even inside a big buffer', () => {
    const big = new Imu(0, 2 ** 32, 2 ** 20, 2 ** 20);
    expect(validateFixedRange(0, MAX_RW_COUNT + 1, big)).toBe(-ERRNO.EFAULT);
    expect(validateFixedRange(0, MAX_RW_COUNT, big)).toBe(0);
  });
  it('imports a range as one segment of the same user addresses, and nothing for length 0', () => {
    expect(importFixed(imu, 0x10010, 64, 'in')).toEqual([{ addr: 0x10010, len: 64 }]);
    expect(importFixed(imu, 0x10010, 0, 'out')).toEqual([]);
  });
});

describe('the importer on a ring', () => {
  it('WRITE_FIXED sends the bytes at the given address of the registered buffer', () => {
    const b = new Bench();
    const r = b.ring();
    const buf = b.mem(2 * PAGE, 7);
    expect(b.register(r, [{ base: buf, len: 2 * PAGE }])).toBe(0);
    const [rd, wr] = b.kernel.pipe();
    expect(b.writeFixed(r, wr, buf + 100, 16, 0)).toBe(16);
    expect(Array.from(b.kernel.read(rd, 16).data!)).toEqual(Array.from({ length: 16 }, (_, i) => (107 + i) & 0xff));
  });

  it('an index past the table, a sparse slot, or a range outside the buffer is -EFAULT', () => {
    const b = new Bench();
    const r = b.ring();
    const buf = b.mem(PAGE);
    expect(b.register(r, [{ base: buf, len: PAGE }, { base: 0, len: 0 }])).toBe(0);
    const [, wr] = b.kernel.pipe();
    expect(b.writeFixed(r, wr, buf, 8, 2)).toBe(-ERRNO.EFAULT);
    expect(b.writeFixed(r, wr, buf, 8, 1)).toBe(-ERRNO.EFAULT);
    expect(b.writeFixed(r, wr, buf + PAGE - 4, 8, 0)).toBe(-ERRNO.EFAULT);
    expect(b.writeFixed(r, wr, buf + PAGE - 4, 4, 0)).toBe(4);
  });

  it('a pending fixed read holds its node: unregister frees the table, not the buffer, until the read is done', () => {
    const b = new Bench();
    const r = b.ring();
    const buf = b.mem(PAGE);
    expect(b.registerTags(r, [{ base: buf, len: PAGE }], [77])).toBe(0);
    const [rd, wr] = b.kernel.pipe();
    r.sqe({ opcode: IORING_OP.READ_FIXED, fd: rd, addr: buf, len: 8, off: 0, bufGroup: 0, userData: 1 });
    r.submitAndWait(0);
    expect(b.unregister(r)).toBe(0);
    expect(b.stats.imus).toBe(1);
    expect(r.reap()).toEqual([]);
    b.kernel.write(wr, new Uint8Array(8).fill(9));
    b.kernel.settle();
    r.submitAndWait(2);
    expect(r.reap().map((c) => [c.userData, c.res])).toEqual([[1, 8], [77, 0]]);
    expect(b.stats.imus).toBe(0);
    expect(b.pinnedKb).toBe(0);
  });
});
