// CLONE_BUFFERS: the ordered checks and the resulting table shapes (kept slots, new shared slots,
// sparse gaps), written from io_clone_buffers().

import { describe, expect, it } from 'vitest';
import { ERRNO } from '@uringlab/ring/extend';
import { IORING_REGISTER_DST_REPLACE, rsrcRing } from '../src/index.js';
import { Bench, PAGE } from './helpers.js';

function setup(nA = 4, nB = 4) {
  const b = new Bench();
  const a = b.ring();
  const d = b.ring();
  const ma = b.mem(nA * PAGE);
  const mb = b.mem(nB * PAGE);
  expect(b.register(a, Array.from({ length: nA }, (_, i) => ({ base: ma + i * PAGE, len: PAGE })))).toBe(0);
  if (nB) expect(b.register(d, Array.from({ length: nB }, (_, i) => ({ base: mb + i * PAGE, len: PAGE })))).toBe(0);
  return { b, a, d, ma, mb };
}

describe('clone table shapes', () => {
  it('nr 0 clones the whole table, sharing each imu', () => {
    const { b, a, d, ma } = setup(3, 0);
    expect(b.clone(d, a.fd)).toBe(0);
    expect(b.slots(d)).toEqual([ma, ma + PAGE, ma + 2 * PAGE]);
    expect(rsrcRing(d.ctx).table.every((n, i) => n!.buf === rsrcRing(a.ctx).table[i]!.buf && n!.buf.refs === 2)).toBe(true);
  });

  it('REPLACE of A[1..2] into B at 6: 0-3 kept, 4-5 sparse, 6-7 from A (the 6.18 observation)', () => {
    const { b, a, d, ma, mb } = setup();
    expect(b.clone(d, a.fd, { flags: IORING_REGISTER_DST_REPLACE, srcOff: 1, dstOff: 6, nr: 2 })).toBe(0);
    expect(b.slots(d)).toEqual([mb, mb + PAGE, mb + 2 * PAGE, mb + 3 * PAGE, null, null, ma + PAGE, ma + 2 * PAGE]);
    // The kept nodes are the same objects, each back to one reference.
    expect(rsrcRing(d.ctx).table.slice(0, 4).every((n) => n!.refs === 1)).toBe(true);
  });

  it('REPLACE into the middle keeps both ends and drops what it covers', () => {
    const { b, a, d, ma, mb } = setup(2, 4);
    expect(b.clone(d, a.fd, { flags: IORING_REGISTER_DST_REPLACE, dstOff: 1, nr: 2 })).toBe(0);
    expect(b.slots(d)).toEqual([mb, ma, ma + PAGE, mb + 3 * PAGE]);
    expect(b.stats.imus).toBe(4);
  });

  it('a sparse source slot gives a sparse destination slot', () => {
    const b = new Bench();
    const a = b.ring();
    const d = b.ring();
    const m = b.mem(PAGE);
    expect(b.register(a, [{ base: 0, len: 0 }, { base: m, len: PAGE }])).toBe(0);
    expect(b.clone(d, a.fd, { nr: 2, dstOff: 1 })).toBe(0);
    expect(b.slots(d)).toEqual([null, null, m]);
  });
});

describe('clone checks, in the kernel order', () => {
  it('EBUSY comes before the pad check and the source fd', () => {
    const { b, a, d } = setup();
    expect(b.clone(d, a.fd, { pad: 1 })).toBe(-ERRNO.EBUSY);
    expect(b.clone(d, 999)).toBe(-ERRNO.EBUSY);
    expect(b.clone(d, a.fd, { pad: 1, flags: IORING_REGISTER_DST_REPLACE })).toBe(-ERRNO.EINVAL);
  });

  it('source errors: EBADF, EOPNOTSUPP, registered index EINVAL/EBADF, ENXIO', () => {
    const b = new Bench();
    const a = b.ring();
    const d = b.ring();
    const [rd] = b.kernel.pipe();
    expect(b.clone(d, 999)).toBe(-ERRNO.EBADF);
    expect(b.clone(d, rd)).toBe(-ERRNO.EOPNOTSUPP);
    expect(b.clone(d, 16, { flags: 1 })).toBe(-ERRNO.EINVAL);
    expect(b.clone(d, 0, { flags: 1 })).toBe(-ERRNO.EBADF);
    expect(b.clone(d, a.fd)).toBe(-ERRNO.ENXIO);
  });

  it('range checks: EINVAL for nr past the source, EOVERFLOW for src_off, EINVAL past 16384', () => {
    const { b, a } = setup(4, 0);
    const d = b.ring();
    expect(b.clone(d, a.fd, { srcOff: 1 })).toBe(-ERRNO.EINVAL);
    expect(b.clone(d, a.fd, { nr: 5 })).toBe(-ERRNO.EINVAL);
    expect(b.clone(d, a.fd, { nr: 3, srcOff: 2 })).toBe(-ERRNO.EOVERFLOW);
    expect(b.clone(d, a.fd, { nr: 2, dstOff: 16383 })).toBe(-ERRNO.EINVAL);
    expect(b.clone(d, a.fd, { nr: 2, dstOff: 0xffffffff })).toBe(-ERRNO.EOVERFLOW);
    expect(b.clone(d, a.fd, { nr: 2, dstOff: 16382 })).toBe(0);
    expect(rsrcRing(d.ctx).table.length).toBe(16384);
  });

  it('a ring cloning itself needs REPLACE', () => {
    const { b, a, ma } = setup(2, 0);
    expect(b.clone(a, a.fd)).toBe(-ERRNO.EBUSY);
    expect(b.clone(a, a.fd, { flags: IORING_REGISTER_DST_REPLACE, nr: 1, srcOff: 1, dstOff: 3 })).toBe(0);
    expect(b.slots(a)).toEqual([ma, ma + PAGE, null, ma + PAGE]);
  });
});
