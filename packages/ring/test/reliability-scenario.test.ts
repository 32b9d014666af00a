// Reliability, class 1: scenario fields bounded the way the runner and the kernel bound them.
// Every input here is one the runner would reject (or that would wrap, or take the machine's
// memory); the compiler must reject it first, with SCENARIO_INVALID naming the step.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RUNNER_LIMITS, compileScenario, parseScenario, programToText } from '../src/index.js';
import { expectTyped, reportTallies } from './reliability-tally.js';

reportTallies('reliability scenario-bounds');

const doc = (steps: unknown[], name = 'rel') => ({ name, pins: 'a reliability input the compiler must reject', steps });
const compile = (d: unknown) => programToText(compileScenario(parseScenario(d)));
const setup = { op: 'setup', ring: 'r', entries: 4 };
const NAME_CHARS = fc.constantFrom(...'abcXYZ019_.-'.split(''));
const RUNS = { numRuns: 200 };

describe('names', () => {
  it('rejects names longer than the runner takes (63), for regions, fds, rings and scenarios', () => {
    fc.assert(fc.property(fc.string({ unit: NAME_CHARS, minLength: 64, maxLength: 300 }), fc.integer({ min: 0, max: 3 }), (n, where) => {
      const steps = [
        [{ op: 'region', name: n, size: 4096 }],
        [{ op: 'pipe', read: n, write: 'w' }],
        [{ op: 'setup', ring: n, entries: 4 }],
        [{ op: 'region', name: 'a', size: 8 }],
      ][where]!;
      expectTyped('names', n, () => compile(doc(steps, where === 3 ? n : 'rel')), 'SCENARIO_INVALID', /at most 63 characters/);
    }), RUNS);
  });

  it('accepts 63 characters', () => {
    const n = 'x'.repeat(63);
    expect(compile(doc([{ op: 'region', name: n, size: 8 }], n))).toContain(`region ${n} 8`);
  });

  it('rejects a name defined twice, naming both steps', () => {
    for (const [a, b] of [
      [{ op: 'region', name: 'm', size: 8 }, { op: 'region', name: 'm', size: 16 }],
      [{ op: 'pipe', read: 'p', write: 'q' }, { op: 'eventfd', name: 'q' }],
      [setup, { op: 'tmpfile', name: 'r', size: 1 }],
      [setup, setup],
    ] as const) {
      expectTyped('names', [a, b], () => compile(doc([a, b])), 'SCENARIO_INVALID', /step 1 \(\w+\): .* is already defined \(by step 0 \(\w+\)\)/);
    }
  });

  it('never lets a compiler region clash with a user name: an earlier user name is skipped, a later one is an error', () => {
    // The user took _params0 first: setup's own region is named differently.
    const text = compile(doc([{ op: 'region', name: '_params0', size: 8 }, setup]));
    expect(text).toMatch(/region _params1 120/);
    // The compiler took _params0 for step 0: a user region of that name later is rejected, naming why.
    expectTyped('names', '_params0 after setup', () => compile(doc([setup, { op: 'region', name: '_params0', size: 8 }])), 'SCENARIO_INVALID',
      /step 1 \(region\): region _params0 is already defined \(by the compiler, for step 0 \(setup\)\)/);
  });
});

describe('counts', () => {
  const regions = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ op: 'region', name: `m${from + i}`, size: 8 }));
  it('allows 128 regions and rejects the 129th; the compiler\'s own regions count', () => {
    expect(() => compile(doc(regions(128)))).not.toThrow();
    expectTyped('counts', '129 regions', () => compile(doc(regions(129))), 'SCENARIO_INVALID', /step 128 \(region\): more than 128 regions/);
    // setup makes a params region: it and 127 user regions fill the table, the next is one too many.
    expect(() => compile(doc([setup, ...regions(127)]))).not.toThrow();
    expectTyped('counts', 'setup + 128 regions', () => compile(doc([setup, ...regions(128)])), 'SCENARIO_INVALID', /step 128 \(region\): more than 128 regions/);
    expectTyped('counts', '128 regions + setup', () => compile(doc([...regions(128), setup])), 'SCENARIO_INVALID', /step 128 \(setup\): more than 128 regions .*compiler's own regions/);
  });

  it('allows 128 fds and rings and rejects more (a pipe takes two)', () => {
    const fds = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'eventfd', name: `e${i}` }));
    expect(() => compile(doc(fds(128)))).not.toThrow();
    expectTyped('counts', '129 fds', () => compile(doc(fds(129))), 'SCENARIO_INVALID', /step 128 \(eventfd\): more than 128 fds and rings/);
    expectTyped('counts', '127 fds + pipe', () => compile(doc([...fds(127), { op: 'pipe', read: 'a', write: 'b' }])), 'SCENARIO_INVALID', /step 127 \(pipe\): more than 128/);
    expectTyped('counts', '128 fds + ring', () => compile(doc([...fds(128), setup])), 'SCENARIO_INVALID', /step 128 \(setup\): more than 128/);
  });

  it('rejects a repeat whose user_data would count past 2^64 - 1', () => {
    const q = (ud: string, repeat: number) => doc([setup, { op: 'sqe', ring: 'r', repeat, sqe: { opcode: 'NOP', user_data: ud } }]);
    expect(() => compile(q('18446744073709551614', 2))).not.toThrow();
    expectTyped('counts', 'user_data wrap', () => compile(q('18446744073709551614', 3)), 'SCENARIO_INVALID', /step 1 \(sqe\): user_data .* passes 2\^64/);
  });
});

