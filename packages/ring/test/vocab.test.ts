// The scenario vocabulary beyond plain I/O: kernel requirements, FSYNC, SHUTDOWN (the opcode
// and the step), READ_MULTISHOT's checks, and the munmap step.
import type { ScenarioInput } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { compileScenario, parseScenario, runScenario, type TraceEvent } from '../src/index.js';
import { PROFILES } from '../src/profile.js';
import { requirementMet } from '../src/scenario/model-executor.js';
import { makeSocketPair } from '../src/files/stream.js';
import { sockShutdown } from '../src/net/shutdown.js';
import { cqes, events } from './helpers.js';

const runLoose = (doc: unknown, opts?: Parameters<typeof runScenario>[1]) => runScenario(doc as ScenarioInput, opts);
const res = (t: readonly TraceEvent[]) => cqes(t).map((c) => c.errno ?? c.res);
const doc = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'vocab', pins: 'a vocabulary unit test', ...extra, steps });
const wait = (n: number) => [{ op: 'enter', ring: 'r', to_submit: n, min_complete: n, flags: ['GETEVENTS'] }, { op: 'reap', ring: 'r' }];

describe('requires: kernel>=X.Y', () => {
  it('compares releases as the runner does', () => {
    expect(requirementMet('kernel>=7.3', PROFILES['7.3'])).toBe(true);
    expect(requirementMet('kernel>=7.3', PROFILES['6.18'])).toBe(false);
    expect(requirementMet('kernel>=6.18', PROFILES['6.18'])).toBe(true);
    expect(requirementMet('kernel>=6.2', PROFILES['6.18'])).toBe(true);
    expect(requirementMet('tcp', PROFILES['6.18'])).toBe(true);
  });

  it('makes the model skip, with the reason, on an older profile, and run on a new enough one', () => {
    const d = doc([{ op: 'setup', ring: 'r', entries: 2 }], { requires: ['kernel>=7.3'] });
    const old = runLoose(d, { kernel: '6.18' }).trace;
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ ev: 'skip', reason: 'kernel>=7.3' });
    expect(runLoose(d, { kernel: '7.3' }).trace.map((e) => e.ev)).toEqual(['setup']);
  });

  it('rejects a requirement it cannot read', () => {
    expect(() => parseScenario(doc([{ op: 'observe', ring: 'r' }], { requires: ['kernel>=7'] }))).toThrow(/kernel>=X.Y/);
  });
});

describe('IORING_OP_FSYNC (io_fsync_prep, io_fsync)', () => {
  const fsync = (fd: string, extra: Record<string, unknown> = {}, ud = 1) => ({ op: 'sqe', ring: 'r', sqe: { opcode: 'FSYNC', fd, user_data: ud, ...extra } });
  const files = [{ op: 'setup', ring: 'r', entries: 8 }, { op: 'tmpfile', name: 'f', size: 16 }, { op: 'pipe', read: 'pr', write: 'pw' }, { op: 'eventfd', name: 'e' }];

  it('is 0 on a regular file and -EINVAL on a file without ->fsync', () => {
    const t = runLoose(doc([...files, fsync('f'), ...wait(1), fsync('pw', {}, 2), ...wait(1), fsync('e', {}, 3), ...wait(1)])).trace;
    expect(res(t)).toEqual([0, 'EINVAL', 'EINVAL']);
  });

  it('refuses unknown fsync_flags and a nonzero buf_index at prep; DATASYNC is fine', () => {
    const t = runLoose(doc([...files, fsync('f', { op_flags: 3 }), ...wait(1), fsync('f', { buf_index: 2 }, 2), ...wait(1), fsync('f', { op_flags: 1 }, 3), ...wait(1)])).trace;
    expect(res(t)).toEqual(['EINVAL', 'EINVAL', 0]);
  });

  it('leaves its link alone when it fails (the result is set, the request is not failed)', () => {
    const t = runLoose(doc([...files, fsync('pw', { flags: ['IO_LINK'] }), { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: 2 } }, ...wait(2)])).trace;
    expect(res(t)).toEqual(['EINVAL', 0]);
  });
});

