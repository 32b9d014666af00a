// POLL_ADD/POLL_REMOVE (ops/poll-add.ts, core/poll.ts) and ASYNC_CANCEL (ops/cancel-op.ts,
// core/try-cancel.ts, core/cancel-match.ts). The poll-*, cancel-* and kbuf-cancel-* scenarios pin
// what a kernel shows; these tests look at the readiness masks, the lookup order and the rules.

import { describe, expect, it } from 'vitest';
import { EPOLL, IORING_ASYNC_CANCEL as C, IORING_OP, IORING_POLL as P, IOSQE, Kernel, UserRing } from '../src/index.js';
import { vfsPoll, DEFAULT_POLLMASK } from '../src/files/poll-mask.js';
import { cancelReqMatch, hashLong, type CancelData } from '../src/core/cancel-match.js';
import { Req } from '../src/core/req.js';
import type { StreamEnd } from '../src/files/stream.js';
import { IoWqWork, iowqSleep } from '../src/core/io-wq.js';

const ECANCELED = -125;
const EALREADY = -114;
const EINTR = -4;

function setup(entries = 8) {
  const k = new Kernel();
  const ring = new UserRing(k, entries);
  return { k, ring, ctx: ring.ctx };
}

describe('vfs_poll() masks', () => {
  it('pipes report each side, HUP without writers and ERR without readers', () => {
    const k = new Kernel();
    const [r, w] = k.pipe();
    expect(vfsPoll(k.fget(r)!)).toBe(0);
    expect(vfsPoll(k.fget(w)!)).toBe(EPOLL.OUT | EPOLL.WRNORM);
    k.write(w, new Uint8Array(3));
    expect(vfsPoll(k.fget(r)!)).toBe(EPOLL.IN | EPOLL.RDNORM);
    const rf = k.fget(r)!;
    const wf = k.fget(w)!;
    k.close(w);
    expect(vfsPoll(rf)).toBe(EPOLL.IN | EPOLL.RDNORM | EPOLL.HUP);
    k.close(r);
    expect(rf.refs).toBe(0);
    void wf;
  });

  it('eventfds and sockets; regular files answer DEFAULT_POLLMASK', () => {
    const k = new Kernel();
    const e = k.eventfd(0, 0);
    expect(vfsPoll(k.fget(e)!)).toBe(EPOLL.OUT);
    const [a, b] = k.socketpair('unix');
    // unix_poll() reports WRBAND with OUT.
    expect(vfsPoll(k.fget(a)!)).toBe(EPOLL.OUT | EPOLL.WRNORM | EPOLL.WRBAND);
    const af = k.fget(a)!;
    k.close(b);
    expect(vfsPoll(af) & (EPOLL.HUP | EPOLL.RDHUP | EPOLL.IN)).toBe(EPOLL.HUP | EPOLL.RDHUP | EPOLL.IN);
    expect(vfsPoll(k.fget(k.tmpfile(16, 0))!)).toBe(DEFAULT_POLLMASK);
  });
});

describe('POLL_ADD', () => {
  it('a multishot poll whose CQ fills posts the last event without F_MORE and ends', () => {
    const { k, ring, ctx } = setup(1);
    const e = k.eventfd(0, 0x800);
    ring.sqe({ opcode: IORING_OP.POLL_ADD, fd: e, len: P.ADD_MULTI, opFlags: EPOLL.IN, userData: 1 });
    ring.submit();
    const one = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]);
    // CQ of 2: two aux CQEs fill it, the third event cannot be posted as aux and ends the poll.
    for (let i = 0; i < 3; i++) k.write(e, one);
    expect(ctx.cancelTable.size).toBe(0);
    const cq = ring.reap();
    expect(cq.map((c) => [c.res, c.flags])).toEqual([[EPOLL.IN, 2], [EPOLL.IN, 2]]);
    ring.submitAndWait(1);
    expect(ring.reap().map((c) => [c.res, c.flags])).toEqual([[EPOLL.IN, 0]]);
  });

  it('completes with the events of the wake-up that queued its task_work, even if they are gone by then', () => {
    const { k, ring, ctx } = setup();
    const [r] = k.pipe();
    ring.sqe({ opcode: IORING_OP.POLL_ADD, fd: r, opFlags: EPOLL.IN, userData: 1 });
    ring.submit();
    const st = ctx.cancelTable.values().next().value!;
    const rf = k.fget(r) as StreamEnd;
    rf.rx!.push(new Uint8Array(1));
    // pipe_write()'s keyed wake-up: the key is stashed as the result (__io_poll_execute()).
    rf.wakeKey('in', EPOLL.IN | EPOLL.RDNORM);
    expect([st.queued, st.mask]).toEqual([true, EPOLL.IN | EPOLL.RDNORM]);
    rf.rx!.pull(1);
    k.settle();
    expect(ring.reap().map((c) => c.res)).toEqual([EPOLL.IN]);
  });

  it('a wake-up without events for it (POLLOUT not yet writable again) keeps the poll waiting', () => {
    const { k, ring, ctx } = setup();
    const [a, b] = k.socketpair('unix');
    k.write(a, new Uint8Array(60000));
    ring.sqe({ opcode: IORING_OP.POLL_ADD, fd: a, opFlags: EPOLL.OUT, userData: 1 });
    ring.submit();
    expect(ctx.cancelTable.size).toBe(1);
    // Reading a little frees room (the file's wait fires) but a quarter of the buffer is still in flight.
    k.read(b, 100);
    k.settle();
    expect(ring.reap()).toEqual([]);
    k.read(b, 60000);
    k.settle();
    expect(ring.reap().map((c) => c.res)).toEqual([EPOLL.OUT]);
  });
});

