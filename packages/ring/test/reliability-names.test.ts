// Reliability, class 2: names that live on Object.prototype (`__proto__`, `constructor`,
// `toString`, ...) are never table entries: not as flags, opcodes, register opcodes, struct or
// field names, nor as a kernel profile. Each is an unknown name with a typed error.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Kernel, UringError, compileScenario, getProfile, parseScenario, programToText } from '../src/index.js';
import { expectTyped, reportTallies } from './reliability-tally.js';

reportTallies('reliability prototype-names');

const PROTO_NAMES = [...new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Function.prototype),
  ...Object.getOwnPropertyNames(Array.prototype),
  'prototype',
])];
const protoName = fc.constantFrom(...PROTO_NAMES);
const doc = (steps: unknown[]) => ({ name: 'rel', pins: 'an Object.prototype name used as a table entry', steps });
const compile = (d: unknown) => programToText(compileScenario(parseScenario(d)));
const setup = { op: 'setup', ring: 'r', entries: 4 };
/** JSON.parse makes `__proto__` an own key, as a scenario file would. */
const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/"PROTO"/g, '"__proto__"')) as unknown;

describe('Object.prototype names are unknown names', () => {
  it('as flags of every table a step reads', () => {
    fc.assert(fc.property(protoName, fc.integer({ min: 0, max: 3 }), (n, where) => {
      const steps = [
        [setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', flags: [n] } }],
        [{ op: 'setup', ring: 'r', entries: 4, flags: [n] }],
        [setup, { op: 'enter', ring: 'r', flags: ['GETEVENTS', n] }],
        [setup, { op: 'cq_flags', ring: 'r', flags: [n] }],
      ][where]!;
      expectTyped('flags', n, () => compile(doc(steps)), 'SCENARIO_INVALID', /step \d \(\w+\): unknown \w+ flag/);
    }), { numRuns: 200 });
  });

  it('as opcodes and register opcodes, and no program line ever holds a function', () => {
    for (const n of PROTO_NAMES) {
      for (const prefix of ['', 'IORING_OP_']) {
        expectTyped('opcodes', n, () => compile(doc([setup, { op: 'sqe', ring: 'r', sqe: { opcode: prefix + n } }])), 'SCENARIO_INVALID', /step 1 \(sqe\): unknown opcode/);
      }
      for (const prefix of ['', 'IORING_REGISTER_', 'UNREGISTER_']) {
        const e = expectTyped('opcodes', n, () => compile(doc([setup, { op: 'register', ring: 'r', opcode: prefix + n }])), 'SCENARIO_INVALID', /step 1 \(register\): unknown register opcode/);
        expect(e?.message ?? '').not.toMatch(/function|native code/);
      }
    }
  });

  it('as struct names and struct field names', () => {
    for (const n of PROTO_NAMES) {
      const region = { op: 'region', name: 'm', size: 4096 };
      expectTyped('structs', n, () => compile(doc([region, { op: 'write_mem', region: 'm', struct: n }])), 'SCENARIO_INVALID', /unknown struct/);
      expectTyped('structs', n, () => compile(doc([region, { op: 'read_mem', region: 'm', struct: n }])), 'SCENARIO_INVALID', /unknown struct/);
      expectTyped('structs', n, () => compile(doc([setup, { op: 'register', ring: 'r', opcode: 'PROBE', arg: { struct: n } }])), 'SCENARIO_INVALID', /unknown struct/);
      const fields = viaJson({ [n === '__proto__' ? 'PROTO' : n]: 1 });
      expectTyped('structs', n, () => compile(doc([region, { op: 'write_mem', region: 'm', struct: 'io_uring_probe', fields }])), 'SCENARIO_INVALID',
        n === '__proto__' ? /__proto__ is not allowed/ : /io_uring_probe has no field/);
    }
  });

  it('as keys anywhere in a document (a dropped __proto__ key would go unnoticed)', () => {
    for (const d of [
      { name: 'rel', pins: 'a __proto__ key at the top', PROTO: { x: 1 }, steps: [setup] },
      doc([{ ...setup, PROTO: 1 }]),
      doc([setup, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', PROTO: 5 } }]),
    ]) {
      expectTyped('keys', d, () => compile(viaJson(d)), 'SCENARIO_INVALID', /the key [\w.]*__proto__ is not allowed/);
    }
  });

  it('as kernel profiles and error codes', () => {
    for (const n of PROTO_NAMES) {
      expectTyped('profiles', n, () => new Kernel({ profile: n as '7.3' }), 'UNSUPPORTED_PROFILE', /unknown kernel profile/);
      expectTyped('profiles', n, () => getProfile(n), 'UNSUPPORTED_PROFILE', /unknown kernel profile/);
      // A code that is an Object.prototype name carries no errno (not a function as errno).
      expect(new UringError(n as 'EINVAL', 'x').errno).toBe(0);
    }
  });
});
