// The layout/constant check: a small fixture with known-good and deliberately wrong entries,
// compiled against the unpacked 7.3 uapi headers; then the real @uringlab/ring descriptors.

import { describe, expect, inject, it } from 'vitest';
import {
  checkLayout,
  constantMatches,
  generateLayoutSource,
  parseProbeOutput,
  type LayoutConstant,
  type LayoutStruct,
} from '../src/layout-check.js';
import { debianSysroot } from '../src/runner-build.js';

const ROOTS = inject('devRoots'); // liburing-dev 2.15, then linux-libc-dev 7.3
const SKIP = ROOTS.length === 0;
if (SKIP) console.warn(`layout tests skipped: ${inject('devRootsProblem')}`);

// The runner's own include dirs: <linux/io_uring.h> then comes from linux-libc-dev 7.3.
const includeDirs = () => debianSysroot(ROOTS).includeDirs;

const CQE: LayoutStruct = {
  name: 'io_uring_cqe',
  c: 'struct io_uring_cqe',
  size: 16,
  fields: [
    { name: 'user_data', offset: 0, type: 'u64' },
    { name: 'res', offset: 8, type: 's32' },
    { name: 'flags', offset: 16, type: 'u32' }, // wrong on purpose: 12
    { name: 'imaginary', offset: 12, type: 'u32', noC: true }, // skipped
  ],
};

const PARAMS: LayoutStruct = {
  name: 'io_uring_params',
  c: 'struct io_uring_params',
  size: 120,
  fields: [
    { name: 'resv', offset: 28, type: 'u32', count: 3 }, // array: 3 x 4 bytes
    { name: 'sq_off.head', offset: 40, type: 'u32', c: 'sq_off.head' }, // nested designator
    { name: 'cq_off.user_addr', offset: 112, type: 'u64', c: 'cq_off.user_addr' },
    { name: 'wq_fd', offset: 24, type: 'u64' }, // wrong width on purpose: u32
    { name: 'no_such_member', offset: 0, type: 'u8' },
  ],
};

const GHOST: LayoutStruct = { name: 'ghost', c: 'struct uringlab_ghost', size: 8, fields: [{ name: 'x', offset: 0, type: 'u64' }] };

const CONSTANTS: LayoutConstant[] = [
  { name: 'IORING_OP_NOP', value: 0 },
  { name: 'EINTR', value: 4 },
  { name: 'IORING_REGISTER_FILES_SKIP', value: -2 }, // a negative int in C
  { name: 'IORING_OFF_PBUF_RING', value: 0x80000000 }, // ULL in C
  { name: 'IORING_REGISTER_USE_REGISTERED_RING', value: 0x80000000 }, // 1U << 31
  { name: 'IORING_CQE_F_32', value: 1 << 15 },
  { name: 'IORING_OP_LAST', value: 64 }, // wrong on purpose: 65 in 7.3
  { name: 'IORING_NOT_A_THING', value: 1 },
  { name: 'IORING_MAX_ENTRIES', value: 32768, noC: true }, // kernel-internal: skipped
];

describe('constant comparison', () => {
  it('compares at the C width, so signedness of the spelling does not matter', () => {
    expect(constantMatches(-2, 0xfffffffffffffffen, 4)).toBe(true);
    expect(constantMatches(0xfffffffe, 0xfffffffffffffffen, 4)).toBe(true);
    expect(constantMatches(0x80000000, 0xffffffff80000000n, 4)).toBe(true); // (1 << 31) as int
    expect(constantMatches(-2, 0xfffffffffffffffen, 8)).toBe(true);
    expect(constantMatches(0x1_0000_0001, 1n, 4)).toBe(false); // does not fit 32 bits
    expect(constantMatches(-2, 0xfffffffen, 8)).toBe(false);
    expect(constantMatches(1.5, 1n, 4)).toBe(false);
    expect(constantMatches(0x80000000n, 0x80000000n, 8)).toBe(true);
  });

  it('parses probe output', () => {
    const v = parseProbeOutput('noise\nL S io_uring_cqe 16\nL F io_uring_cqe.res 8 4\nL C EINTR 4 4\nL C X 18446744073709551614\n');
    expect(v.structs.get('io_uring_cqe')).toBe(16);
    expect(v.fields.get('io_uring_cqe.res')).toEqual({ offset: 8, size: 4 });
    expect(v.constants.get('EINTR')).toEqual({ value: 4n, width: 4 });
    expect(v.constants.get('X')).toEqual({ value: 0xfffffffffffffffen, width: 8 });
  });

  it('generates one printf per checked item and skips noC', () => {
    const src = generateLayoutSource([CQE], CONSTANTS);
    expect(src).toContain('sizeof(struct io_uring_cqe)');
    expect(src).toContain('__builtin_offsetof(struct io_uring_cqe, user_data)');
    expect(src).not.toContain('imaginary');
    expect(src).not.toContain('IORING_MAX_ENTRIES');
    expect(() => generateLayoutSource([{ ...CQE, fields: [{ name: 'x); evil(', offset: 0, type: 'u8' }] }], [])).toThrow(/not a C member/);
  });
});

describe.skipIf(SKIP)('layout check against the 7.3 uapi headers', () => {
  it('reports the fixture mismatches and nothing else', async () => {
    const r = await checkLayout({ includeDirs: includeDirs(), structs: [CQE, PARAMS, GHOST], constants: CONSTANTS });
    // 1+3 (cqe) + 1+5 (params) + 1+1 (ghost) + 8 constants; noC items are not counted
    expect(r.checked).toBe(20);
    expect(r.mismatches).toEqual([
      'io_uring_cqe.flags: TS offset 16, kernel header 12',
      'io_uring_params.wq_fd: TS offset 24 size 8, kernel header offset 24 size 4',
      "io_uring_params.no_such_member: member no_such_member not in the headers ('struct io_uring_params' has no member named 'no_such_member')",
      expect.stringMatching(/^ghost: struct uringlab_ghost not in the headers \(invalid application of 'sizeof' to incomplete type/),
      'IORING_OP_LAST: TS 64, header 65',
      expect.stringMatching(/^IORING_NOT_A_THING: constant not in the headers \('IORING_NOT_A_THING' undeclared/),
    ]);
    expect(r.report).toContain('io_uring_cqe.user_data: TS offset 0, kernel header 0 ✓');
    expect(r.report).toContain('io_uring_params.resv: TS offset 28, kernel header 28 ✓');
    expect(r.report).toContain('io_uring_params.sq_off.head: TS offset 40, kernel header 40 ✓');
    expect(r.report).toContain('IORING_REGISTER_FILES_SKIP: TS -2, header -2 ✓');
    expect(r.report).toContain('IORING_OFF_PBUF_RING: TS 2147483648 (0x80000000), header 2147483648 (0x80000000) ✓');
  }, 60_000);

  it('finds no mismatch in @uringlab/ring’s UAPI descriptors', async () => {
    const uapi = (await import('@uringlab/ring')) as unknown as { UAPI_STRUCTS: readonly LayoutStruct[]; UAPI_CONSTANTS: readonly LayoutConstant[] };
    const r = await checkLayout({ includeDirs: includeDirs(), structs: uapi.UAPI_STRUCTS, constants: uapi.UAPI_CONSTANTS });
    expect(r.checked).toBeGreaterThan(100);
    expect(r.mismatches).toEqual([]);
  }, 60_000);
});
