// --coverage: the DWARF and System.map parsing that decides which functions are io_uring's, the
// guest's awk programs (run with the guest's own busybox), the meta lines the guest sends, and the
// report. The samples in fixtures/ftrace/ are excerpts of Debian's 7.3.4 debug package (readelf
// output, System.map) and of a real guest's console.
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functionAt, functionsUnder, hex16, parseAranges, parseCuNames, parseSystemMap, unitOf } from '../src/coverage-dwarf.js';
import { HITS_AWK, SELECT_AWK, coverageScript, parseCoverageMeta, spanLine } from '../src/coverage-guest.js';
import { coveragePlan, coverageReport, coverageText, rememberTraceable } from '../src/coverage.js';
import { toStored, type StoredFunctions } from '../src/coverage-functions.js';
import { dirs } from '../src/paths.js';

const fx = (f: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'ftrace', f), 'utf8');
const lines = (f: string) => fx(f).split('\n');
const A = (s: string) => BigInt(`0x${s}`);

describe('io_uring functions from DWARF', () => {
  const names = parseCuNames(lines('cu-names-7.3.4.txt'));
  const ranges = parseAranges(lines('aranges-7.3.4.txt'), names);
  const symbols = parseSystemMap(fx('System.map-7.3.4.excerpt'));

  it('names compile units by their .debug_info offset', () => {
    expect(names.get(0x7c72c5d)).toBe('io_uring/io_uring.c');
    expect(names.get(0x7ce5024)).toBe('io_uring/kbuf.c');
    expect(names.get(0x7c63094)).toBe('block/holder.c');
  });

  it('reads every range of a unit, hot text, .text.unlikely and .init.text alike', () => {
    const io = ranges.filter((r) => r.file === 'io_uring/io_uring.c');
    expect(io).toHaveLength(22);
    expect(io.some((r) => r.start === A('ffffffff81a46660') && r.end === A('ffffffff81a46660') + 0x7eb8n)).toBe(true);
    expect(io.some((r) => r.start === A('ffffffff83b50240'))).toBe(true); // io_uring_init, __init
    // The excerpt starts inside another unit's list, whose offset line is cut off: ignored.
    expect(ranges.some((r) => r.start === A('ffffffff81a44da0'))).toBe(false);
  });

  it('finds the unit of an address, and none between units', () => {
    const at = (a: string) => unitOf(ranges, A(a))?.file;
    expect(at('ffffffff81a4ce50')).toBe('io_uring/io_uring.c'); // io_submit_sqes
    expect(at('ffffffff81a4ec70')).toBe('io_uring/kbuf.c'); // io_buffer_select
    expect(at('ffffffff81a46410')).toBe('block/holder.c');
    expect(at('ffffffff8123c200')).toBeUndefined(); // __pfx_ padding before a cold function
  });

  it('keeps functions of io_uring/ units, skips padding and other units, and closes a span at the next foreign symbol', () => {
    const set = functionsUnder(symbols, ranges, 'io_uring/');
    expect(set.functions.map((f) => `${f.name} ${f.file}`)).toEqual([
      'io_alloc_ocqe io_uring/io_uring.c',
      'list_add_tail io_uring/io_uring.c',
      'io_cqring_add_overflow io_uring/io_uring.c',
      '__traceiter_io_uring_create io_uring/io_uring.c',
      '__probestub_io_uring_create io_uring/io_uring.c',
      'io_wq_submit_work io_uring/io_uring.c',
      'io_submit_sqes io_uring/io_uring.c',
      'io_kbuf_recycle_legacy io_uring/kbuf.c',
      'io_buffer_select io_uring/kbuf.c',
    ]);
    // The excerpt has no unit for fdinfo.c or bpf-ops.c, so their symbols end the spans here.
    expect(set.spans.map((s) => [hex16(s.start), hex16(s.end)])).toEqual([
      ['ffffffff8123c210', 'ffffffff81240af4'],
      ['ffffffff81a46660', 'ffffffff81a700f0'],
    ]);
  });

  it('maps a traced call site (after the endbr64 of a global function) to its function', () => {
    const set = functionsUnder(symbols, ranges, 'io_uring/');
    expect(functionAt(set.functions, A('ffffffff81a4ce54'))?.name).toBe('io_submit_sqes');
    expect(functionAt(set.functions, A('ffffffff81a4ec70'))?.name).toBe('io_buffer_select');
    expect(functionAt(set.functions, A('ffffffff8123c000'))).toBeUndefined();
  });
});

