import type { ScenarioInput } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { ERRNO, IORING_RECVSEND, defineExtension, runScenario, type TraceEvent } from '../src/extend.js';
import { makePipe, makeSocketPair } from '../src/files/stream.js';
import { SHUT, sockShutdown } from '../src/net/shutdown.js';
import { cqes, events, traceOf } from './helpers.js';

/** Scenario documents built loosely here (as parsed JSON would be) go through the typed entry as data. */
const runLoose = (doc: unknown, opts?: Parameters<typeof runScenario>[1]) => runScenario(doc as ScenarioInput, opts);

/** A registered-buffer importer for tests: index 0 is any mapped range, imported as two pages. */
const fakeRegBufs = defineExtension({
  name: 'test:regbufs',
  fixedBuffers: (k) => ({
    attach: (_req, index) => index === 0,
    import: (_req, addr, len) => {
      if (!k.memory.mapped(addr, len)) return -ERRNO.EFAULT;
      const half = Math.floor(len / 2);
      return half ? [{ addr, len: half }, { addr: addr + half, len: len - half }] : [{ addr, len }];
    },
  }),
});

function fixedBufScenario(): Record<string, unknown> {
  const fixed = IORING_RECVSEND.FIXED_BUF;
  return {
    name: 'fixed-buf-send-recv', pins: 'SEND and RECV through a registered-buffer importer',
    steps: [
      { op: 'setup', ring: 'r', entries: 8 },
      { op: 'socketpair', a: 'c', b: 's' },
      { op: 'region', name: 'src', size: 4096, fill: 50 },
      { op: 'region', name: 'dst', size: 4096 },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'SEND', fd: 'c', addr: { region: 'src', offset: 4 }, len: 9, ioprio: fixed, buf_index: 0, user_data: 1 } },
      { op: 'enter', ring: 'r', to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'RECV', fd: 's', addr: { region: 'dst' }, len: 64, ioprio: fixed, buf_index: 0, user_data: 2 } },
      { op: 'enter', ring: 'r', to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'SEND', fd: 'c', addr: { region: 'src' }, len: 4, ioprio: fixed, buf_index: 1, user_data: 3 } },
      { op: 'enter', ring: 'r', to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] },
      { op: 'reap', ring: 'r' },
      { op: 'read_mem', region: 'dst', len: 9 },
    ],
  };
}

function resOf(t: readonly TraceEvent[]): (number | string)[] {
  return cqes(t).map((c) => c.errno ?? c.res);
}

describe('registered buffers on SEND and RECV (IORING_RECVSEND_FIXED_BUF)', () => {
  it('sends from and receives into what the importer maps, and fails EFAULT without a buffer at buf_index', () => {
    const { trace } = runLoose(fixedBufScenario(), { extensions: [fakeRegBufs] });
    expect(resOf(trace)).toEqual([9, 9, 'EFAULT']);
    const mem = events(trace, 'mem');
    expect(mem.at(-1)!.hex).toBe('363738393a3b3c3d3e');
  });

  it('answers EFAULT with no importer loaded (no buffer table), and EINVAL on the 6.18 profile', () => {
    expect(resOf(runLoose(fixedBufScenario()).trace)).toEqual(['EFAULT', 'EFAULT', 'EFAULT']);
    expect(resOf(runLoose(fixedBufScenario(), { kernel: '6.18', extensions: [fakeRegBufs] }).trace)).toEqual(['EINVAL', 'EINVAL', 'EINVAL']);
  });
});

describe('socket flags and data the model does not implement fail loudly', () => {
  const base = [
    { op: 'setup', ring: 'r', entries: 8 },
    { op: 'socketpair', a: 'c', b: 's' },
    { op: 'region', name: 'buf', size: 4096 },
  ];
  const run = (sqe: Record<string, unknown>) => runLoose({
    name: 'unmodelled', pins: 'an unmodelled socket feature is a typed error',
    steps: [...base, { op: 'sqe', ring: 'r', sqe }, { op: 'enter', ring: 'r', to_submit: 1 }],
  }).trace;

  it.each([
    ['RECV with MSG_PEEK', { opcode: 'RECV', fd: 's', addr: { region: 'buf' }, len: 8, op_flags: 0x2 }],
    ['SEND with MSG_OOB', { opcode: 'SEND', fd: 'c', addr: { region: 'buf' }, len: 8, op_flags: 0x1 }],
  ])('%s', (_n, sqe) => {
    const err = events(run(sqe), 'error');
    expect(err[0]!.message).toMatch(/^NOT_MODELLED: .*not modelled/);
  });

  it('SENDMSG with control data', () => {
    const t = runLoose({
      name: 'sendmsg-cmsg', pins: 'ancillary data on SENDMSG is not modelled',
      steps: [...base,
        { op: 'write_mem', region: 'buf', struct: 'msghdr', fields: { msg_control: { region: 'buf', offset: 512 }, msg_controllen: 16 } },
        { op: 'sqe', ring: 'r', sqe: { opcode: 'SENDMSG', fd: 'c', addr: { region: 'buf' } } },
        { op: 'enter', ring: 'r', to_submit: 1 }],
    }).trace;
    expect(events(t, 'error')[0]!.message).toMatch(/^NOT_MODELLED: ancillary data/);
  });
});

