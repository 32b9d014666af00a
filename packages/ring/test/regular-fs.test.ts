// A tmpfile's filesystem: where io_uring does its I/O (tmpfs: io-wq for READ and WRITE; ext4:
// READ inline, WRITE io-wq; unnamed: inline), RWF_NOWAIT's answer, and what a faulting WRITE
// leaves (the file grows to the offset; a short WRITE at -1 keeps f_pos).
import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../src/index.js';
import { runScenario, type TraceEvent } from '../src/index.js';
import { RegularFile } from '../src/files/regular.js';
import { cqes, events } from './helpers.js';

const run = (steps: unknown[]) => runScenario({ name: 'regular-fs', pins: 'a regular-file filesystem unit test', steps } as ScenarioInput).trace;
const res = (t: readonly TraceEvent[]) => cqes(t).map((c) => c.errno ?? c.res);

/** A READ or WRITE of a file on `fs` and a NOP behind it, in one submission: whose CQE comes first? */
function first(op: 'READ' | 'WRITE', fs?: 'tmpfs' | 'ext4'): string {
  const t = run([
    { op: 'setup', ring: 'r', entries: 4 },
    { op: 'tmpfile', name: 'f', size: 4096, ...(fs ? { fs } : {}) },
    { op: 'region', name: 'm', size: 4096 },
    { op: 'sqe', ring: 'r', sqe: { opcode: op, fd: 'f', addr: { region: 'm' }, len: 16, off: 0, user_data: 1 } },
    { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: 2 } },
    { op: 'enter', ring: 'r', to_submit: 2, min_complete: 2, flags: ['GETEVENTS'] },
    { op: 'reap', ring: 'r' },
  ]);
  return cqes(t)[0]!.user_data === '1' ? 'inline' : 'io-wq';
}

describe('a tmpfile on a named filesystem', () => {
  it('tmpfs has no FMODE_NOWAIT: READ and WRITE go to io-wq; ext4 reads inline and writes from io-wq', () => {
    expect(first('READ', 'tmpfs')).toBe('io-wq');
    expect(first('WRITE', 'tmpfs')).toBe('io-wq');
    expect(first('READ', 'ext4')).toBe('inline');
    expect(first('WRITE', 'ext4')).toBe('io-wq');
    expect(first('READ')).toBe('inline');
    expect(first('WRITE')).toBe('inline');
  });

  it('answers RWF_NOWAIT by the filesystem', () => {
    const steps: unknown[] = [
      { op: 'setup', ring: 'r', entries: 8 },
      { op: 'tmpfile', name: 't', size: 64, fs: 'tmpfs' },
      { op: 'tmpfile', name: 'x', size: 64, fs: 'ext4' },
      { op: 'region', name: 'm', size: 4096 },
    ];
    let ud = 1;
    for (const fd of ['t', 'x']) for (const opcode of ['READ', 'WRITE']) {
      steps.push({ op: 'sqe', ring: 'r', sqe: { opcode, fd, addr: { region: 'm' }, len: 16, off: 0, user_data: ud++, op_flags: 8 } });
      steps.push({ op: 'enter', ring: 'r', to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] }, { op: 'reap', ring: 'r' });
    }
    expect(res(run(steps))).toEqual(['EOPNOTSUPP', 'EOPNOTSUPP', 16, 'EAGAIN']);
  });

  it('rejects a filesystem it does not know', () => {
    expect(() => new RegularFile(0, 0, undefined, 'xfs' as never)).toThrow(/tmpfs or ext4/);
  });
});

describe('a faulting WRITE of a regular file', () => {
  it('grows the file to its offset, never past it, and leaves f_pos', () => {
    const f = new RegularFile(100, 0);
    expect(f.faultedWrite(50)).toBe(-14);
    expect(f.size).toBe(100);
    expect(f.faultedWrite(8192)).toBe(-14);
    expect(f.size).toBe(8192);
    expect(f.read(4, 8000).data).toEqual(new Uint8Array(4));
    expect(f.faultedWrite(100_000, true)).toBe(-14);
    expect(f.size).toBe(8192);
    expect(f.pos).toBe(0);
  });

  it('a short WRITE at offset -1 keeps f_pos where it was (fstat shows it)', () => {
    const t = run([
      { op: 'setup', ring: 'r', entries: 4 },
      { op: 'tmpfile', name: 'f', size: 0 },
      { op: 'region', name: 'b', size: 4096, fill: 1 },
      { op: 'region', name: 'v', size: 4096 },
      { op: 'write_mem', region: 'v', offset: 0, struct: 'iovec', fields: { iov_base: { region: 'b' }, iov_len: 8 } },
      { op: 'write_mem', region: 'v', offset: 16, struct: 'iovec', fields: { iov_base: 0, iov_len: 8 } },
      { op: 'sqe', ring: 'r', sqe: { opcode: 'WRITEV', fd: 'f', addr: { region: 'v' }, len: 2, off: '18446744073709551615', user_data: 1 } },
      { op: 'enter', ring: 'r', to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] },
      { op: 'reap', ring: 'r' },
      { op: 'fstat', fd: 'f' },
    ]);
    expect(res(t)).toEqual([8]);
    expect(events(t, 'stat')).toMatchObject([{ res: 0, size: 8, pos: 0 }]);
  });
});
