// The extension API composes: two packages never silently override each other, dependencies
// are checked, hooks fire at the kernel's own points, and kernel-wide state is shared by rings.

import { describe, expect, it } from 'vitest';
import {
  ERRNO, IORING_NOP, IORING_OP, IORING_REGISTER, IORING_SETUP, IOSQE, IOU_COMPLETE, Kernel, TWQ, UserRing, UringError, defineExtension,
  defineKernelState, opFlags, parseScenario, runScenario, type Extension, type OpDef,
} from '../src/extend.js';

const fsync: OpDef = { opcode: IORING_OP.SYNC_FILE_RANGE, name: 'SYNC_FILE_RANGE', ...opFlags('SYNC_FILE_RANGE'), prep: () => 0, issue: (req) => { req.res = 0; return IOU_COMPLETE; } };

function conflictOf(fn: () => unknown): UringError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UringError) return e;
    throw e;
  }
  throw new Error('expected a UringError');
}

describe('registration conflicts', () => {
  it('rejects an extension that implements an opcode the core models, naming both', () => {
    const read: OpDef = { ...fsync, opcode: IORING_OP.READ, name: 'READ' };
    const e = conflictOf(() => new Kernel({ extensions: [defineExtension({ name: '@x/read', ops: [read] })] }));
    expect(e.code).toBe('EXTENSION_CONFLICT');
    expect(e.message).toMatch(/IORING_OP_READ is implemented by @uringlab\/ring and again by @x\/read/);
  });

  it('rejects two extensions implementing the same unmodelled opcode', () => {
    const a = defineExtension({ name: '@x/a', ops: [fsync] });
    const b = defineExtension({ name: '@x/b', ops: [fsync] });
    expect(conflictOf(() => new Kernel({ extensions: [a, b] })).message).toMatch(/IORING_OP_SYNC_FILE_RANGE is implemented by @x\/a and again by @x\/b/);
  });

  it('rejects a register opcode the core or another extension already handles', () => {
    const probe = { opcode: IORING_REGISTER.PROBE, name: 'PROBE', handler: () => 0 };
    expect(conflictOf(() => new Kernel({ extensions: [defineExtension({ name: '@x/p', registerOps: [probe] })] })).message)
      .toMatch(/register opcode PROBE \(8\) is implemented by @uringlab\/ring and again by @x\/p/);
  });

  it('rejects a second provided-buffer importer and a second registered-buffer importer', () => {
    const provider = () => ({ select: () => undefined, peek: () => ({ ret: -ERRNO.ENOENT, list: null }), selectBuffers: () => ({ ret: -ERRNO.ENOENT, list: null }), commit: () => true, put: () => 0, recycle: () => false, isIncremental: () => false });
    const fixed = () => ({ attach: () => false, import: () => -ERRNO.EFAULT });
    expect(conflictOf(() => new Kernel({ extensions: [defineExtension({ name: '@x/p1', providedBuffers: provider }), defineExtension({ name: '@x/p2', providedBuffers: provider })] })).message)
      .toMatch(/provided-buffer importer comes from @x\/p1 and again from @x\/p2/);
    expect(conflictOf(() => new Kernel({ extensions: [defineExtension({ name: '@x/f1', fixedBuffers: fixed }), defineExtension({ name: '@x/f2', fixedBuffers: fixed })] })).message)
      .toMatch(/registered-buffer importer comes from @x\/f1 and again from @x\/f2/);
  });

  it('rejects a scenario step that a core step or another extension already defines', () => {
    const step = (op: string) => ({ op, schema: {} as never, description: 'd', compile: () => [] });
    const doc = { name: 'x', pins: 'a ring can be set up', steps: [{ op: 'setup', ring: 'r', entries: 4 }] };
    expect(conflictOf(() => parseScenario(doc, [defineExtension({ name: '@x/s', steps: [step('setup')] })])).message)
      .toMatch(/scenario step "setup" is defined by @uringlab\/ring and again by @x\/s/);
    expect(conflictOf(() => parseScenario(doc, [defineExtension({ name: '@x/s1', steps: [step('x.go')] }), defineExtension({ name: '@x/s2', steps: [step('x.go')] })])).message)
      .toMatch(/"x.go" is defined by @x\/s1 and again by @x\/s2/);
  });

  it('rejects two different instances of one package, and takes the same instance twice as once', () => {
    const a1 = defineExtension({ name: '@x/a' });
    const a2 = defineExtension({ name: '@x/a' });
    expect(conflictOf(() => new Kernel({ extensions: [a1, a2] })).message).toMatch(/two different instances of @x\/a/);
    expect(new Kernel({ extensions: [a1, a1] }).extensions).toEqual([a1]);
  });

  it('leaves no half-built kernel: a conflict is found before anything is attached', () => {
    let inits = 0;
    const ok = defineExtension({ name: '@x/ok', init: () => { inits++; } });
    const bad = defineExtension({ name: '@x/bad', steps: [{ op: 'reap', schema: {} as never, description: 'd', compile: () => [] }] });
    expect(() => parseScenario({ name: 'x', pins: 'a ring can be set up', steps: [{ op: 'setup', ring: 'r', entries: 1 }] }, [ok, bad])).toThrow(/EXTENSION_CONFLICT/);
    expect(inits).toBe(0);
  });
});

