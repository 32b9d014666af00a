// Reliability, class 3: the library API throws only UringError. Bad numbers in SQE fields and
// struct codecs, unknown fields, a null kernel, garbage JSONL, huge mmaps and files, malformed
// programs: each is a typed error naming what was wrong, and leaves nothing half-done.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IO_URING_PARAMS, IO_URING_SQE, Kernel, UAPI_STRUCTS, UserRing, compileScenario, decode, encode, fromHex, fromJsonl,
  parseScenario, programToText, runOnModel, runScenario, type SqeInit,
} from '../src/index.js';
import { expectTyped, reportTallies } from './reliability-tally.js';

reportTallies('reliability library-api');

/** Values that are not an integer, or not one that fits any field. */
const notAnInteger = fc.constantFrom<unknown>(1.5, -0.25, Number.NaN, Infinity, -Infinity, 2 ** 53, '7', '', null, {}, [], true, Symbol.for('x'));
const SQE_KEYS: (keyof SqeInit)[] = ['opcode', 'flags', 'ioprio', 'fd', 'off', 'addr', 'len', 'opFlags', 'userData', 'bufGroup', 'personality', 'fileIndex', 'addr3'];
/** Per field, a value just past its C type. */
const OUT_OF_RANGE: Partial<Record<keyof SqeInit, unknown[]>> = {
  opcode: [256, -1], flags: [256, -1], ioprio: [65536, -1], fd: [2 ** 31, -(2 ** 31) - 1], len: [2 ** 32, -1], opFlags: [2 ** 32],
  bufGroup: [65536], personality: [65536], fileIndex: [2 ** 32], off: [1n << 64n, -(1n << 63n) - 1n], userData: [1n << 64n], addr: [1n << 64n],
};

describe('UserRing', () => {
  it('rejects a bad number in any SQE field and leaves the SQ as it was', () => {
    const ring = new UserRing(new Kernel(), 8);
    fc.assert(fc.property(fc.constantFrom(...SQE_KEYS), notAnInteger, (k, v) => {
      const space = ring.sqSpace;
      expectTyped('sqe-fields', { [k]: String(v) }, () => ring.sqe({ opcode: 0, [k]: v } as unknown as SqeInit), 'EINVAL', new RegExp(`SQE field ${k}`));
      expect(ring.sqSpace).toBe(space);
    }), { numRuns: 300 });
    for (const [k, vals] of Object.entries(OUT_OF_RANGE)) {
      for (const v of vals) expectTyped('sqe-fields', { [k]: String(v) }, () => ring.sqe({ opcode: 0, [k]: v } as unknown as SqeInit), 'EINVAL', new RegExp(`SQE field ${k}`));
    }
    expect(ring.sqSpace).toBe(8);
  });

  it('rejects unknown SQE fields, a missing opcode, and non-objects', () => {
    const ring = new UserRing(new Kernel(), 4);
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(SQE_KEYS as string[]).includes(k)), (k) => {
      expectTyped('sqe-fields', k, () => ring.sqe(JSON.parse(`{"opcode":0,${JSON.stringify(k)}:1}`) as SqeInit), 'EINVAL', /unknown SQE field/);
    }), { numRuns: 200 });
    for (const v of [null, undefined, 5, 'x', [], {}]) expectTyped('sqe-fields', v, () => ring.sqe(v as unknown as SqeInit), 'EINVAL');
  });

  it('takes the values that fit, bigints past 2^53 included, and stores them exactly', () => {
    const k = new Kernel();
    const ring = new UserRing(k, 4);
    ring.sqe({ opcode: 0, userData: (1n << 64n) - 1n, off: -1n, fd: -1, len: 2 ** 32 - 1 });
    ring.submit();
    expect(ring.reap()[0]!.userData).toBe(2 ** 64 - 1);
  });

  it('rejects a kernel that is not one, and bad setup arguments', () => {
    for (const kern of [null, undefined, {}, 42, 'kernel', { io_uring_setup: 1 }]) {
      expectTyped('kernel', kern, () => new UserRing(kern as unknown as Kernel, 4), 'EINVAL', /UserRing needs a Kernel/);
    }
    for (const entries of [1.5, Number.NaN, -1, 2 ** 32, '4']) expectTyped('kernel', entries, () => new UserRing(new Kernel(), entries as number), 'EINVAL', /entries/);
    expectTyped('kernel', 'flags 1.5', () => new UserRing(new Kernel(), 4, { flags: 1.5 }), 'EINVAL', /setup flags/);
    const ring = new UserRing(new Kernel(), 4);
    for (const [off, ud] of [[1, 0], [-64, 0], [1e9, 0], [0, 1.5], [0, -1], [0, 2 ** 32], [Number.NaN, 0]] as const) {
      expectTyped('kernel', { off, ud }, () => ring.prepNop(off, ud), 'EINVAL', /prepNop/);
    }
    for (const w of [1.5, -1, Number.NaN]) expectTyped('kernel', w, () => ring.submitAndWait(w), 'EINVAL', /wait_nr/);
    expectTyped('kernel', 'register NaN', () => ring.register(Number.NaN, 0, 0), 'EINVAL', /register opcode/);
  });
});

