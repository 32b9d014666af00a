// Lifetimes in the core: file references, ring teardown (cancel, wait, free) and ring quiesce.
// What a kernel can show is pinned by the ring-close-* and file-ref-* scenarios; these tests look
// at what it cannot: the CQEs a closed ring still gets, the order of the teardown stages, the
// paths a race takes, and the model's own guards.

import { describe, expect, it } from 'vitest';
import {
  IORING_NOP, IORING_OP, IORING_SETUP as S, IOSQE, Kernel, UserRing, isUringError, type Cqe, type Extension,
} from '../src/index.js';
import {
  IOU_ISSUE_SKIP_COMPLETE, RingCtx, compileScenario, defineExtension, opFlags, parseScenario, quiesceRing,
  runOnModel, taskWorkAdd,
} from '../src/extend.js';
import { tryCancelRequests } from '../src/core/cancel.js';
import { IoWqWork, iowqCancelCtx, iowqSleep } from '../src/core/io-wq.js';
import { EXIT_MAX_PASSES } from '../src/core/exit.js';
import { unregRingfd } from '../src/core/tctx.js';
import { loadScenario, scenarioNames } from './helpers.js';

const ECANCELED = -125;
const EPIPE = -32;
const EINTR = -4;

function bytes(n: number, seed = 1): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (seed + i) & 0xff);
}

/** A ring, a pipe and a buffer, with a READ of the empty pipe armed on poll. */
function armedRead(flags = 0, sqeFlags = 0) {
  const k = new Kernel();
  const ring = new UserRing(k, 8, { flags });
  const [pr, pw] = k.pipe();
  const buf = k.memory.mmap(4096, 'buf');
  ring.sqe({ opcode: IORING_OP.READ, fd: pr, addr: buf.addr, len: 64, userData: 1, flags: sqeFlags });
  ring.submit();
  return { k, ring, ctx: ring.ctx, pr, pw, buf };
}

/** The CQEs a ring holds, read straight from its memory (a closed ring keeps getting them). */
function cqesOf(ring: UserRing): Map<number, Cqe> {
  return new Map(ring.reap().map((c) => [c.userData, c]));
}

describe('file references', () => {
  it('releases a file with its last reference, and refuses a put or get after that', () => {
    const k = new Kernel();
    const [pr, pw] = k.pipe();
    const f = k.fget(pr)!;
    expect(f.refs).toBe(1);
    f.get();
    expect(k.close(pr)).toBe(0);
    expect(f.refs).toBe(1);
    expect(k.write(pw, bytes(4))).toBe(4); // a reader still holds the pipe
    f.put();
    expect(f.refs).toBe(0);
    expect(k.write(pw, bytes(4))).toBe(EPIPE);
    for (const misuse of [() => f.put(), () => f.get()]) {
      expect(misuse).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    }
  });

  it('a request holds its file from issue until it is freed', () => {
    const { k, ring, pr, pw, buf } = armedRead();
    const f = k.fget(pr)!;
    expect(f.refs).toBe(2);
    k.close(pr);
    expect(f.refs).toBe(1);
    expect(k.write(pw, bytes(4, 5))).toBe(4);
    expect(ring.reap().map((c) => c.res)).toEqual([4]);
    expect(k.memory.read(buf.addr, 4)).toEqual(bytes(4, 5));
    expect(f.refs).toBe(0);
    expect(k.write(pw, bytes(4))).toBe(EPIPE);
  });

  it('NOP with IORING_NOP_FILE takes a reference and gives it back', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 4);
    const [pr] = k.pipe();
    ring.sqe({ opcode: IORING_OP.NOP, fd: pr, opFlags: IORING_NOP.FILE, userData: 7 });
    ring.submit();
    expect(ring.reap().map((c) => c.res)).toEqual([0]);
    expect(k.fget(pr)!.refs).toBe(1);
  });
});