describe('dependencies and stamps', () => {
  it('needs what an extension requires, and orders it first', () => {
    const order: string[] = [];
    const base = defineExtension({ name: '@x/base', init: () => { order.push('base'); } });
    const top = defineExtension({ name: '@x/top', requires: ['@x/base', '@uringlab/ring'], init: () => { order.push('top'); } });
    const e = conflictOf(() => new Kernel({ extensions: [top] }));
    expect(e.code).toBe('EXTENSION_MISSING');
    expect(e.message).toMatch(/@x\/top requires @x\/base, which is not loaded/);
    new Kernel({ extensions: [top, base] });
    expect(order).toEqual(['base', 'top']);
  });

  it('rejects an object that defineExtension did not make', () => {
    const e = conflictOf(() => new Kernel({ extensions: [{ name: '@x/plain' } as unknown as Extension] }));
    expect(e.code).toBe('EXTENSION_INVALID');
    expect(e.message).toMatch(/@x\/plain is not an extension: build it with defineExtension\(\)/);
  });
});

describe('hooks at the kernel points', () => {
  function counting() {
    const n = { cqCommit: 0, localWork: 0, reqFree: 0, created: 0, cancel: 0, free: 0 };
    const ext = defineExtension({
      name: '@x/count',
      hooks: {
        cqCommit: () => { n.cqCommit++; },
        localWorkQueued: () => { n.localWork++; },
        reqFree: () => { n.reqFree++; },
        ringCreated: () => { n.created++; },
        ringExit: { cancel: () => { n.cancel++; }, free: () => { n.free++; } },
      },
    });
    return { n, ext };
  }

  it('runs cqCommit once per commit batch, not once per CQE, and reqFree once per request', () => {
    const { n, ext } = counting();
    const k = new Kernel({ extensions: [ext] });
    const ring = new UserRing(k, 8);
    for (let i = 0; i < 4; i++) ring.prepNop(ring.getSqe(), i + 1);
    ring.submitAndWait(0);
    expect(ring.reap().length).toBe(4);
    expect(n.cqCommit).toBe(1);
    expect(n.reqFree).toBe(4);
    ring.prepNop(ring.getSqe(), 9);
    ring.submitAndWait(1);
    expect(n.cqCommit).toBe(2);
  });

  it('commits (and runs cqCommit) for a batch whose CQEs were all skipped, as __io_cq_unlock_post() does', () => {
    const { n, ext } = counting();
    const k = new Kernel({ extensions: [ext] });
    const ring = new UserRing(k, 8);
    for (let i = 0; i < 3; i++) ring.sqe({ opcode: IORING_OP.NOP, userData: i + 1, flags: IOSQE.CQE_SKIP_SUCCESS });
    ring.submitAndWait(0);
    expect(ring.reap()).toEqual([]);
    expect(n.cqCommit).toBe(1);
  });

  it('tells localWorkQueued whether the work was queued from a wakeup (IOU_F_TWQ_IN_WAKE)', () => {
    const flags: number[] = [];
    const ext = defineExtension({ name: '@x/lw', hooks: { localWorkQueued: (_ctx, f) => { flags.push(f); } } });
    const k = new Kernel({ extensions: [ext] });
    const ring = new UserRing(k, 4, { flags: IORING_SETUP.SINGLE_ISSUER | IORING_SETUP.DEFER_TASKRUN });
    ring.sqe({ opcode: IORING_OP.NOP, userData: 1, opFlags: IORING_NOP.TW });
    ring.submitAndWait(0);
    const [pr, pw] = k.pipe();
    const buf = k.memory.mmap(4096, 'b');
    ring.sqe({ opcode: IORING_OP.READ, fd: pr, addr: buf.addr, len: 8, userData: 2 });
    ring.submitAndWait(0);
    k.write(pw, new Uint8Array(8)); // the armed poll fires from the pipe's wait queue
    expect(flags).toEqual([0, TWQ.IN_WAKE]);
  });

  it('runs localWorkQueued when a DEFER_TASKRUN ring gets task work, and the exit stages on close', () => {
    const { n, ext } = counting();
    const k = new Kernel({ extensions: [ext] });
    const ring = new UserRing(k, 4, { flags: IORING_SETUP.SINGLE_ISSUER | IORING_SETUP.DEFER_TASKRUN });
    expect(n.created).toBe(1);
    ring.sqe({ opcode: IORING_OP.NOP, userData: 1, opFlags: IORING_NOP.TW }); // complete through task work
    ring.submitAndWait(1);
    expect(n.localWork).toBeGreaterThan(0);
    expect(k.close(ring.fd)).toBe(0);
    // The exit work runs after close(2) returns; a DEFER_TASKRUN ring is freed after an RCU grace period.
    k.settle();
    expect(n.cancel).toBeGreaterThan(0);
    expect(n.free).toBe(0);
    k.sched.rcuBarrier();
    expect(n.free).toBe(1);
  });
});

