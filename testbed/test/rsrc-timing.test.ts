// The timing programs of `pnpm testbed:rsrc-timing`: their text, how their records are read, and
// (when the runner can be built) the `advregion` primitive and one small case on this host.

import { execa } from 'execa';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildRunner, debianSysroot } from '../src/runner-build.js';
import { caseOps, timingCase, timingCases, timingProgram } from '../src/rsrc-timing/program.js';
import { readCase } from '../src/rsrc-timing/read.js';
import { compareCases } from '../src/rsrc-timing/compare.js';

const ROOTS = inject('devRoots');
const SKIP = ROOTS.length === 0;
let runnerPath = '';
beforeAll(async () => {
  if (!SKIP) runnerPath = (await buildRunner(debianSysroot(ROOTS))).runnerPath;
}, 120_000);

async function recs(program: string, id: string): Promise<string[]> {
  const r = await execa(runnerPath, ['-'], { input: program });
  return r.stdout.split('\n').filter((l) => l.startsWith(`@@ ${id} `)).map((l) => l.slice(4 + id.length)).filter((l) => l !== 'begin' && l !== 'end');
}

describe('timing programs', () => {
  it('register the pool in A, clone it into B, unregister both, each call timed', () => {
    const c = timingCase('thp', 8 << 20, 2 << 20, 2);
    expect(c.id).toBe('rsrc-time-thp-8m-2m');
    const ops = caseOps(c);
    expect(ops.slice(0, 3)).toEqual(['require root', 'advregion pool 8388608 thp', 'region iov 64']);
    expect(ops[3]).toMatch(/^wmem iov 0 [0-9a-f]{128} @0=a:pool:0 @16=a:pool:2097152 @32=a:pool:4194304 @48=a:pool:6291456$/);
    expect(ops.filter((o) => o.startsWith('time register register A 0 4 iov 0'))).toHaveLength(2);
    expect(ops.filter((o) => o.startsWith('time clone register B 30 1 cl 0'))).toHaveLength(2);
    expect(ops.slice(-2)).toEqual(['register B 1 0 - 0', 'register A 1 0 - 0']);
  });

  it('split iovec arrays past the runner\'s tokens a line', () => {
    const ops = caseOps(timingCase('base', 64 << 20, 4096, 1));
    const wmem = ops.filter((o) => o.startsWith('wmem iov'));
    expect(wmem).toHaveLength(17);
    expect(Math.max(...wmem.map((l) => l.split(' ').length))).toBeLessThan(4096);
  });

  it('never repeat an id and stay inside the mapping limit', () => {
    for (const mode of ['native', 'vm'] as const) {
      const cs = timingCases(mode);
      expect(new Set(cs.map((c) => c.id)).size).toBe(cs.length);
      expect(cs.every((c) => c.poolBytes <= 2 ** 30 && c.poolBytes / c.bufferBytes <= 16384)).toBe(true);
      expect(cs.some((c) => c.kind === (mode === 'native' ? 'thp' : 'hugetlb'))).toBe(true);
    }
  });

  it('read timings, and refuse a case whose calls failed', () => {
    const ok = readCase({ id: 'x', status: 'ok', records: ['advregion pool 0 8192', 'setup A 3 00', 'register A 0 0', 'time register 1500', 'register B 30 0', 'time clone 40'] });
    expect(ok).toEqual({ hugeKb: 8192, register: [1500], clone: [40] });
    expect(readCase({ id: 'x', status: 'ok', records: ['advregion pool 0 0', 'register A 0 -12', 'time register 5'] }).problem).toBe('register A opcode 0 returned -12');
    expect(readCase({ id: 'x', status: 'ok', records: ['advregion pool -12 0'] }).problem).toBe('advregion failed (-12)');
    expect(readCase(undefined).problem).toBe('no records');
  });

  it('compare against the model, and flag a THP pool the kernel did not back with huge pages', () => {
    const c = timingCase('thp', 8 << 20, 2 << 20);
    const cmp = compareCases([{ c, r: { hugeKb: 4096, register: [1000], clone: [100] } }], 'native');
    expect(cmp.rows[0]!.problem).toBe('only 4096 kB of the pool was huge pages');
    expect(cmp.rows[0]!.shape.folios).toBe(4);
    expect(cmp.fitted).toBeNull();
  });
});

describe.skipIf(SKIP)('advregion and a timing case on this host', () => {
  it('maps base pages, rejects a bad kind, and makes no region on failure', async () => {
    const p = timingProgram([]) + ['scenario h', '  advregion a 10000 base', '  rmem a 8191 2', '  rmem a 12284 4', '  advregion b 4096 jumbo', 'end', ''].join('\n');
    const r = await recs(p, 'h');
    expect(r[0]).toBe('advregion a 0 0');
    // 10000 bytes round up to 3 pages, each written once (1 at its first byte), the rest zero.
    expect(r[1]).toBe('mem a 8191 0001');
    expect(r[2]).toBe('mem a 12284 00000000');
    expect(r[3]).toMatch(/^error \d+ advregion: kind is base, thp or hugetlb, not 'jumbo'$/);
  });

  it('times a register and a clone of a small pool', async () => {
    const c = timingCase('base', 1 << 20, 256 << 10, 2);
    const r = readCase({ id: c.id, status: 'ok', records: await recs(timingProgram([c]), c.id) });
    if (r.problem?.startsWith('skipped')) return; // not root
    expect(r.problem).toBeUndefined();
    expect(r.register).toHaveLength(2);
    expect(r.clone).toHaveLength(2);
    expect(r.register.every((ns) => ns > 0) && r.clone.every((ns) => ns > 0)).toBe(true);
  });
});