describe('ASYNC_CANCEL', () => {
  it('io_cancel_req_match(): user_data by default, FD/OP replace it, USERDATA adds it back, ALL matches once per sequence', () => {
    const { k, ctx } = setup();
    const f = k.fget(k.eventfd(0, 0))!;
    const req = new Req();
    req.ctx = ctx;
    req.udLo = 7;
    req.opcode = IORING_OP.POLL_ADD;
    req.file = f;
    const cd = (o: Partial<CancelData>): CancelData => ({ ctx, udLo: 0, udHi: 0, flags: 0, opcode: 0, file: null, seq: 1, ...o });
    expect(cancelReqMatch(req, cd({ udLo: 7 }))).toBe(true);
    expect(cancelReqMatch(req, cd({ udLo: 8 }))).toBe(false);
    expect(cancelReqMatch(req, cd({ flags: C.FD, file: f }))).toBe(true);
    expect(cancelReqMatch(req, cd({ flags: C.FD | C.USERDATA, file: f, udLo: 8 }))).toBe(false);
    expect(cancelReqMatch(req, cd({ flags: C.OP, opcode: IORING_OP.POLL_ADD }))).toBe(true);
    expect(cancelReqMatch(req, cd({ flags: C.ALL, udLo: 7, seq: 5 }))).toBe(true);
    expect(cancelReqMatch(req, cd({ flags: C.ALL, udLo: 7, seq: 5 }))).toBe(false);
    expect(cancelReqMatch(req, cd({ flags: C.ANY, seq: 6 }))).toBe(true);
  });

  it('hash_64() with GOLDEN_RATIO_64, as the cancel table buckets', () => {
    expect(hashLong(0, 0, 8)).toBe(0);
    // 1 * 0x61c8864680b583eb >> 56
    expect(hashLong(1, 0, 8)).toBe(0x61);
    expect(hashLong(2, 0, 1)).toBe(1);
  });

  it('ANY walks the cancel table by bucket, newest first within one, before the timeouts', () => {
    const { k, ring } = setup(64);
    const [r] = k.pipe();
    for (const ud of [1, 2, 3, 4, 5]) ring.sqe({ opcode: IORING_OP.POLL_ADD, fd: r, opFlags: EPOLL.IN, userData: ud });
    ring.submit();
    ring.sqe({ opcode: IORING_OP.ASYNC_CANCEL, opFlags: C.ANY, userData: 9 });
    ring.submitAndWait(6);
    const order = ring.reap().map((c) => c.userData);
    expect(order[0]).toBe(9);
    const bits = 1; // ilog2(128) - 5 = 2, clamped: 128 CQEs for 64 entries
    void bits;
    const expected = [1, 2, 3, 4, 5].map((ud, i) => ({ ud, b: hashLong(ud, 0, 2), i }))
      .sort((a, b) => a.b - b.b || b.i - a.i).map((x) => x.ud);
    expect(order.slice(1)).toEqual(expected);
  });

  it('a worker asleep in a blocking call is signalled: -EALREADY, and -EINTR for it once it wakes; with ALL, 0', () => {
    const { k, ring, ctx } = setup();
    const [r] = k.pipe();
    for (const ud of [1, 3]) {
      const req = ctx.allocReq();
      req.opcode = IORING_OP.NOP;
      req.udLo = ud;
      iowqSleep(new IoWqWork(req), k.fget(r)!, 'in', () => {});
    }
    ring.sqe({ opcode: IORING_OP.ASYNC_CANCEL, addr: 1, userData: 2 });
    ring.submitAndWait(2);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[2, EALREADY], [1, EINTR]]);
    // io_try_cancel() loses the RUNNING answer and the slow path's match is hidden by cancel_seq.
    ring.sqe({ opcode: IORING_OP.ASYNC_CANCEL, addr: 3, opFlags: C.ALL, userData: 4 });
    ring.submitAndWait(2);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[4, 0], [3, EINTR]]);
  });

  it('an IOSQE_ASYNC READ of an empty pipe is poll-armed by its worker, so cancelling it finds the poll', () => {
    const { k, ring, ctx } = setup();
    const [r] = k.pipe();
    const buf = k.memory.mmap(4096, 'buf');
    ring.sqe({ opcode: IORING_OP.READ, fd: r, addr: buf.addr, len: 8, flags: IOSQE.ASYNC, userData: 1 });
    ring.submit();
    k.settle();
    expect(ctx.cancelTable.size).toBe(1);
    ring.sqe({ opcode: IORING_OP.ASYNC_CANCEL, addr: 1, userData: 2 });
    ring.submitAndWait(2);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[2, 0], [1, ECANCELED]]);
  });

  it('a poll cancelled twice before its task_work runs completes once', () => {
    const { k, ring } = setup();
    const [r] = k.pipe();
    ring.sqe({ opcode: IORING_OP.POLL_ADD, fd: r, opFlags: EPOLL.IN, userData: 1 });
    ring.sqe({ opcode: IORING_OP.ASYNC_CANCEL, addr: 1, userData: 2 });
    ring.sqe({ opcode: IORING_OP.ASYNC_CANCEL, addr: 1, userData: 3 });
    ring.submitAndWait(3);
    expect(ring.reap().map((c) => [c.userData, c.res])).toEqual([[2, 0], [3, 0], [1, ECANCELED]]);
  });
});
