import { describe, expect, it } from 'vitest';
import { Kernel, UringError, parseScenario, runScenario, IO_URING_PARAMS, encode, PAGE_SIZE } from '../src/extend.js';

describe('bad input gets a typed error', () => {
  it('names the step and field of an invalid scenario', () => {
    const bad = { name: 'x', pins: 'a scenario with a typo in it', steps: [{ op: 'setup', ring: 'r', entries: 4 }, { op: 'enter', ring: 'r', to_submit: -1 }] };
    const e = (() => { try { parseScenario(bad); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(UringError);
    expect((e as UringError).code).toBe('SCENARIO_INVALID');
    expect((e as UringError).message).toMatch(/step 1 \(enter\): to_submit/);
  });

  it('says when a step op is unknown', () => {
    expect(() => parseScenario({ name: 'x', pins: 'unknown step op for the parser', steps: [{ op: 'kbuf.provide' }] })).toThrow(/unknown step op "kbuf.provide"/);
  });

  it('rejects use of a ring before setup', () => {
    expect(() => runScenario({ name: 'x', pins: 'ring used before it exists', steps: [{ op: 'reap', ring: 'r' }] })).toThrow(/before a setup step/);
  });

  it('turns an unmodelled opcode into a model error record, not a crash', () => {
    const r = runScenario({ name: 'x', pins: 'opcode without a model yet', steps: [{ op: 'setup', ring: 'r', entries: 2 }, { op: 'sqe', ring: 'r', sqe: { opcode: 'OPENAT' } }, { op: 'enter', ring: 'r', to_submit: 1 }] });
    expect(r.trace.at(-1)).toMatchObject({ ev: 'error' });
    expect(JSON.stringify(r.trace.at(-1))).toMatch(/NOT_MODELLED: no loaded model implements IORING_OP_OPENAT/);
  });

  it('rejects an unknown kernel profile with UNSUPPORTED_PROFILE', () => {
    expect(() => new Kernel({ profile: '5.10' as '7.3' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_PROFILE' }));
  });
});

describe('system call errors', () => {
  it('io_uring_enter on a non-ring fd is EOPNOTSUPP, on a closed fd EBADF', () => {
    const k = new Kernel();
    const [r] = k.pipe();
    expect(k.io_uring_enter(r, 0, 0, 0)).toBe(-95);
    expect(k.io_uring_enter(999, 0, 0, 0)).toBe(-9);
  });

  it('setup with an unmapped params pointer is EFAULT; register past LAST is EINVAL', () => {
    const k = new Kernel();
    expect(k.io_uring_setup(4, 0x1000)).toBe(-14);
    const p = k.memory.mmap(PAGE_SIZE, 'p');
    k.memory.write(p.addr, encode(IO_URING_PARAMS, {}));
    const fd = k.io_uring_setup(4, p.addr);
    expect(fd).toBeGreaterThanOrEqual(3);
    expect(k.io_uring_register(fd, 38, 0, 0)).toBe(-22);
    expect(k.io_uring_enter(fd, 0, 0, 1 << 12)).toBe(-22);
  });
});