describe('the guest side', () => {
  it('lists every 64 KiB granule a span touches', () => {
    expect(spanLine('ffffffff8123c210', 'ffffffff8124137f')).toBe('ffffffff8123c210 ffffffff8124137f ffffffff8123 ffffffff8124');
    expect(spanLine('ffffffff81a46660', 'ffffffff81a50000')).toBe('ffffffff81a46660 ffffffff81a50000 ffffffff81a4');
  });

  it('parses the meta lines of a real guest', () => {
    const g = parseCoverageMeta(lines('console-7.3.4.txt').map((l) => l.replace(/^@@ - /, '')));
    expect(g.text).toBe('ffffffff81000000');
    expect(g.filter).toBe(576);
    expect(g.traceable.get('ffffffff81a54290')).toBe('loop_rw_iter');
    expect([...g.hits.get(1)!]).toEqual(['ffffffff8123c520', 'ffffffff8123c550', 'ffffffff8123c674']);
    expect(g.lost.get(0)).toBe(0);
    expect(g.up.get('ran-0')! - g.up.get('part-0')!).toBeCloseTo(31.75, 2);
  });

  it('parses the line numbers of the list, and whether it came from a scan or from the cached list', () => {
    // From a real boot that used the cached list.
    const g = parseCoverageMeta(['cov cached', 'cov fn 139 ffffffff8123c210 io_alloc_ocqe', 'cov fn 140 ffffffff8123c360 io_cqring_add_overflow']);
    expect(g.list).toBe('cached');
    expect(g.lines.get('ffffffff8123c360')).toBe(140);
    expect(g.traceable.get('ffffffff8123c210')).toBe('io_alloc_ocqe');
    expect(parseCoverageMeta(['cov cached', 'cov stale', 'cov scanned']).list).toBe('stale');
  });

  it('makes /init run the runner once per part, with the tracer reset between', () => {
    const s = coverageScript({ runner: ['/runner'], parts: 2 });
    execFileSync('sh', ['-n'], { input: s });
    const at = (x: string) => s.indexOf(x);
    expect(at("'/runner' '/scenarios/part-0.prog'")).toBeGreaterThan(at('echo function > $T/current_tracer'));
    expect(at("'/runner' '/scenarios/part-1.prog'")).toBeGreaterThan(at('cov lost 0'));
    expect(s.match(/echo > \$T\/trace;/g)).toHaveLength(2);
  });

  // The awk programs run in the guest's busybox; the host runs the same binary on real samples.
  const busybox = (() => {
    const pkgs = dirs().pkgs;
    const d = existsSync(pkgs) ? readdirSync(pkgs).find((n) => n.startsWith('busybox-static_')) : undefined;
    const b = d && join(pkgs, d, 'usr', 'bin', 'busybox');
    return b && existsSync(b) ? b : undefined;
  })();
  const awk = (prog: string, ...files: string[]) => execFileSync(busybox!, ['awk', prog, ...files], { encoding: 'utf8' });

  it.skipIf(!busybox)('selects the traceable functions inside the spans, with their line numbers (busybox awk)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cov-'));
    writeFileSync(join(dir, 'spans'), `${spanLine('ffffffff8123c210', 'ffffffff8124137f')}\n${spanLine('ffffffff81a46660', 'ffffffff81a70240')}\n`);
    // available_filter_functions_addrs as the guest printed it, `LINE:` prefix removed (lines renumbered).
    writeFileSync(join(dir, 'aff'), fx('aff-7.3.4.txt'));
    const out = awk(SELECT_AWK, join(dir, 'spans'), join(dir, 'aff')).trim().split('\n');
    expect(out).toEqual([
      '4 ffffffff8123c210 io_alloc_ocqe',
      '5 ffffffff8123c360 io_cqring_add_overflow',
      '6 ffffffff8123c3d0 io_cqe_overflow',
      '7 ffffffff812401a0 __io_register_iowq_aff',
      '8 ffffffff81240724 io_uring_mmap',
      '9 ffffffff81240b20 common_tracking_show_fdinfo',
      '10 ffffffff81240bb4 io_uring_show_fdinfo',
      '16 ffffffff81a46674 __traceiter_io_uring_create',
      '17 ffffffff81a466f4 __probestub_io_uring_create',
      '18 ffffffff81a46714 __traceiter_io_uring_register',
      '19 ffffffff81a70054 bpf_io_unreg',
      '20 ffffffff81a700f4 bpf_io_uring_submit_sqes',
      '21 ffffffff81a70144 bpf_io_uring_get_region',
      '22 ffffffff81a701a4 io_unregister_bpf_ops',
    ]);
  });

  it.skipIf(!busybox)('reduces a raw function trace to its call sites (busybox awk)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cov-'));
    writeFileSync(join(dir, 'trace'), fx('trace-raw-7.3.4.txt'));
    expect(awk(HITS_AWK, join(dir, 'trace')).trim().split('\n')).toEqual(['ffffffff817c9140', 'ffffffff817c9140', 'ffffffff817c9140']);
  });
});

