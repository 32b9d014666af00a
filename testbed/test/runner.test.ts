// The C runner on this host's kernel: builds it against liburing and the 7.3 headers that the
// testbed's own fetch provides (test/global-setup.ts) and runs small programs through it.
// Skipped, with the reason printed, when those could not be fetched.

import { execa } from 'execa';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildRunner, debianSysroot } from '../src/runner-build.js';

const ROOTS = inject('devRoots'); // liburing-dev 2.15, then linux-libc-dev 7.3
const SKIP = ROOTS.length === 0;
if (SKIP) console.warn(`runner tests skipped: ${inject('devRootsProblem')}`);

let runnerPath = '';

beforeAll(async () => {
  if (SKIP) return;
  runnerPath = (await buildRunner(debianSysroot(ROOTS))).runnerPath;
}, 120_000);

interface Run {
  /** All `@@` lines. */
  readonly lines: string[];
  /** A scenario's records without the `@@ ID ` prefix. */
  recs(id: string): string[];
  readonly ms: number;
}

async function run(program: string, args: string[] = []): Promise<Run> {
  const t0 = Date.now();
  const r = await execa(runnerPath, [...args, '-'], { input: program });
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('@@ '));
  return {
    lines,
    ms: Date.now() - t0,
    recs: (id) => lines.filter((l) => l.startsWith(`@@ ${id} `)).map((l) => l.slice(4 + id.length)),
  };
}

const scenario = (id: string, ...ops: string[]) => [`scenario ${id}`, ...ops.map((o) => `  ${o}`), 'end', ''].join('\n');

interface SqeFields { opcode?: number; flags?: number; fd?: number; off?: bigint; addr?: bigint; len?: number; opFlags?: number; userData?: bigint }

/** A 64-byte SQE (offsets of struct io_uring_sqe) as protocol hex. */
function sqe(f: SqeFields): string {
  const b = Buffer.alloc(64);
  b.writeUInt8(f.opcode ?? 0, 0);
  b.writeUInt8(f.flags ?? 0, 1);
  b.writeInt32LE(f.fd ?? 0, 4);
  b.writeBigUInt64LE(f.off ?? 0n, 8);
  b.writeBigUInt64LE(f.addr ?? 0n, 16);
  b.writeUInt32LE(f.len ?? 0, 24);
  b.writeUInt32LE(f.opFlags ?? 0, 28);
  b.writeBigUInt64LE(f.userData ?? 0n, 32);
  return b.toString('hex');
}

/** io_uring_params with the given setup flags (and optionally cq_entries for CQSIZE). */
function params(flags: number, cqEntries = 0): string {
  const b = Buffer.alloc(120);
  b.writeUInt32LE(cqEntries, 4);
  b.writeUInt32LE(flags >>> 0, 8);
  return b.toString('hex');
}

const hex = (s: string) => Buffer.from(s, 'hex');
const OP_NOP = 0;
const OP_READ = 22;
const SETUP_SQE128 = 1 << 10;
const SETUP_CQE32 = 1 << 11;
const SETUP_NO_MMAP = 1 << 14;
const SETUP_NO_SQARRAY = 1 << 16;

/** Field `name=value` of an `observe` record. */
function ringField(rec: string, name: string): number {
  const m = new RegExp(`\\b${name}=(\\d+)`).exec(rec);
  if (!m) throw new Error(`no ${name} in ${rec}`);
  return Number(m[1]);
}