describe('ring teardown', () => {
  it('close(2) returns first; the exit work then cancels a poll-armed READ and frees the ring', () => {
    const { k, ring, ctx, pr, pw } = armedRead();
    expect(ctx.cancelTable.size).toBe(1);
    expect(k.close(ring.fd)).toBe(0);
    expect(ctx.dead).toBe(true);
    expect(ctx.freed).toBe(false);
    k.settle();
    expect(ctx.freed).toBe(true);
    expect(ctx.inflight).toBe(0);
    expect(ctx.cancelTable.size).toBe(0);
    expect(cqesOf(ring).get(1)?.res).toBe(ECANCELED);
    expect(k.write(pw, bytes(4, 7))).toBe(4);
    expect(k.read(pr, 64)).toEqual({ res: 4, data: bytes(4, 7) });
  });

  it('a wakeup that beats the exit work finds the ring dying: the READ fails instead of reading', () => {
    const { k, ring, ctx, pr, pw } = armedRead();
    k.close(ring.fd);
    expect(k.write(pw, bytes(4, 7))).toBe(4); // wakes the poll before any exit pass ran
    expect(ctx.cancelTable.size).toBe(0);
    expect(k.read(pr, 64)).toEqual({ res: 4, data: bytes(4, 7) });
    k.settle();
    expect(cqesOf(ring).get(1)?.res).toBe(ECANCELED);
    expect(ctx.freed).toBe(true);
  });

  it('cancels the requests linked to a cancelled one, and drained requests still deferred', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 8);
    const [pr] = k.pipe();
    const [qr, qw] = k.pipe();
    const buf = k.memory.mmap(4096, 'buf');
    ring.sqe({ opcode: IORING_OP.READ, fd: pr, addr: buf.addr, len: 64, userData: 1, flags: IOSQE.IO_LINK });
    ring.sqe({ opcode: IORING_OP.WRITE, fd: qw, addr: buf.addr, len: 4, userData: 2 });
    ring.sqe({ opcode: IORING_OP.NOP, userData: 3, flags: IOSQE.IO_DRAIN });
    ring.submit();
    expect(ring.ctx.deferList.length).toBe(1);
    k.close(ring.fd);
    k.settle();
    const c = cqesOf(ring);
    expect([1, 2, 3].map((ud) => c.get(ud)?.res)).toEqual([ECANCELED, ECANCELED, ECANCELED]);
    expect(ring.ctx.freed).toBe(true);
    k.close(qw);
    expect(k.read(qr, 64).res).toBe(0); // the WRITE never ran
  });

  it('cancels io-wq work that no worker has started', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 8);
    const [pr, pw] = k.pipe();
    const buf = k.memory.mmap(4096, 'buf');
    ring.sqe({ opcode: IORING_OP.READ, fd: pr, addr: buf.addr, len: 64, userData: 1, flags: IOSQE.ASYNC });
    ring.submitAndWait(0); // queued on io-wq, not yet run
    expect(ring.ctx.iowqWork.size).toBe(1);
    expect(tryCancelRequests(ring.ctx)).toBe(true);
    expect(tryCancelRequests(ring.ctx)).toBe(false);
    k.settle();
    expect(ring.reap().map((c) => c.res)).toEqual([ECANCELED]);
    expect(ring.ctx.cancelTable.size).toBe(0); // the worker never armed poll
    expect(k.write(pw, bytes(4))).toBe(4);
    expect(k.read(pr, 64).res).toBe(4);
  });

  it('interrupts an io-wq worker asleep in a blocking call: the request fails with -EINTR', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 8);
    const [pr, pw] = k.pipe();
    const req = ring.ctx.allocReq();
    req.opcode = IORING_OP.NOP;
    req.udLo = 9;
    let ran = 0;
    iowqSleep(new IoWqWork(req), k.fget(pr)!, 'in', () => ran++);
    expect(iowqCancelCtx(ring.ctx)).toBe(true);
    k.settle();
    expect(ring.reap()).toEqual([{ userData: 9, res: EINTR, flags: 0 }]);
    k.write(pw, bytes(1));
    k.settle();
    expect(ran).toBe(0);
    expect(ring.ctx.inflight).toBe(0);
  });

  it('DEFER_TASKRUN: the exit work runs the ring\'s local work in cancel mode, then frees after a grace period', () => {
    const { k, ring, ctx } = armedRead(S.SINGLE_ISSUER | S.DEFER_TASKRUN);
    const gp = k.sched.gracePeriods;
    k.close(ring.fd);
    k.settle();
    expect(ctx.localWork.length).toBe(0);
    // synchronize_rcu() in the exit work: nothing is freed until a grace period has passed.
    expect(ctx.freed).toBe(false);
    expect(k.sched.rcuBarrier()).toBeGreaterThan(0);
    expect(ctx.freed).toBe(true);
    expect(k.sched.gracePeriods).toBeGreaterThan(gp);
    expect(cqesOf(ring).get(1)?.res).toBe(ECANCELED);
  });

  it('waits for device I/O it cannot cancel; extensions free their ring state only after it', () => {
    const log: string[] = [];
    let ctxOf: RingCtx | undefined;
    const probe = defineExtension({
      name: 'lifetime-probe',
      hooks: {
        ringExit: {
          cancel: (c) => void log.push(`cancel inflight=${c.inflight}`),
          free: (c) => void log.push(`free inflight=${c.inflight} t=${c.kernel.sched.now}`),
        },
      },
    });
    const k = new Kernel({ extensions: [probe] });
    const ring = new UserRing(k, 4);
    ctxOf = ring.ctx;
    const d = k.blockdev(64 << 20, true);
    const buf = k.memory.mmap(4096, 'buf');
    ring.sqe({ opcode: IORING_OP.READ, fd: d, addr: buf.addr, len: 4096, off: 3 * 4096, userData: 1 });
    ring.submitAndWait(0);
    const t0 = k.sched.now;
    k.close(ring.fd);
    k.settle();
    expect(log).toEqual(['cancel inflight=1']);
    expect(ctxOf.freed).toBe(false);
    expect(k.sched.runUntil(() => (k.task.run(), ctxOf!.freed), 1e9)).not.toBeUndefined();
    expect(log.at(-1)).toBe(`free inflight=0 t=${t0 + 20_000}`);
    expect(k.memory.read(buf.addr, 4)).toEqual(Uint8Array.of(3, 4, 5, 6));
    expect(cqesOf(ring).get(1)?.res).toBe(4096);
  });

  it('an SQPOLL ring submits nothing once it is closed', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 4, { flags: S.SQPOLL });
    ring.sqe({ opcode: IORING_OP.NOP, userData: 1 });
    ring.submitAndWait(0); // the SQ thread would pick it up later
    k.close(ring.fd);
    k.settle();
    expect(ring.ctx.nrReqAllocated).toBe(0);
    expect(ring.ctx.freed).toBe(true);
  });

  it('teardown that never ends is a typed INTERNAL error, not a hang', () => {
    // An op whose task_work requeues itself forever: a model bug the exit work must not spin on.
    const spin = defineExtension({
      name: 'spin-op',
      ops: [{
        opcode: IORING_OP.SYNC_FILE_RANGE, name: 'SYNC_FILE_RANGE', ...opFlags('SYNC_FILE_RANGE'), needsFile: false,
        prep: () => 0,
        issue: (req) => {
          const again = (): void => taskWorkAdd(req.ctx, again);
          again();
          return IOU_ISSUE_SKIP_COMPLETE;
        },
      }],
    });
    const k = new Kernel({ extensions: [spin] });
    const ring = new UserRing(k, 4, { flags: S.SINGLE_ISSUER | S.DEFER_TASKRUN });
    ring.sqe({ opcode: IORING_OP.SYNC_FILE_RANGE, userData: 1 });
    ring.submit();
    k.close(ring.fd);
    let err: unknown;
    try {
      k.settle();
    } catch (e) {
      err = e;
    }
    expect(isUringError(err) && err.code).toBe('INTERNAL');
    expect(String(err)).toContain(`${EXIT_MAX_PASSES} exit passes`);
  });

  it.each(scenarioNames())('%s: every ring the scenario made is freed once closed (no request leaks)', (name) => {
    const seen: RingCtx[] = [];
    const tap: Extension = defineExtension({ name: 'ring-tap', hooks: { ringCreated: (c) => void seen.push(c) } });
    let k: Kernel | undefined;
    const program = compileScenario(parseScenario(loadScenario(name)));
    const records = runOnModel(program, { extensions: [tap], onKernel: (kk) => (k = kk) });
    // A REGISTERED_FD_ONLY setup with no free slot (-EBUSY) made its ring before it failed.
    expect(seen.length).toBe(records.filter((r) => /^setup \S+ (\d+|-16) /.test(r)).length);
    for (const ctx of seen) if (!ctx.dead) k!.close(ctx.fd);
    // The task exits: its registered ring slots let go of the rings they hold (io_uring_unreg_ringfd()).
    if (k!.tctx) unregRingfd(k!.tctx);
    expect(k!.sched.runUntil(() => (k!.settle(), seen.every((c) => c.freed)), 10e9)).not.toBeUndefined();
    for (const ctx of seen) expect(ctx.inflight).toBe(0);
  });
});