describe('shutdown (inet_shutdown, unix_shutdown) and IORING_OP_SHUTDOWN', () => {
  it('AF_UNIX mirrors the shutdown onto the peer', () => {
    const [a, b] = makeSocketPair('unix');
    expect(sockShutdown(a, 1)).toBe(0);
    expect(a.wrShut && b.rdShut).toBe(true);
    expect(b.read(8).res).toBe(0);
    expect(a.write(new Uint8Array(1))).toBe(-32);
    expect(b.write(new Uint8Array(1))).toBe(1);
    expect(sockShutdown(a, 3)).toBe(-22);
  });

  it('TCP SHUT_WR sends a FIN, SHUT_RD tells the peer nothing, and a reset socket is -ENOTCONN', () => {
    const [c, s] = makeSocketPair('tcp');
    expect(sockShutdown(s, 0)).toBe(0);
    expect(c.write(new Uint8Array(2))).toBe(2);
    expect(s.read(8).res).toBe(2);
    expect(s.read(8).res).toBe(0);
    expect(sockShutdown(c, 1)).toBe(0);
    expect(s.finRcvd).toBe(true);
    expect(c.write(new Uint8Array(1))).toBe(-32);
    c.reset();
    expect(sockShutdown(c, 2)).toBe(-107);
  });

  it('the step records shutdown(2), and a waiting RECV completes 0', () => {
    const t = runLoose(doc([
      { op: 'setup', ring: 'r', entries: 4 }, { op: 'socketpair', a: 'a', b: 'b', kind: 'unix' }, { op: 'pipe', read: 'pr', write: 'pw' },
      { op: 'region', name: 'm', size: 4096 },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'RECV', fd: 'a', addr: { region: 'm' }, len: 8, user_data: 1 } },
      { op: 'enter', ring: 'r', to_submit: 1 },
      { op: 'shutdown', fd: 'b', how: 'WR' }, { op: 'shutdown', fd: 'pr', how: 'RD' },
      { op: 'enter', ring: 'r', min_complete: 1, flags: ['GETEVENTS'] }, { op: 'reap', ring: 'r' },
    ])).trace;
    expect(events(t, 'shutdown').map((e) => e.errno ?? e.res)).toEqual([0, 'ENOTSOCK']);
    expect(res(t)).toEqual([0]);
  });

  it('the opcode fails -ENOTSOCK (cancelling its link) and reports a bad how as its result only', () => {
    const t = runLoose(doc([
      { op: 'setup', ring: 'r', entries: 8 }, { op: 'socketpair', a: 'a', b: 'b', kind: 'unix' }, { op: 'pipe', read: 'pr', write: 'pw' },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'SHUTDOWN', fd: 'pr', len: 1, user_data: 1, flags: ['IO_LINK'] } },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: 2 } }, ...wait(2),
      { op: 'sqe', ring: 'r', sqe: { opcode: 'SHUTDOWN', fd: 'a', len: 9, user_data: 3, flags: ['IO_LINK'] } },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: 4 } }, ...wait(2),
      { op: 'sqe', ring: 'r', sqe: { opcode: 'SHUTDOWN', fd: 'a', len: 1, off: 1, user_data: 5 } }, ...wait(1),
    ])).trace;
    expect(res(t)).toEqual(['ENOTSOCK', 'ECANCELED', 'EINVAL', 0, 'EINVAL']);
  });
});

describe('IORING_OP_READ_MULTISHOT checks (io_read_mshot_prep, io_read_mshot)', () => {
  it('needs BUFFER_SELECT, a zero addr and len, and a pollable file', () => {
    const ms = (fd: string, ud: number, extra: Record<string, unknown> = {}) => ({ op: 'sqe', ring: 'r', sqe: { opcode: 'READ_MULTISHOT', fd, user_data: ud, flags: ['BUFFER_SELECT'], buf_group: 1, ...extra } });
    const t = runLoose(doc([
      { op: 'setup', ring: 'r', entries: 8 }, { op: 'pipe', read: 'pr', write: 'pw' }, { op: 'tmpfile', name: 'f', size: 8 },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'READ_MULTISHOT', fd: 'pr', user_data: 1 } }, ...wait(1),
      ms('pr', 2, { len: 16 }), ...wait(1), ms('f', 3), ...wait(1), ms('pr', 4), ...wait(1),
    ])).trace;
    // No group 1 on the pipe: the buffer selection fails -ENOBUFS and ends the request.
    expect(res(t)).toEqual(['EINVAL', 'EINVAL', 'EBADFD', 'ENOBUFS']);
  });
});