describe.skipIf(SKIP)('runner on this kernel', () => {
  it('reuses the binary when nothing changed', async () => {
    const again = await buildRunner(debianSysroot(ROOTS));
    expect(again.rebuilt).toBe(false);
    expect(again.runnerPath).toBe(runnerPath);
  });

  it('prints the kernel release once, then begin/end around each scenario', async () => {
    const r = await run(scenario('a') + scenario('b', 'region P 16'));
    expect(r.lines[0]).toMatch(/^@@ - kernel \d+\.\d+/);
    expect(r.lines.slice(1)).toEqual(['@@ a begin', '@@ a end', '@@ b begin', '@@ b end']);
  });

  it('setup of a 4-entry ring reads back the 120-byte params', async () => {
    const r = await run(scenario('s', 'region P 4096', 'setup r 4 P 0'));
    const [rec] = r.recs('s').filter((l) => l.startsWith('setup '));
    const [, name, ret, h] = rec!.split(' ');
    expect(name).toBe('r');
    expect(Number(ret)).toBeGreaterThanOrEqual(0); // the ring fd
    const p = hex(h!);
    expect(p.length).toBe(120);
    expect(p.readUInt32LE(0)).toBe(4); // sq_entries
    expect(p.readUInt32LE(4)).toBe(8); // cq_entries
    expect(p.readUInt32LE(20) & 1).toBe(1); // features: SINGLE_MMAP
  });

  it('a failed setup records -errno and the params as they were', async () => {
    const r = await run(scenario('s', 'region P 4096', 'setup r 0 P 0', 'observe r'));
    const recs = r.recs('s');
    expect(recs[1]).toBe(`setup r -22 ${'00'.repeat(120)}`);
    expect(recs[2]).toMatch(/^error 4 ring 'r' is not mapped/);
  });

  it('a NOP round trip yields one CQE carrying its user_data', async () => {
    const r = await run(
      scenario('nop', 'region P 4096', 'setup r 4 P 0', `sqe r ${sqe({ opcode: OP_NOP, userData: 0xdeadbeefcafen })}`, 'enter r 1 1 1', 'reap r 0', 'observe r'),
    );
    const recs = r.recs('nop');
    expect(recs).toContain('enter r 1');
    const cqes = recs.filter((l) => l.startsWith('cqe r '));
    expect(cqes).toHaveLength(1);
    const c = hex(cqes[0]!.split(' ')[2]!);
    expect(c.length).toBe(16);
    expect(c.readBigUInt64LE(0)).toBe(0xdeadbeefcafen);
    expect(c.readInt32LE(8)).toBe(0);
    expect(recs).toContain('reaped r 1');
    const ring = recs.find((l) => l.startsWith('ring r '))!;
    expect([ringField(ring, 'sq_head'), ringField(ring, 'sq_tail'), ringField(ring, 'cq_head'), ringField(ring, 'cq_tail')]).toEqual([1, 1, 1, 1]);
  });

  it('an invalid SQ array entry is dropped and counted in sq_dropped', async () => {
    const r = await run(scenario('drop', 'region P 4096', 'setup r 4 P 0', `sqe r ${sqe({ userData: 1n })} array=9`, 'enter r 1 0 0', 'observe r'));
    const recs = r.recs('drop');
    expect(recs).toContain('enter r 0');
    const ring = recs.find((l) => l.startsWith('ring r '))!;
    expect(ringField(ring, 'sq_dropped')).toBe(1);
    expect(ringField(ring, 'sq_head')).toBe(1);
    expect(ringField(ring, 'cq_tail')).toBe(0);
  });

  it('reap honours MAX and reports what it consumed', async () => {
    const ops = ['region P 4096', 'setup r 4 P 0'];
    for (let i = 1; i <= 3; i++) ops.push(`sqe r ${sqe({ userData: BigInt(i) })}`);
    ops.push('enter r 3 3 1', 'reap r 2', 'reap r 0', 'reap r 0');
    const recs = (await run(scenario('m', ...ops))).recs('m');
    const reaped = recs.filter((l) => l.startsWith('reaped'));
    expect(reaped).toEqual(['reaped r 2', 'reaped r 1', 'reaped r 0']);
    const ids = recs.filter((l) => l.startsWith('cqe ')).map((l) => hex(l.split(' ')[2]!).readBigUInt64LE(0));
    expect(ids).toEqual([1n, 2n, 3n]);
  });

  it('a blocked wait returns -EINTR after the watchdog, and completes later', async () => {
    const read = sqe({ opcode: OP_READ, len: 16, off: 0xffffffffffffffffn, userData: 7n });
    const r = await run(
      scenario(
        'w',
        'region P 4096',
        'region BUF 4096',
        'setup r 4 P 0',
        'pipe a b',
        `sqe r ${read} @4=f:a @16=a:BUF:0`,
        // The wait is interrupted, but enter reports the submission: the kernel returns the
        // number submitted whenever it is nonzero.
        'enter r 1 1 1',
        'enter r 0 1 1',
        'write b 5 65',
        'enter r 0 1 1',
        'reap r 0',
        'rmem BUF 0 5',
      ),
    );
    const recs = r.recs('w');
    expect(recs).toContain('fd a 0');
    expect(recs.filter((l) => l.startsWith('enter'))).toEqual(['enter r 1', 'enter r -4', 'enter r 0']);
    expect(r.ms).toBeGreaterThanOrEqual(1900); // two waits, each ended by the default 1 s watchdog
    const c = hex(recs.find((l) => l.startsWith('cqe'))!.split(' ')[2]!);
    expect(c.readBigUInt64LE(0)).toBe(7n);
    expect(c.readInt32LE(8)).toBe(5);
    expect(recs).toContain('mem BUF 0 4142434445');
    // Not part of the trace: how many calls the watchdog ended, for the fuzzer's second look.
    expect(recs.at(-2)).toBe('watchdog 2');
  });

  it('--watchdog-ms shortens the watchdog; plain read is bounded too', async () => {
    const r = await run(scenario('rd', 'pipe a b', 'read a 8', 'write b 3 0', 'read a 8'), ['--watchdog-ms', '100']);
    expect(r.recs('rd')).toEqual(['begin', 'fd a 0', 'io a -4', 'io b 3', 'io a 3 000102', 'watchdog 1', 'end']);
    expect(r.ms).toBeLessThan(900);
  });

  it('reports a crash by signal and carries on with the next scenario', async () => {
    const r = await run(scenario('c', 'region P 16', 'raise 11') + scenario('next', 'region P 16'));
    expect(r.recs('c')).toEqual(['begin', 'crash SIGSEGV', 'end']);
    expect(r.recs('next')).toEqual(['begin', 'end']);
  });

  it('kills a scenario over its budget and reports timeout', async () => {
    const r = await run(scenario('t', 'sleep 5000') + scenario('after'), ['--budget-ms', '300']);
    expect(r.recs('t')).toEqual(['begin', 'timeout', 'end']);
    expect(r.recs('after')).toEqual(['begin', 'end']);
    expect(r.ms).toBeLessThan(3000);
  });

  it('reports a bad line as error LINE MESSAGE and ends only that scenario', async () => {
    const program = [
      'scenario e1',
      '  region P 16',
      '  rmem P 0 2',
      '  frobnicate 1 2',
      '  rmem P 0 2',
      'end',
      'stray line',
      scenario('e2', 'wmem P 0 00'),
      scenario('e3', 'region P 16', 'wmem P 0 0g'),
      scenario('e4', 'region P 16', 'wmem P 15 0000'),
      scenario('e5', 'region P 16', 'wmem P 0 00 @0=a:NOPE:0'),
      scenario('e6', 'region P 16', 'region P 16'),
      scenario('e7', 'enter'),
      'scenario e8',
      '  region P 16',
    ].join('\n');
    const r = await run(program);
    expect(r.recs('e1')).toEqual(['begin', 'mem P 0 0000', "error 4 unknown operation 'frobnicate'", 'end']);
    expect(r.lines).toContain("@@ - error 7 expected 'scenario ID', got 'stray'");
    expect(r.recs('e2')[1]).toMatch(/^error 9 no region 'P'/);
    expect(r.recs('e3')[1]).toMatch(/^error \d+ wmem: bad hex/);
    expect(r.recs('e4')[1]).toMatch(/^error \d+ P: range 15\+2 is outside/);
    expect(r.recs('e5')[1]).toMatch(/^error \d+ fixup names no region 'NOPE'/);
    expect(r.recs('e6')[1]).toMatch(/^error \d+ region 'P' already exists/);
    expect(r.recs('e7')[1]).toMatch(/^error \d+ enter: wrong number of arguments/);
    const e8Line = program.split('\n').indexOf('scenario e8') + 1;
    expect(r.recs('e8')).toEqual(['begin', `error ${e8Line} scenario has no 'end'`, 'end']);
  });

  it('require skips unmet scenarios', async () => {
    const r = await run(scenario('k', 'require kernel>=99.1', 'region P 16') + scenario('ok', 'require kernel>=5.1', 'require tcp', 'rmem P 0 1'));
    expect(r.recs('k')).toEqual(['begin', 'skip kernel>=99.1', 'end']);
    expect(r.recs('ok')[1]).toMatch(/^error \d+ no region 'P'/); // requirements met, so it ran on
    const bad = await run(scenario('u', 'require unicorns'));
    expect(bad.recs('u')[1]).toMatch(/^error 2 unknown requirement/);
  });

  it('applies a:, f: and k: fixups to copied bytes', async () => {
    const r = await run(scenario('f', 'region P 64', 'region Q 64', 'pipe a b', `wmem P 0 ${'00'.repeat(24)} @0=a:Q:16 @8=f:b @12=f:a @16=k:-2`, 'rmem P 0 24'));
    const rec = r.recs('f').find((l) => l.startsWith('mem P 0 '))!;
    const b = hex(rec.split(' ')[3]!);
    expect(b.readBigUInt64LE(0) % 4096n).toBe(16n); // a page-aligned region plus 16
    expect(b.readInt32LE(8)).toBe(b.readInt32LE(12) + 1); // pipe2 hands out consecutive fds
    expect(b.readBigInt64LE(16)).toBe(-2n);
  });

  it('fill, tmpfile, eventfd, unixpair, tcppair and blockdev move bytes as specified', async () => {
    const r = await run(
      scenario(
        'fds',
        'region P 8',
        'fill P 2 4 254',
        'rmem P 0 8',
        'tmpfile t 300 10',
        'read t 4',
        'eventfd e 3 0',
        'read e 8',
        'unixpair u v',
        'write u 2 7',
        'read v 4',
        'tcppair c s',
        'write c 3 1',
        'read s 3',
        'blockdev n /dev/null 0',
        'close n',
        'close n',
      ),
    );
    expect(r.recs('fds')).toEqual([
      'begin',
      'mem P 0 0000feff00010000',
      'fd t 0',
      'io t 4 0a0b0c0d',
      'fd e 0',
      'io e 8 0300000000000000',
      'fd u 0',
      'io u 2',
      'io v 2 0708',
      'fd c 0',
      'io c 3',
      'io s 3 010203',
      'fd n 0',
      'close n 0',
      'close n -9',
      'end',
    ]);
  });

  it('writemem writes region bytes, poll waits up to its timeout, and time holds the inner records back', async () => {
    const r = await run(
      scenario(
        'pw',
        'eventfd e 0 2048',
        'region V 16',
        'wmem V 0 0500000000000000',
        'poll e 1 0',
        'time w writemem e V 0 8',
        'poll e 5 50',
        'read e 8',
        'poll e 1 30',
        'writemem e V 0 4',
        'time t2 time x read e 8',
      ),
    );
    const recs = r.recs('pw');
    expect(recs.slice(0, 4)).toEqual(['begin', 'fd e 0', 'poll e 0 0', 'io e 8']);
    expect(recs[4]).toMatch(/^time w \d+$/);
    expect(recs.slice(5, 9)).toEqual(['poll e 1 5', 'io e 8 0500000000000000', 'poll e 0 0', 'io e -22']);
    expect(recs[9]).toMatch(/^error \d+ time: needs one operation to time/);
    expect(r.ms).toBeGreaterThanOrEqual(30);
  });

  it('maps a ring region with mmap and registers through a region (probe)', async () => {
    const r = await run(
      scenario('mm', 'region P 4096', 'setup r 4 P 0', `sqe r ${sqe({})}`, 'enter r 1 1 1', 'mmap SQ r 0 64', 'rmem SQ 0 16', 'mmap bad r 0x40000000 64',
        'region PR 4096', 'register r 8 256 PR 0', 'rmem PR 0 2', 'register - 8 0 - 0'),
    );
    const recs = r.recs('mm');
    expect(recs).toContain('mmap SQ 0');
    // sq head and tail are at offsets 0 and 4 and cq head/tail at 8 and 12 on current kernels
    expect(recs).toContain('mem SQ 0 01000000010000000000000001000000');
    expect(recs.find((l) => l.startsWith('mmap bad '))).toMatch(/^mmap bad -\d+$/);
    expect(recs).toContain('register r 8 0');
    const probe = hex(recs.find((l) => l.startsWith('mem PR'))!.split(' ')[3]!);
    expect(probe[0]).toBeGreaterThan(40); // last_op
    // fd -1 reaches the "blind" register path, which knows only a few opcodes
    expect(recs.filter((l) => l.startsWith('register - 8 '))).toEqual(['register - 8 -22']);
  });

  it('uses program memory as the rings under NO_MMAP', async () => {
    const r = await run(
      scenario('nm', 'region P 4096', 'region RINGS 4096', 'region SQES 4096', `wmem P 0 ${params(SETUP_NO_MMAP)} @72=a:SQES:0 @112=a:RINGS:0`,
        'setup r 2 P 0', `sqe r ${sqe({ userData: 42n })}`, 'enter r 1 1 1', 'reap r 0', 'rmem SQES 32 8', 'rmem RINGS 0 16'),
    );
    const recs = r.recs('nm');
    expect(recs[1]).toMatch(/^setup r \d+ /);
    expect(hex(recs.find((l) => l.startsWith('cqe'))!.split(' ')[2]!).readBigUInt64LE(0)).toBe(42n);
    expect(recs).toContain('mem SQES 32 2a00000000000000');
    expect(recs).toContain('mem RINGS 0 01000000010000000100000001000000');
  });

  it('handles SQE128 + CQE32 + NO_SQARRAY rings (slot sizes doubled)', async () => {
    const big = sqe({ userData: 5n }) + 'ab'.repeat(64);
    const r = await run(
      scenario('big', 'region P 4096', `wmem P 0 ${params(SETUP_SQE128 | SETUP_CQE32 | SETUP_NO_SQARRAY)}`, 'setup r 2 P 0', `sqe r ${big}`, `sqe r ${sqe({ userData: 6n })}`,
        'enter r 2 2 1', 'reap r 0', `sqe r ${sqe({})} array=1`),
    );
    const recs = r.recs('big');
    const cqes = recs.filter((l) => l.startsWith('cqe')).map((l) => hex(l.split(' ')[2]!));
    expect(cqes.map((c) => c.length)).toEqual([32, 32]);
    expect(cqes.map((c) => c.readBigUInt64LE(0))).toEqual([5n, 6n]);
    expect(recs.at(-2)).toMatch(/^error \d+ array= on a ring without an SQ array/);
  });
});
