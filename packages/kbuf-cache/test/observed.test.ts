// The results io-uring-semantics.md §1.6 and §2 marks [6.18 observed], asserted through the
// scenarios on the 6.18 profile (and, where 7.3 differs, what the 7.3 source says instead).

import { describe, expect, it } from 'vitest';
import { cqes, rawFlags, registers, resByUd, statusHeads, traceOf } from './helpers.js';

const E = { E2BIG: -7, EINVAL: -22, EFAULT: -14, ENOENT: -2, EOVERFLOW: -75, ENOBUFS: -105, EEXIST: -17, EOPNOTSUPP: -95 };

describe('§2.3 legacy PROVIDE / REMOVE [6.18 observed]', () => {
  it('provide(4, bid 10) = 0 and the buffers come out as bids 10..13', () => {
    const t = traceOf('kbuf-legacy-fifo-order', '6.18');
    expect(resByUd(t)['1']).toBe(0);
    expect(cqes(t).filter((c) => c.bid !== undefined).map((c) => c.bid)).toEqual([10, 11, 12, 13]);
  });
  it('nbufs 0 -> -E2BIG, nbufs 65537 -> -E2BIG', () => {
    const r = resByUd(traceOf('kbuf-legacy-provide-e2big', '6.18'));
    expect([r['1'], r['2']]).toEqual([E.E2BIG, E.E2BIG]);
  });
  it('len 0 -> -EINVAL', () => {
    expect(resByUd(traceOf('kbuf-legacy-provide-len-zero', '6.18'))['1']).toBe(E.EINVAL);
  });
  it('bid 65536 -> -E2BIG; bid 65535 with n=2 -> -EINVAL; bid 65535 with n=1 -> 0', () => {
    const r = resByUd(traceOf('kbuf-legacy-provide-bid-range', '6.18'));
    expect([r['1'], r['2'], r['3']]).toEqual([E.E2BIG, E.EINVAL, 0]);
  });
  it('a kernel address -> -EFAULT', () => {
    expect(resByUd(traceOf('kbuf-legacy-provide-efault', '6.18'))['1']).toBe(E.EFAULT);
  });
  it('remove n=0 -> -EINVAL; remove from a missing group -> -ENOENT', () => {
    const r = resByUd(traceOf('kbuf-legacy-remove-errors', '6.18'));
    expect([r['2'], r['4']]).toEqual([E.EINVAL, E.ENOENT]);
  });
  it('provide 5, then remove 3 -> 3, remove 10 -> 2, remove 1 -> 0', () => {
    const r = resByUd(traceOf('kbuf-legacy-remove-counts', '6.18'));
    expect([r['1'], r['2'], r['3'], r['4']]).toEqual([0, 3, 2, 0]);
  });
  it('provide 65536 -> 0 (65535 added), 1 more -> -EOVERFLOW, remove 65536 -> 65535 on 6.18; 65536 on 7.3', () => {
    const old = resByUd(traceOf('kbuf-legacy-cap', '6.18'));
    expect([old['1'], old['2'], old['3']]).toEqual([0, E.EOVERFLOW, 65535]);
    const cur = resByUd(traceOf('kbuf-legacy-cap', '7.3'));
    expect([cur['1'], cur['2'], cur['3']]).toEqual([0, E.EOVERFLOW, 65536]);
  });
});

