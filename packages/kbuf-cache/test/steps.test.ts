// The kbuf steps compile to runner primitives the way an application writes a buffer ring.

import { describe, expect, it } from 'vitest';
import { compileScenario, parseScenario, type ProgramOp } from '@uringlab/ring/extend';
import { extension } from '../src/index.js';

function compile(steps: Record<string, unknown>[]): ProgramOp[] {
  const doc = { name: 't', pins: 'step compilation check', steps: [{ op: 'setup', ring: 'r', entries: 4 }, ...steps] };
  return compileScenario(parseScenario(doc, [extension]), [extension]).ops.map((o) => o.op);
}

describe('kbuf steps', () => {
  it('kbuf.add writes addr/len/bid (14 bytes) per entry at the tail, then the u16 tail at byte 14', () => {
    const ops = compile([
      { op: 'kbuf.register', ring: 'r', bgid: 1, entries: 2, region: 'br' },
      { op: 'region', name: 'data', size: 4096 },
      { op: 'kbuf.add', ring: 'r', bgid: 1, count: 3, addr: { region: 'data' }, len: 64, bid: 7 },
    ]);
    const w = ops.filter((o): o is Extract<ProgramOp, { op: 'wmem' }> => o.op === 'wmem' && o.region === 'br');
    expect(w.map((o) => [o.off, o.bytes.byteLength])).toEqual([[0, 14], [16, 14], [0, 14], [14, 2]]);
    expect([...w[3]!.bytes]).toEqual([3, 0]);
    expect(w[0]!.fixups).toEqual([{ at: 0, kind: 'a', region: 'data', add: 0 }]);
    expect(w[2]!.fixups).toEqual([{ at: 0, kind: 'a', region: 'data', add: 128 }]);
  });

  it('kbuf.register maps the ring region once and never reads the argument back (it holds an address)', () => {
    const ops = compile([
      { op: 'kbuf.register', ring: 'r', bgid: 1, entries: 512, region: 'br' },
      { op: 'kbuf.register', ring: 'r', bgid: 1, entries: 512, region: 'br' },
    ]);
    expect(ops.filter((o) => o.op === 'region' && o.name === 'br').map((o) => (o as { size: number }).size)).toEqual([8192]);
    expect(ops.some((o) => o.op === 'rmem')).toBe(false);
  });

  it('kbuf.status reads io_uring_buf_status back; kbuf.recv sets BUFFER_SELECT and the ioprio bits', () => {
    const ops = compile([
      { op: 'kbuf.status', ring: 'r', bgid: 3 },
      { op: 'socketpair', a: 'c', b: 's' },
      { op: 'kbuf.recv', ring: 'r', fd: 's', bgid: 3, multishot: true, bundle: true },
    ]);
    expect(ops.find((o) => o.op === 'rmem')).toMatchObject({ decode: 'io_uring_buf_status', len: 40 });
    const sqe = ops.find((o) => o.op === 'sqe') as Extract<ProgramOp, { op: 'sqe' }>;
    const dv = new DataView(sqe.bytes.buffer);
    expect([dv.getUint8(0), dv.getUint8(1), dv.getUint16(2, true), dv.getUint16(40, true)]).toEqual([27, 0x20, 0x12, 3]);
  });

  it('kbuf.add without a registered ring in the scenario is a compile error', () => {
    expect(() => compile([{ op: 'kbuf.add', ring: 'r', bgid: 9, bufs: [{ addr: 4096, len: 1, bid: 0 }] }])).toThrow(/no buffer ring/);
  });
});