describe('how a stream end goes away (files/stream.ts)', () => {
  it('pipe: the reader sees the data then EOF; a writer without a reader gets EPIPE', () => {
    const [r, w] = makePipe();
    expect(w.write(new Uint8Array(3))).toBe(3);
    w.put();
    expect(r.read(8).res).toBe(3);
    expect(r.read(8).res).toBe(0);
    const [r2, w2] = makePipe();
    r2.put();
    expect(w2.write(new Uint8Array(1))).toBe(-ERRNO.EPIPE);
  });

  it('TCP: a close with nothing unread is a FIN (EOF, inq 1); with unread data a reset (ECONNRESET once, inq 0)', () => {
    const [a, b] = makeSocketPair('tcp');
    a.put();
    expect(b.read(8).res).toBe(0);
    expect(b.inq()).toBe(1);
    const [c, d] = makeSocketPair('tcp');
    d.write(new Uint8Array(4));
    c.put();
    expect(d.read(8).res).toBe(-ERRNO.ECONNRESET);
    expect(d.read(8).res).toBe(0);
    expect(d.inq()).toBe(0);
    expect(d.write(new Uint8Array(1))).toBe(-ERRNO.EPIPE);
  });

  it('TCP: after the FIN the first send is taken and draws a reset (EPIPE once, in CLOSE_WAIT), then EPIPE', () => {
    const [a, b] = makeSocketPair('tcp');
    a.put();
    expect(b.write(new Uint8Array(16))).toBe(16);
    expect(b.sockErr).toBe(ERRNO.EPIPE);
    expect(b.write(new Uint8Array(1))).toBe(-ERRNO.EPIPE);
    expect(b.sockErr).toBe(0);
    expect(b.read(8).res).toBe(0);
    expect(sockShutdown(b, SHUT.RD)).toBe(-ERRNO.ENOTCONN);
  });

  it('TCP: once both FINs are out (either order, by shutdown or close) the socket is closed: shutdown is -ENOTCONN', () => {
    const [a, b] = makeSocketPair('tcp');
    expect(sockShutdown(a, SHUT.WR)).toBe(0);
    expect(sockShutdown(b, SHUT.WR)).toBe(0);
    expect([a.tcpClosed, b.tcpClosed]).toEqual([true, true]);
    expect(sockShutdown(a, SHUT.RD)).toBe(-ERRNO.ENOTCONN);
    const [c, d] = makeSocketPair('tcp');
    c.put();
    expect(sockShutdown(d, SHUT.WR)).toBe(0);
    expect(sockShutdown(d, SHUT.WR)).toBe(-ERRNO.ENOTCONN);
    const [e, f] = makeSocketPair('tcp');
    expect(sockShutdown(e, SHUT.WR)).toBe(0);
    f.put();
    expect(e.tcpClosed).toBe(true);
    expect(e.sockErr).toBe(0);
    expect(e.read(8).res).toBe(0);
  });

  it('TCP: data for a peer that shut down both ways resets both (EPIPE here, in CLOSE_WAIT; ECONNRESET there)', () => {
    const [a, b] = makeSocketPair('tcp');
    expect(sockShutdown(a, SHUT.RDWR)).toBe(0);
    expect(b.write(new Uint8Array(16))).toBe(16);
    expect([a.sockErr, b.sockErr]).toEqual([ERRNO.ECONNRESET, ERRNO.EPIPE]);
    expect(a.read(8).res).toBe(-ERRNO.ECONNRESET);
    const [c, d] = makeSocketPair('tcp');
    expect(sockShutdown(c, SHUT.RD)).toBe(0);
    expect(d.write(new Uint8Array(4))).toBe(4);
    expect(c.read(8).res).toBe(4);
  });

  it('AF_UNIX: the peer gets ECONNRESET only for unread data, and its sends fail EPIPE either way', () => {
    const [a, b] = makeSocketPair('unix');
    a.put();
    expect(b.write(new Uint8Array(1))).toBe(-ERRNO.EPIPE);
    expect(b.read(8).res).toBe(0);
    const [c, d] = makeSocketPair('unix');
    d.write(new Uint8Array(2));
    c.put();
    expect(d.write(new Uint8Array(1))).toBe(-ERRNO.EPIPE);
    expect(d.read(8).res).toBe(-ERRNO.ECONNRESET);
    expect(d.read(8).res).toBe(0);
  });
});

describe('net scenarios (facts both kernels showed)', () => {
  it('a pending RECV ends ECONNRESET when the peer resets, then EOF without SOCK_NONEMPTY', () => {
    const c = cqes(traceOf('tcp-reset-pending-recv'));
    expect(c.map((e) => [e.errno ?? e.res, e.flags])).toEqual([['ECONNRESET', []], [0, []]]);
  });

  it('a SEND bundle without provided buffers posts F_MORE then a 0-byte CQE', () => {
    expect(cqes(traceOf('send-bundle-no-buffer-select')).map((e) => [e.res, e.flags])).toEqual([[10, ['MORE']], [0, []]]);
  });

  it('RECVMSG writes msg_namelen, msg_controllen and msg_flags back as 0', () => {
    const mem = events(traceOf('sendmsg-recvmsg-iovecs'), 'mem');
    expect(mem.slice(0, 2).map((m) => m.hex)).toEqual(['00000000', '000000000000000000000000']);
  });

  it('FIXED_BUF on SEND/RECV differs by kernel: EFAULT lookups on 7.3, EINVAL on 6.18', () => {
    expect(resOf(traceOf('send-recv-fixed-buf-no-table', '7.3')).slice(0, 2)).toEqual(['EFAULT', 'EFAULT']);
    expect(resOf(traceOf('send-recv-fixed-buf-no-table', '6.18')).slice(0, 2)).toEqual(['EINVAL', 'EINVAL']);
  });
});