describe('§2.4 selection and recycling [6.18 observed]', () => {
  it('pipe: read A on an empty pipe takes bid 12, read B gets 13, A later completes with 12', () => {
    const c = cqes(traceOf('kbuf-legacy-pipe-read-holds', '6.18')).filter((x) => x.user_data !== '1');
    expect(c.map((x) => [x.user_data, x.bid])).toEqual([['3', 13], ['2', 12]]);
  });
  it('socket: recv A waits, recv B gets bid 0, A later gets bid 1 (bid 0 was recycled)', () => {
    const c = cqes(traceOf('kbuf-legacy-recv-recycles', '6.18')).filter((x) => x.user_data !== '1');
    expect(c.map((x) => [x.user_data, x.bid])).toEqual([['3', 0], ['2', 1]]);
  });
  it('an empty group and a missing group both give -ENOBUFS without F_BUFFER', () => {
    const c = cqes(traceOf('kbuf-legacy-enobufs', '6.18')).filter((x) => x.user_data === '3' || x.user_data === '4');
    expect(c.map((x) => [x.res, x.flags])).toEqual([[E.ENOBUFS, []], [E.ENOBUFS, []]]);
  });
  it('§1.6: IOSQE_BUFFER_SELECT on an opcode without buffer_select -> -EOPNOTSUPP', () => {
    expect(resByUd(traceOf('kbuf-legacy-buffer-select-unsupported', '6.18'))['1']).toBe(E.EOPNOTSUPP);
  });
});

describe('§2.5 ring-mapped groups [6.18 observed]', () => {
  it('entries 3, 0, 65536 -> -EINVAL; flag 4 -> -EINVAL; min_left without INC -> -EINVAL; 32768 -> 0', () => {
    const r = registers(traceOf('kbuf-ring-register-einval', '6.18'));
    expect(r.slice(0, 5)).toEqual([E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL, E.EINVAL]);
    expect(r[6]).toBe(0);
  });
  it('unaligned ring_addr -> -EINVAL; ring_addr NULL -> -EFAULT', () => {
    const r = registers(traceOf('kbuf-ring-register-memory', '6.18'));
    expect([r[0], r[1]]).toEqual([E.EFAULT, E.EINVAL]);
  });
  it('the same bgid again -> -EEXIST; a ring over a non-empty legacy group -> -EEXIST', () => {
    const r = registers(traceOf('kbuf-ring-register-eexist', '6.18'));
    expect([r[0], r[1], r[2]]).toEqual([0, E.EEXIST, E.EEXIST]);
  });
  it('unregister -> 0, then again -> -ENOENT; status on a missing group -> -ENOENT', () => {
    const r = registers(traceOf('kbuf-ring-unregister', '6.18'));
    expect(r.slice(-3)).toEqual([0, E.ENOENT, E.ENOENT]);
  });
  it('bids 100..103: four receives give 100..103, status head 1..4, the fifth is -ENOBUFS', () => {
    const t = traceOf('kbuf-ring-recv-order', '6.18');
    expect(cqes(t).map((c) => c.bid ?? c.res)).toEqual([100, 101, 102, 103, E.ENOBUFS]);
    expect(statusHeads(t)).toEqual([1, 2, 3, 4, 4]);
  });
  it('INC ring, two 32-byte buffers (bid 7, 8), receives of 20/10/2/18: flags 0x70011, 0x70011, 0x70005, then bid 8 with BUF_MORE', () => {
    const c = cqes(traceOf('kbuf-inc-observed', '6.18'));
    expect(c.slice(0, 3).map(rawFlags)).toEqual([0x70011, 0x70011, 0x70005]);
    expect(c[3]!.bid).toBe(8);
    expect(c[3]!.flags).toContain('BUF_MORE');
  });
  it('INC: the entry is rewritten in place (len 12, then 2, then the head moves to 1)', () => {
    const t = traceOf('kbuf-inc-observed', '6.18');
    const lens = t.flatMap((e) => (e.ev === 'mem' && e.region === 'br' ? [parseInt(e.hex!.slice(0, 8).match(/../g)!.reverse().join(''), 16)] : []));
    expect(lens.slice(0, 3)).toEqual([12, 2, 0]);
    expect(statusHeads(t)).toEqual([0, 1, 1]);
  });
  it('legacy PROVIDE or REMOVE on a ring group -> -EINVAL', () => {
    const r = resByUd(traceOf('kbuf-legacy-on-ring-group', '6.18'));
    expect([r['1'], r['2']]).toEqual([E.EINVAL, E.EINVAL]);
  });
  it('PBUF_STATUS on a legacy group -> -EINVAL', () => {
    expect(registers(traceOf('kbuf-ring-status-errors', '6.18'))[2]).toBe(E.EINVAL);
  });
});
