// The rsrc steps compile to the runner's primitives with the UAPI layouts, reject what the runner
// or the kernel's argument cannot hold, and their fuzz generators make steps that parse.

import { describe, expect, it } from 'vitest';
import { compileScenario, parseScenario, programToText, type ScenarioInput } from '@uringlab/ring/extend';
import { RSRC_STEPS, extension } from '../src/index.js';

function compile(steps: unknown[]) {
  const s = parseScenario({ name: 't', pins: 'a step test of rsrc', steps } as unknown as ScenarioInput, [extension]);
  return compileScenario(s, [extension]);
}

describe('rsrc steps', () => {
  it('register v2 lays out the iovecs, the tags and io_uring_rsrc_register, passing its size', () => {
    const p = compile([
      { op: 'setup', ring: 'r', entries: 4 }, { op: 'region', name: 'b', size: 8192 },
      { op: 'rsrc.register', ring: 'r', via: 'v2', buffers: [{ region: 'b', offset: 16, len: 100 }, null], tags: [5, 0] },
    ]);
    const text = programToText(p);
    expect(text).toMatch(/^wmem _iov\d+ 0 0{16}64000000000000000{32} @0=a:b:16$/m);
    expect(text).toMatch(/^wmem _tags\d+ 0 05000000000000000{16}$/m);
    expect(text).toMatch(/^register r 15 32 _rr\d+ 0$/m);
    const rr = text.split('\n').find((l) => l.startsWith('wmem _rr'))!;
    expect(rr).toMatch(/^wmem _rr\d+ 0 02000000000000000000000000000000[0-9a-f]{32} @16=a:_iov\d+:0 @24=a:_tags\d+:0$/);
  });

  it('clone takes a ring name as an fd fixup and sets SRC_REGISTERED and DST_REPLACE', () => {
    const p = compile([
      { op: 'setup', ring: 'a', entries: 4 }, { op: 'setup', ring: 'b', entries: 4 },
      { op: 'rsrc.clone', ring: 'b', src: 'a', replace: true, src_off: 1, dst_off: 2, nr: 3 },
    ]);
    const text = programToText(p);
    expect(text).toMatch(/^wmem _clone\d+ 0 0000000002000000010000000200000003000000000000000000000000000000 @0=f:a$/m);
    expect(text).toMatch(/^register b 30 1 _clone\d+ 0$/m);
  });

  it('status and drop_privileges compile to procstatus and creds (after require root)', () => {
    const text = programToText(compile([{ op: 'rsrc.drop_privileges', memlock: 65536 }, { op: 'rsrc.status' }]));
    expect(text).toContain('require root\ncreds 65534 65536\nprocstatus VmPin VmLck\n');
  });

  it('rejects tags on v1, unknown fields and an undefined region', () => {
    expect(() => compile([{ op: 'setup', ring: 'r', entries: 4 }, { op: 'region', name: 'b', size: 4096 }, { op: 'rsrc.register', ring: 'r', buffers: [null], tags: [1] }])).toThrow(/takes no tags/);
    expect(() => compile([{ op: 'setup', ring: 'r', entries: 4 }, { op: 'rsrc.register', ring: 'r', buffers: [], bogus: 1 }])).toThrow();
    expect(() => compile([{ op: 'setup', ring: 'r', entries: 4 }, { op: 'rsrc.register', ring: 'r', buffers: [{ region: 'nope', len: 1 }] }])).toThrow(/nope/);
  });

  it('every generator makes steps that parse and compile', () => {
    const regions: { name: string; size: number }[] = [];
    let ud = 0;
    let n = 0;
    const env = {
      profile: '7.3', rings: [], fds: [], regions, boundWait: false,
      liveRings: () => [{ name: 'a' }, { name: 'b' }], openFds: () => [],
      fresh: (p: string) => `${p}${n++}`, userData: () => ++ud,
      region: (size: number) => (regions.length ? { name: regions[0]!.name, steps: [] } : (regions.push({ name: 'g0', size }), { name: 'g0', steps: [{ op: 'region', name: 'g0', size }] })),
      scratch: <T>(_k: string, init: () => T) => init(), require: () => {},
    };
    const steps: unknown[] = [{ op: 'setup', ring: 'a', entries: 4 }, { op: 'setup', ring: 'b', entries: 4 }];
    for (let seed = 0; seed < 8; seed++) {
      let i = 0;
      const c = { int: (k: number) => (seed + i++) % k, pick: <T>(xs: readonly T[]) => xs[(seed + i++) % xs.length]!, rare: (k: number) => (seed + i++) % k === 1, bool: () => (seed + i++) % 2 === 1, subset: () => [] };
      for (const s of RSRC_STEPS) {
        const out = s.fuzz?.generate(c as never, env as never);
        if (out) steps.push(...out);
      }
    }
    expect(steps.length).toBeGreaterThan(30);
    expect(() => programToText(compile(steps))).not.toThrow();
  });
});