describe('kernel-wide state', () => {
  it('is one object per kernel, shared by its rings, and separate between kernels', () => {
    const SHARED = defineKernelState('test:shared', () => ({ rings: 0 }));
    const ext = defineExtension({ name: '@x/state', hooks: { ringCreated: (ctx) => { ctx.kernel.state(SHARED).rings++; } } });
    const k1 = new Kernel({ extensions: [ext] });
    new UserRing(k1, 4);
    new UserRing(k1, 4);
    const k2 = new Kernel({ extensions: [ext] });
    new UserRing(k2, 4);
    expect(k1.state(SHARED).rings).toBe(2);
    expect(k2.state(SHARED).rings).toBe(1);
  });
});

describe('without importers the core answers like a kernel with none', () => {
  it('a NOP asking for a registered buffer fails with EFAULT; a read selecting a provided buffer with ENOBUFS', () => {
    const { trace } = runScenario({
      name: 'no-importers', pins: 'no buffer table and no buffer groups',
      steps: [
        { op: 'setup', ring: 'r', entries: 4 },
        { op: 'pipe', read: 'pr', write: 'pw' },
        { op: 'write', fd: 'pw', len: 4 },
        { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: 1, op_flags: 1 << 3, buf_index: 0 } },
        { op: 'sqe', ring: 'r', sqe: { opcode: 'READ', user_data: 2, fd: 'pr', len: 4, flags: ['BUFFER_SELECT'], buf_group: 1 } },
        { op: 'enter', ring: 'r', to_submit: 2, min_complete: 2, flags: ['GETEVENTS'] },
        { op: 'reap', ring: 'r' },
      ],
    });
    const res = trace.flatMap((e) => (e.ev === 'cqe' ? [[e.user_data, e.res]] : []));
    expect(res).toEqual([['1', -ERRNO.EFAULT], ['2', -ERRNO.ENOBUFS]]);
  });
});