describe('numbers', () => {
  const U64 = 1n << 64n;
  it('rejects u64 strings past 2^64 - 1 (decimal and hex) instead of wrapping', () => {
    fc.assert(fc.property(fc.bigInt({ min: U64, max: U64 << 64n }), fc.boolean(), fc.constantFrom('user_data', 'off', 'addr', 'addr3'), (v, hex, f) => {
      const s = hex ? `0x${v.toString(16)}` : v.toString();
      expectTyped('u64', s, () => compile(doc([setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', [f]: s } }])), 'SCENARIO_INVALID', /step 1 \(sqe\): .*2\^64/);
    }), RUNS);
    // In range, the largest passes, and the SQE holds it exactly.
    expect(compile(doc([setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: '18446744073709551615' } }]))).toMatch(/sqe r 0{64}f{16}/);
  });

  it('rejects fds outside an s32 (no wrap of 2^32 to 0)', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -(2 ** 31) - 1 })), (fd) => {
      expectTyped('fd', fd, () => compile(doc([setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', fd } }])), 'SCENARIO_INVALID', /step 1 \(sqe\): .*s32/);
    }), RUNS);
    expect(() => compile(doc([setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', fd: -1 } }]))).not.toThrow();
  });

  it('rejects numbers that are not safe integers anywhere a number goes', () => {
    const bad = fc.constantFrom(1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 1e300, -0.5);
    fc.assert(fc.property(bad, fc.integer({ min: 0, max: 5 }), (v, where) => {
      const steps = [
        [setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: v } }],
        [setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', len: v } }],
        [{ op: 'setup', ring: 'r', entries: v }],
        [{ op: 'region', name: 'm', size: v }],
        [setup, { op: 'enter', ring: 'r', to_submit: v }],
        [{ op: 'region', name: 'm', size: 64 }, { op: 'read_mem', region: 'm', offset: v, len: 1 }],
      ][where]!;
      expectTyped('numbers', { v, where }, () => compile(doc(steps)), 'SCENARIO_INVALID', /step \d \(\w+\)/);
    }), RUNS);
  });

  it('rejects struct field values out of their C type, naming struct and field', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['io_uring_probe', { last_op: 256 }, /io_uring_probe\.last_op is a u8/],
      ['io_uring_buf_reg', { bgid: 65536 }, /io_uring_buf_reg\.bgid is a u16/],
      ['io_uring_rsrc_register', { nr: '4294967296' }, /io_uring_rsrc_register\.nr is a u32/],
      ['__kernel_timespec', { tv_sec: '9223372036854775808' }, /__kernel_timespec\.tv_sec is a s64/],
      ['io_uring_params', { resv: [1, 2, 3, 4] }, /io_uring_params\.resv holds 3 elements/],
    ];
    for (const [struct, fields, re] of cases) {
      expectTyped('numbers', { struct, fields }, () => compile(doc([{ op: 'region', name: 'm', size: 4096 }, { op: 'write_mem', region: 'm', struct, fields }])), 'SCENARIO_INVALID', re);
    }
  });
});

describe('sizes and lengths', () => {
  it('rejects huge files, reads, writes, regions and mmaps at once, without allocating them', () => {
    const L = RUNNER_LIMITS;
    const cases: [string, unknown[]][] = [
      ['tmpfile 1e12', [{ op: 'tmpfile', name: 'f', size: 1e12 }]],
      ['tmpfile past the limit', [{ op: 'tmpfile', name: 'f', size: L.tmpfileSize + 1 }]],
      ['write 2^32', [{ op: 'pipe', read: 'a', write: 'b' }, { op: 'write', fd: 'b', len: 2 ** 32 }]],
      ['read 2^40', [{ op: 'pipe', read: 'a', write: 'b' }, { op: 'read', fd: 'a', len: 2 ** 40 }]],
      ['region 2^40', [{ op: 'region', name: 'm', size: 2 ** 40 }]],
      ['mmap 2^31', [setup, { op: 'mmap', ring: 'r', region: 'm', offset: 0, size: 2 ** 31 }]],
      ['read_mem past the region', [{ op: 'region', name: 'm', size: 64 }, { op: 'read_mem', region: 'm', offset: 60, len: 8 }]],
      ['write_mem past the region', [{ op: 'region', name: 'm', size: 64 }, { op: 'write_mem', region: 'm', offset: 62, hex: '0011223344' }]],
      ['fill past the region', [{ op: 'region', name: 'm', size: 2 ** 20 }, { op: 'write_mem', region: 'm', offset: 2 ** 20, hex: '00' }]],
      ['register argument past the limit', [setup, { op: 'register', ring: 'r', opcode: 'PROBE', arg: { struct: 'io_uring_probe', extra: 2 ** 29 } }]],
    ];
    for (const [what, steps] of cases) {
      const t0 = performance.now();
      expectTyped('sizes', what, () => compile(doc(steps)), 'SCENARIO_INVALID', /step \d \(\w+\)/);
      expect(performance.now() - t0, what).toBeLessThan(500);
    }
  });

  it('takes sizes up to the limits', () => {
    const L = RUNNER_LIMITS;
    expect(() => compile(doc([{ op: 'tmpfile', name: 'f', size: L.tmpfileSize }, { op: 'write', fd: 'f', len: L.ioLength }, { op: 'read', fd: 'f', len: L.ioLength }]))).not.toThrow();
  });

  it('rejects what the runner rejects about SQEs: array= on a NO_SQARRAY ring', () => {
    expectTyped('sizes', 'array on NO_SQARRAY', () => compile(doc([{ op: 'setup', ring: 'r', entries: 4, flags: ['NO_SQARRAY'] }, { op: 'sqe', ring: 'r', array: 1, sqe: { opcode: 'NOP' } }])), 'SCENARIO_INVALID', /step 1 \(sqe\): array= on ring r/);
  });
});

describe('documents', () => {
  it('parses any JSON value into a scenario or a SCENARIO_INVALID, never another error', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      try {
        parseScenario(v);
        expect.unreachable('garbage parsed');
      } catch {
        expectTyped('documents', v, () => parseScenario(v), 'SCENARIO_INVALID');
      }
    }), { numRuns: 500 });
  });

  it('turns random steps into a program or a SCENARIO_INVALID naming the step', () => {
    const anyStep = fc.record({
      op: fc.constantFrom('setup', 'sqe', 'enter', 'reap', 'region', 'write_mem', 'read_mem', 'register', 'pipe', 'read', 'write', 'tmpfile', 'mmap', 'close', 'eventfd'),
      ring: fc.constantFrom('r', 's'), name: fc.constantFrom('m', 'n', '_arg0'), region: fc.constantFrom('m', 'n'), fd: fc.constantFrom('a', 'b', 'r'),
      read: fc.constant('a'), write: fc.constant('b'), entries: fc.integer({ min: 0, max: 9 }), size: fc.integer({ min: 0, max: 9000 }),
      len: fc.integer({ min: 0, max: 5000 }), offset: fc.integer({ min: 0, max: 9000 }), hex: fc.constantFrom('00', '0011', 'zz'),
      opcode: fc.constantFrom('NOP', 'PROBE', 'READ', 'constructor'), sqe: fc.constant({ opcode: 'NOP' }),
    }, { requiredKeys: ['op'] });
    fc.assert(fc.property(fc.array(anyStep, { minLength: 1, maxLength: 8 }), (steps) => {
      try {
        compile(doc(steps));
      } catch {
        expectTyped('documents', steps, () => compile(doc(steps)), 'SCENARIO_INVALID', /^SCENARIO_INVALID: (scenario|rel: step \d+ \(\w+\)): /);
      }
    }), { numRuns: 1000 });
  });
});
