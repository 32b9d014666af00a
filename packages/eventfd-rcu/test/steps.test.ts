// The eventfd.* steps compile to runner primitives: the register argument is an __s32 in a
// compiler-made region whose fd is an `f:` fixup, DISABLED is a cq_off.flags store, the counter is
// an 8-byte read/write, and timed calls are wrapped in `time`.

import { describe, expect, it } from 'vitest';
import { compileScenario, parseScenario, programToText } from '@uringlab/ring/extend';
import { countOf, extension } from '../src/index.js';

function compile(steps: Record<string, unknown>[]) {
  const doc = { name: 'x', pins: 'compile the eventfd steps', steps: [{ op: 'setup', ring: 'r', entries: 4 }, { op: 'eventfd', name: 'e', flags: ['NONBLOCK'] }, ...steps] };
  return compileScenario(parseScenario(doc, [extension]), [extension]);
}

const lines = (steps: Record<string, unknown>[]) => programToText(compile(steps)).split('\n').slice(5, -2);

describe('eventfd steps', () => {
  it('register writes the fd into memory through an f: fixup and passes its address', () => {
    expect(lines([{ op: 'eventfd.register', ring: 'r', fd: 'e' }])).toEqual(['region _evfd1 4', 'wmem _evfd1 0 00000000 @0=f:e', 'register r 4 1 _evfd1 0']);
    expect(lines([{ op: 'eventfd.register', ring: 'r', fd: -1, async: true, nr_args: 2 }])).toEqual(['region _evfd1 4', 'wmem _evfd1 0 ffffffff', 'register r 7 2 _evfd1 0']);
    expect(lines([{ op: 'eventfd.register', ring: 'r', fd: null }])).toEqual(['register r 4 1 - 0']);
  });

  it('unregister passes NULL unless asked otherwise; timed calls are wrapped', () => {
    expect(lines([{ op: 'eventfd.unregister', ring: 'r', timed: 'u' }])).toEqual(['time u register r 5 0 - 0']);
    expect(lines([{ op: 'eventfd.unregister', ring: 'r', arg_fd: 'e', nr_args: 1 }])).toEqual(['region _evfd1 4', 'wmem _evfd1 0 00000000 @0=f:e', 'register r 5 1 _evfd1 0']);
  });

  it('cycle repeats timed register/unregister pairs', () => {
    const l = lines([{ op: 'eventfd.cycle', ring: 'r', fd: 'e', count: 2 }]);
    expect(l.filter((x) => x.startsWith('time register'))).toHaveLength(2);
    expect(l.filter((x) => x.startsWith('time unregister'))).toHaveLength(2);
  });

  it('disable/enable store cq_off.flags; read/write move 8 bytes; wait polls for POLLIN', () => {
    expect(lines([{ op: 'eventfd.disable', ring: 'r' }, { op: 'eventfd.enable', ring: 'r' }])).toEqual(['cqflags r 1', 'cqflags r 0']);
    expect(lines([{ op: 'eventfd.write', fd: 'e', value: '0x0102030405060708' }, { op: 'eventfd.read', fd: 'e' }, { op: 'eventfd.wait', fd: 'e', timeout_ms: 20 }])).toEqual([
      'region _evval1 8', 'wmem _evval1 0 0807060504030201', 'writemem e _evval1 0 8', 'read e 8', 'poll e 1 20',
    ]);
    expect(lines([{ op: 'eventfd.write', fd: 'e', value: 1, len: 12 }])).toEqual(['region _evval1 12', 'wmem _evval1 0 010000000000000000000000', 'writemem e _evval1 0 12']);
  });

  it('rejects what cannot be compiled, naming the step', () => {
    expect(() => compile([{ op: 'eventfd.write', fd: 'e', value: '18446744073709551616' }])).toThrow(/does not fit in a u64/);
    expect(() => compile([{ op: 'eventfd.register', ring: 'q', fd: 'e' }])).toThrow(/ring q is used before a setup step/);
    expect(() => compile([{ op: 'eventfd.register', ring: 'r', fd: 'nope' }])).toThrow(/fd nope is used before it is created/);
    expect(() => compile([{ op: 'eventfd.read', fd: 'e', bogus: 1 }])).toThrow(/SCENARIO_INVALID/);
  });

  it('countOf decodes the read hex', () => {
    expect(countOf('0300000000000000')).toBe(3n);
    expect(countOf('ffffffffffffffff')).toBe(2n ** 64n - 1n);
    expect(countOf(undefined)).toBeUndefined();
  });
});