describe('the munmap step', () => {
  const base = [{ op: 'setup', ring: 'r', entries: 4 }, { op: 'region', name: 'm', size: 4096 }, { op: 'munmap', region: 'm' }];

  it('compiles to the runner op and refuses to touch the bytes afterwards', () => {
    const p = compileScenario(parseScenario(doc(base)));
    expect(p.ops.map((o) => o.op.op)).toContain('munmap');
    expect(() => compileScenario(parseScenario(doc([...base, { op: 'read_mem', region: 'm', len: 4 }])))).toThrow(/unmapped/);
    expect(() => compileScenario(parseScenario(doc([...base, { op: 'munmap', region: 'm' }])))).toThrow(/already unmapped/);
  });

  it('turns a READ into the region into -EFAULT', () => {
    const t = runLoose(doc([...base, { op: 'tmpfile', name: 'f', size: 16 },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'READ', fd: 'f', addr: { region: 'm' }, len: 8, off: 0, user_data: 1 } }, ...wait(1)])).trace;
    expect(events(t, 'munmap').map((e) => e.res)).toEqual([0]);
    expect(res(t)).toEqual(['EFAULT']);
  });
});

describe('AF_UNIX datagram pairs (unix_dgram_sendmsg, unix_dgram_recvmsg)', () => {
  it('keep each send whole, cut a long datagram to the buffer, and report MSG_TRUNC', () => {
    const [a, b] = makeSocketPair('unix-dgram');
    expect(b.write(new Uint8Array([1, 2, 3, 4, 5]))).toBe(5);
    expect(b.write(new Uint8Array([6, 7]))).toBe(2);
    expect(b.write(new Uint8Array(0))).toBe(0);
    const first = a.readDatagram(3);
    expect([first.res, first.full, [...first.data!]]).toEqual([3, 5, [1, 2, 3]]);
    expect(a.read(64).res).toBe(2);
    expect(a.read(64).res).toBe(0); // the empty datagram
    expect(a.read(64).res).toBe(-11); // nothing left: it would wait
  });

  it('a send to a closed peer is -ECONNREFUSED once (dropping our queue), then -ENOTCONN', () => {
    const [a, b] = makeSocketPair('unix-dgram');
    b.write(new Uint8Array(4));
    b.put();
    expect(a.write(new Uint8Array(1))).toBe(-111);
    expect(a.rx!.count).toBe(0);
    expect(a.write(new Uint8Array(1))).toBe(-107);
  });

  it('RECV with MSG_TRUNC returns the full length; MSG_TRUNC on a stream socket is not modelled', () => {
    const steps = (kind: string) => doc([
      { op: 'setup', ring: 'r', entries: 4 }, { op: 'socketpair', a: 'a', b: 'b', kind }, { op: 'region', name: 'm', size: 4096 },
      { op: 'write', fd: 'b', len: 10 },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'RECV', fd: 'a', addr: { region: 'm' }, len: 4, op_flags: 0x20, user_data: 1 } }, ...wait(1),
    ]);
    expect(res(runLoose(steps('unix-dgram')).trace)).toEqual([10]);
    const err = events(runLoose(steps('unix')).trace, 'error');
    expect(err[0]?.code).toBe('NOT_MODELLED');
  });
});

describe('the fcntl step (O_NONBLOCK)', () => {
  it('makes read(2) -EAGAIN but leaves an io_uring READ waiting', () => {
    const t = runLoose(doc([
      { op: 'setup', ring: 'r', entries: 4 }, { op: 'pipe', read: 'pr', write: 'pw' }, { op: 'region', name: 'm', size: 4096 },
      { op: 'fcntl', fd: 'pr', nonblock: true }, { op: 'read', fd: 'pr', len: 4 },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'READ', fd: 'pr', addr: { region: 'm' }, len: 4, user_data: 1 } },
      { op: 'enter', ring: 'r', to_submit: 1 }, { op: 'reap', ring: 'r' },
      { op: 'write', fd: 'pw', len: 3 }, { op: 'enter', ring: 'r', min_complete: 1, flags: ['GETEVENTS'] }, { op: 'reap', ring: 'r' },
    ])).trace;
    expect(events(t, 'setfl').map((e) => e.res)).toEqual([0]);
    expect(events(t, 'io').map((e) => e.errno ?? e.res)).toEqual(['EAGAIN', 3]);
    expect(events(t, 'reaped').map((e) => e.n)).toEqual([0, 1]);
    expect(res(t)).toEqual([3]);
  });
});