describe('quiesceRing()', () => {
  it('returns at once for an idle ring', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 4);
    expect(quiesceRing(ring.ctx)).toBe(0);
  });

  it('waits in virtual time for device I/O and reports how long it took', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 4);
    const d = k.blockdev(64 << 20, true);
    const buf = k.memory.mmap(4096, 'buf');
    ring.sqe({ opcode: IORING_OP.READ, fd: d, addr: buf.addr, len: 4096, off: 0, userData: 1 });
    ring.submitAndWait(0);
    expect(quiesceRing(ring.ctx)).toBe(20_000);
    expect(ring.reap().map((c) => c.res)).toEqual([4096]);
  });

  it('runs the ring\'s DEFER_TASKRUN local work, as the waiting submitter does', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 4, { flags: S.SINGLE_ISSUER | S.DEFER_TASKRUN });
    ring.sqe({ opcode: IORING_OP.NOP, opFlags: IORING_NOP.TW, userData: 1 });
    ring.submit();
    expect(ring.ctx.inflight).toBe(1);
    expect(quiesceRing(ring.ctx)).toBe(0);
    expect(ring.reap().map((c) => c.userData)).toEqual([1]);
  });

  it('is a typed STALLED error when nothing can complete the requests in flight', () => {
    const { ctx } = armedRead();
    expect(() => quiesceRing(ctx)).toThrow(expect.objectContaining({ code: 'STALLED' }));
    const k = new Kernel();
    const ring = new UserRing(k, 4);
    const d = k.blockdev(64 << 20, true);
    const buf = k.memory.mmap(4096, 'buf');
    ring.sqe({ opcode: IORING_OP.READ, fd: d, addr: buf.addr, len: 4096, off: 0, userData: 1 });
    ring.submitAndWait(0);
    expect(() => quiesceRing(ring.ctx, 1000)).toThrow(expect.objectContaining({ code: 'STALLED' }));
    expect(quiesceRing(ring.ctx)).toBeGreaterThan(0); // the I/O is still coming
  });
});