describe('struct codecs', () => {
  const structs = fc.constantFrom(...UAPI_STRUCTS);
  it('rejects a bad value for any field of any UAPI struct', () => {
    fc.assert(fc.property(structs, fc.nat(), notAnInteger, (def, i, v) => {
      const f = def.fields[i % def.fields.length]!;
      fc.pre(!(Array.isArray(v) && f.count !== undefined)); // [] is a fine value for an array field
      expectTyped('codecs', `${def.name}.${f.name}=${String(v)}`, () => encode(def, { [f.name]: v as number }), 'EINVAL', new RegExp(`${def.name}\\.${f.name.replace('.', '\\.')}`));
    }), { numRuns: 400 });
  });

  it('rejects unknown field names and values past a field\'s type', () => {
    fc.assert(fc.property(structs, fc.string({ minLength: 1, maxLength: 16 }), (def, name) => {
      fc.pre(!def.fields.some((f) => f.name === name));
      expectTyped('codecs', name, () => encode(def, JSON.parse(`{${JSON.stringify(name)}:1}`) as Record<string, number>), 'EINVAL', /has no field/);
    }), { numRuns: 300 });
    expectTyped('codecs', 'u8 256', () => encode(IO_URING_SQE, { opcode: 256 }), 'EINVAL', /io_uring_sqe\.opcode is a u8/);
    expectTyped('codecs', 's32 2^31', () => encode(IO_URING_SQE, { fd: 2 ** 31 }), 'EINVAL', /io_uring_sqe\.fd is a s32/);
    expectTyped('codecs', 'u64 2^64', () => encode(IO_URING_SQE, { user_data: 1n << 64n }), 'EINVAL', /is a u64/);
    expectTyped('codecs', 'array too long', () => encode(IO_URING_PARAMS, { resv: [1, 2, 3, 4] }), 'EINVAL', /holds 3 elements/);
    expectTyped('codecs', 'values null', () => encode(IO_URING_SQE, null as unknown as Record<string, number>), 'EINVAL');
  });

  it('rejects short or non-byte input to decode and bad hex', () => {
    for (const b of [new Uint8Array(3), 'abc', null, [1, 2]]) expectTyped('codecs', b, () => decode(IO_URING_SQE, b as Uint8Array), 'EINVAL');
    fc.assert(fc.property(fc.string(), (s) => {
      fc.pre(s.length % 2 === 1 || /[^0-9a-f]/i.test(s));
      expectTyped('codecs', s, () => fromHex(s), 'EINVAL', /not a hex string/);
    }), { numRuns: 200 });
  });
});

describe('memory and files', () => {
  it('rejects huge or bad mmaps, files and I/O lengths, without allocating them', () => {
    const k = new Kernel();
    for (const size of [2 ** 31, 2 ** 40, 1e12, Number.MAX_SAFE_INTEGER]) {
      const t0 = performance.now();
      expectTyped('memory', size, () => k.memory.mmap(size, 'big'), 'ENOMEM', /maps at most/);
      expect(performance.now() - t0).toBeLessThan(100);
    }
    for (const size of [-1, 1.5, Number.NaN, '4096']) expectTyped('memory', size, () => k.memory.mmap(size as number, 'bad'), 'EINVAL');
    expectTyped('memory', 'tmpfile 1e12', () => k.tmpfile(1e12, 0), 'ENOSPC', /at most/);
    expectTyped('memory', 'tmpfile -1', () => k.tmpfile(-1, 0), 'EINVAL');
    const [r] = k.pipe();
    for (const len of [-1, 1.5, Number.NaN]) expectTyped('memory', len, () => k.read(r, len), 'EINVAL');
    expectTyped('memory', 'write string', () => k.write(r, 'abc' as unknown as Uint8Array), 'EINVAL');
  });
});

describe('traces and programs', () => {
  it('parses garbage JSONL into TRACE_INVALID naming the line, never a ZodError or SyntaxError', () => {
    const line = fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.constant('{"ev":"cqe","step":"x"}'), fc.constant('{"ev":"nope","step":1}'));
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), (lines) => {
      const text = lines.join('\n');
      try {
        fromJsonl(text);
      } catch {
        expectTyped('jsonl', text, () => fromJsonl(text), 'TRACE_INVALID', /line \d+ is not (JSON|a trace event)/);
      }
    }), { numRuns: 500 });
    expectTyped('jsonl', 42, () => fromJsonl(42 as unknown as string), 'TRACE_INVALID');
  });

  it('rejects a malformed program or scenario object handed to the API directly', () => {
    for (const p of [null, {}, { ops: 'x' }, 5]) {
      expectTyped('programs', p, () => runOnModel(p as never), 'EINVAL', /compiled program/);
      expectTyped('programs', p, () => programToText(p as never), 'SCENARIO_INVALID', /compiled program/);
      expectTyped('programs', p, () => compileScenario(p as never), 'SCENARIO_INVALID', /parsed scenario/);
    }
    // A NUL byte or a line break inside an operation would cut the runner's line short.
    const prog = compileScenario(parseScenario({ name: 'nul', pins: 'a program with a NUL byte', steps: [{ op: 'region', name: 'm', size: 8 }] }));
    for (const bad of ['m\0x', 'm\nregion y 8']) {
      const p = { id: 'nul', ops: [{ op: { op: 'region' as const, name: bad, size: 8 }, step: 0 }] };
      expectTyped('programs', bad, () => programToText(p), 'SCENARIO_INVALID', /NUL byte or a line break/);
    }
    expect(programToText(prog)).toBe('scenario nul\nregion m 8\nend\n');
    for (const d of ['not json', '{"name":1}', 42]) expectTyped('programs', d, () => runScenario(d), 'SCENARIO_INVALID');
  });
});