describe('the coverage report', () => {
  const stored: StoredFunctions = toStored({ abi: 'x', version: '1' }, 'linux-image-x-dbg=1', A('ffffffff81000000'), {
    functions: [
      { addr: A('ffffffff81a00000'), name: 'io_a', file: 'io_uring/io_uring.c' },
      { addr: A('ffffffff81a00100'), name: 'io_b', file: 'io_uring/io_uring.c' },
      { addr: A('ffffffff81a00200'), name: '__refcount_add.constprop.0', file: 'io_uring/io_uring.c' },
      { addr: A('ffffffff81a00300'), name: 'io_c', file: 'io_uring/kbuf.c' },
      { addr: A('ffffffff81a00400'), name: '__refcount_add.constprop.0', file: 'io_uring/kbuf.c' },
      { addr: A('ffffffff81a00500'), name: 'list_add_tail', file: 'io_uring/kbuf.c' },
      { addr: A('ffffffff81a00600'), name: 'io_c.cold', file: 'io_uring/kbuf.c' },
    ],
    spans: [{ start: A('ffffffff81a00000'), end: A('ffffffff81a00700') }],
  });
  const plan = coveragePlan(stored, [
    { source: '@uringlab/ring', id: 's1', text: 'scenario s1\nend' },
    { source: '@uringlab/kbuf-cache', id: 'k1', text: 'scenario k1\nend' },
    { source: '@uringlab/ring', id: 's2', text: 'scenario s2\nend' },
    { source: '@uringlab/ring', id: 'm', text: undefined },
  ], ['/runner']);
  const meta = [
    'cov text ffffffff81000000',
    'cov filter 5',
    'cov fn ffffffff81a00000 io_a',
    'cov fn ffffffff81a00104 io_b',
    'cov fn ffffffff81a00200 __refcount_add.constprop.0',
    'cov fn ffffffff81a00304 io_c',
    'cov fn ffffffff81a00400 __refcount_add.constprop.0',
    'cov part 0',
    'cov hit 0 ffffffff81a00000',
    'cov hit 0 ffffffff81a00400',
    'cov lost 0 0',
    'cov part 1',
    'cov hit 1 ffffffff81a00000',
    'cov hit 1 ffffffff81a00304',
    'cov hit 1 ffffffff81b00000',
    'cov lost 1 7',
  ];

  it('groups the runnable scenarios by package, one program file each', () => {
    expect(plan.parts.map((p) => [p.name, p.ids])).toEqual([['@uringlab/ring', ['s1', 's2']], ['@uringlab/kbuf-cache', ['k1']]]);
    expect(plan.guest.files.map((f) => f.path)).toEqual(['/coverage/spans', '/scenarios/part-0.prog', '/scenarios/part-1.prog']);
    expect(plan.kernelArgs).toEqual(['nokaslr']);
  });

  it('counts per package and overall, lists the unreached by file, and names duplicates with their file', () => {
    const r = coverageReport(stored, plan, meta, '7.3.4');
    expect(r.total).toBe(5);
    expect(r.untraceable).toBe(1); // list_add_tail; the .cold fragment is no function
    expect(r.packages.map((p) => [p.name, p.reached, p.total, p.lost_events])).toEqual([['@uringlab/ring', 2, 5, 0], ['@uringlab/kbuf-cache', 2, 5, 7]]);
    expect(r.packages[0]!.functions).toEqual(['__refcount_add.constprop.0@io_uring/kbuf.c', 'io_a']);
    expect(r.reached).toBe(3);
    expect(r.unreached).toEqual({ 'io_uring/io_uring.c': ['__refcount_add.constprop.0@io_uring/io_uring.c', 'io_b'] });
    expect(r.files).toEqual({ 'io_uring/io_uring.c': { reached: 1, total: 3 }, 'io_uring/kbuf.c': { reached: 2, total: 2 } });
    expect(r.problems).toEqual(['@uringlab/kbuf-cache: the trace buffer lost 7 events, so its figure is a lower bound']);
    expect(coverageText(r, true).join('\n')).toContain('the scenarios reach 3 of 5 traceable io_uring functions (60%)');
  });

  it('keeps a scanned list for the next boot, and neither a cached one nor one from a run with problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cov-'));
    const file = join(dir, 'k', 'traceable.txt');
    const scanned = ['cov scanned', ...meta.slice(0, 2), ...meta.slice(2, 7).map((l, i) => l.replace('cov fn ', `cov fn ${10 + i} `)), ...meta.slice(7, 15), 'cov lost 1 0'];
    const r = coverageReport(stored, plan, scanned, '7.3.4');
    expect(r.problems).toEqual([]);
    expect(rememberTraceable(file, scanned, r)).toBe(true);
    expect(readFileSync(file, 'utf8').split('\n')[1]).toBe('11 ffffffff81a00104 io_b');
    expect(rememberTraceable(file, scanned.map((l) => l.replace('cov scanned', 'cov cached')), r)).toBe(false);
    expect(rememberTraceable(file, scanned, coverageReport(stored, plan, meta, '7.3.4'))).toBe(false); // lost events
  });

  it('says so when the guest loaded elsewhere, or never set the tracer up', () => {
    const moved = coverageReport(stored, plan, ['cov text ffffffff9a000000', ...meta.slice(1)], '7.3.4');
    expect(moved.problems[0]).toMatch(/_text is ffffffff9a000000, System.map's ffffffff81000000/);
    const none = coverageReport(stored, plan, [], '7.3.4');
    expect(none.total).toBe(0);
    expect(none.problems).toContain('the guest reported no traceable io_uring function (it never reached the coverage setup)');
  });
});

describe('pnpm testbed --coverage', () => {
  const REPO = join(import.meta.dirname, '..', '..');
  const run = (args: string[]) =>
    execa(join(REPO, 'node_modules', '.bin', 'tsx'), ['--conditions=@uringlab/source', 'testbed/src/main.ts', ...args], { cwd: REPO, reject: false, timeout: 60_000, env: { CI: '1' } });

  it('refuses --native and --fuzz with exit code 2: only the guest kernel is ours to trace', async () => {
    for (const extra of [['--native'], ['--fuzz', '10']]) {
      const r = await run(['--coverage', ...extra]);
      expect(r.exitCode, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--coverage traces the guest kernel/);
    }
  }, 90_000);
});
