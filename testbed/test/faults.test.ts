// Fault injection into the testbed itself: a record cut short, a runner or QEMU killed from
// outside mid-run, a damaged package or unpacked file in the cache, a boot failure that must not
// brand the kernel image, a stage that throws. Each must end in a truthful verdict, a report on
// disk, and a failing exit code; none may leave a wrong verdict or a permanent wrong mark behind.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RUNNER_LIMITS, runOnModel } from '@uringlab/ring';
import { judge } from '../src/judge.js';
import { loadSuite } from '../src/suite.js';
import { conclude } from '../src/conclude.js';
import { programScenarioLines, RecordCollector } from '../src/records.js';
import { finishResult, type RunResult } from '../src/result.js';
import { checkDeb, checkTree, cleanStale, recordDeb, writeTreeManifest } from '../src/cache.js';
import { findDeb, refetchDamaged, unpack } from '../src/fetch.js';
import { clearFailures, imageId, markedBad, recordFailure, REQUIRED_FAILURES } from '../src/boot-marks.js';
import { parseConfig, readConfig, splatCoverage } from '../src/splat-classes.js';
import { buildRunner, debianSysroot } from '../src/runner-build.js';
import { runNative } from '../src/native.js';
import { dirs, TESTBED_DIR } from '../src/paths.js';
import { HUNG_TASK_CHECK_SECS, HUNG_TASK_TIMEOUT_SECS } from '../src/init-script.js';

const tmp = mkdtempSync(join(tmpdir(), 'uringlab-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const suite = await loadSuite({ filter: /^(nop-basic|link-failure-cancels|write-pipe-then-read)$/ });
const byName = (n: string) => suite.scenarios.find((s) => s.scenario.name === n)!;
const readJson = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;

/** A finished run of the given per-scenario records, as a native run would hand it over. */
function runOf(records: Record<string, string[]>, extra: Partial<Parameters<typeof finishResult>[0]> = {}): RunResult {
  const c = new RecordCollector(Object.keys(records));
  c.write(`@@ - kernel 7.3.4+deb13-amd64\n`);
  for (const [id, recs] of Object.entries(records)) c.write(`@@ ${id} begin\n${recs.map((r) => `@@ ${id} ${r}\n`).join('')}@@ ${id} end\n`);
  return finishResult({ mode: 'native', notes: [], collector: c, console: [], killedFor: undefined, timedOut: false, exitCode: 0, stderr: '', timings: { totalMs: 1 }, ...extra });
}

function concludeRun(run: RunResult | undefined, failure?: string) {
  const outDir = mkdtempSync(join(tmp, 'out-'));
  const verdicts = run ? suite.scenarios.map((s) => judge(s, '7.3', run.scenarios.get(s.program.id))) : [];
  const r = conclude({ outDir, mode: 'native', profile: '7.3', suite, run, layout: undefined, verdicts, ...(failure ? { failure } : {}), timings: {}, wallS: 1 });
  return { ...r, outDir, verdicts, summary: readJson(join(outDir, 'summary.json')), results: readFileSync(join(outDir, 'results.jsonl'), 'utf8') };
}

describe('a record cut short or garbled', () => {
  const s = byName('link-failure-cancels');
  const good = runOnModel(s.program, { profile: '7.3' });

  it('agrees when nothing was cut (the control)', () => {
    const r = concludeRun(runOf(Object.fromEntries(suite.scenarios.map((x) => [x.program.id, runOnModel(x.program, { profile: '7.3' })]))));
    expect(r.summary).toMatchObject({ ok: true, diverge: 0 });
    expect(r.exitCode).toBe(0);
  });

  it('marks that scenario DIVERGE with the reason, writes the report and fails the run', () => {
    const i = good.findIndex((x) => x.startsWith('cqe '));
    const cut = [...good.slice(0, i), good[i]!.slice(0, 20), ...good.slice(i + 1)];
    const records = Object.fromEntries(suite.scenarios.map((x) => [x.program.id, x === s ? cut : runOnModel(x.program, { profile: '7.3' })]));
    const r = concludeRun(runOf(records));
    const v = r.verdicts.find((x) => x.name === s.scenario.name)!;
    expect(v.verdict).toBe('diverge');
    expect(v.explanation).toMatch(/the kernel run's records are malformed at step \d+: malformed record "cqe r [0-9a-f]+": the CQE holds \d+ bytes, not 16 or 32/);
    expect(r.verdicts.filter((x) => x.verdict === 'agree')).toHaveLength(suite.scenarios.length - 1);
    expect(r.summary).toMatchObject({ ok: false, diverge: 1 });
    expect(r.results).toMatch(/malformed record/);
    expect(r.exitCode).toBe(1);
  });

  it('never lets judge() throw, whatever the records', () => {
    for (const recs of [['setup'], ['reaped r x'], ['ring r sq_head=1'], ['\u0000'], ['mem _arg0 0 zz'], ['error']]) {
      expect(() => judge(s, '7.3', { id: 'x', records: recs, status: 'ok' })).not.toThrow();
      expect(judge(s, '7.3', { id: 'x', records: recs, status: 'ok' }).verdict).toBe('diverge');
    }
    // A scenario the judge cannot even decode (a broken program) is a divergence with the reason.
    const broken = { ...s, program: { id: s.program.id, ops: null as never } };
    expect(judge(broken, '7.3', { id: 'x', records: good, status: 'ok' })).toMatchObject({ verdict: 'diverge', explanation: expect.stringMatching(/^the scenario could not be judged: TypeError/) });
  });

  it('maps the runner\'s error line to the operation that failed', () => {
    const text = `scenario a\n  region m 8\n  sqe r 00\nend\n\nscenario b\n  region m 8\nend\n`;
    const c = new RecordCollector(['a', 'b'], {}, undefined, programScenarioLines(text));
    c.write('@@ a begin\n@@ a error 3 no ring \'r\'\n@@ a end\n@@ b begin\n@@ b error 6 scenario has no \'end\'\n@@ b end\n');
    const got = c.result().scenarios;
    expect(got.get('a')!.records).toEqual(["error 1 no ring 'r'"]);
    expect(got.get('b')!.records).toEqual(["error - scenario has no 'end'"]);
  });
});

describe('a process killed from outside', () => {
  it('reports the signal and blames neither the kernel nor its image', () => {
    const r = runOf({}, { mode: 'vm', exitCode: undefined, signal: 'SIGKILL' });
    expect(r.outcome).toBe('died');
    expect(r.problem).toMatch(/^QEMU was killed by SIGKILL \(not by the testbed\)/);
    const t = runOf({}, { mode: 'vm', exitCode: 0, stderr: 'qemu-system-x86_64: terminating on signal 15 from pid 4242 (bash)\n' });
    expect(t.problem).toMatch(/^QEMU was killed by SIGTERM/);
    const ours = runOf({}, { mode: 'vm', exitCode: undefined, signal: 'SIGKILL', killedFor: 'no output for 30 s (hung or paused)', timedOut: true });
    expect(ours.problem).toMatch(/^killed: no output for 30 s/);
  });

  it('writes a failing report when a stage failed before anything was judged', () => {
    const r = concludeRun(undefined, 'damaged package in the download cache: delete /x/y.deb');
    expect(r.summary).toMatchObject({ ok: false, failure: expect.stringMatching(/delete \/x\/y\.deb/) });
    expect(readFileSync(join(r.outDir, 'report.html'), 'utf8')).toMatch(/The run stopped/);
    expect(r.exitCode).toBe(1);
  });
});

describe('the boot-failure mark', () => {
  const image = join(tmp, 'vmlinux');
  const marks = join(tmp, 'vmlinux.does-not-boot');
  writeFileSync(image, 'elf');

  it('needs repeated failures of the same image, keeps why, and clears when the image boots', () => {
    clearFailures(marks);
    expect(recordFailure(marks, imageId(image), '/init did not start within 30 s')).toBe(1);
    expect(markedBad(marks, imageId(image)).bad).toBe(false);
    expect(recordFailure(marks, imageId(image), 'QEMU exited (1)')).toBe(REQUIRED_FAILURES);
    expect(markedBad(marks, imageId(image))).toMatchObject({ bad: true, why: expect.stringMatching(/did not start within 30 s; .*QEMU exited \(1\)/) });
    // A new image (another size) starts from nothing; an old plain-text mark proves nothing.
    expect(markedBad(marks, { size: 1, mtimeMs: 1 }).bad).toBe(false);
    writeFileSync(marks, 'vmlinux did not boot\n');
    expect(markedBad(marks, imageId(image)).bad).toBe(false);
    clearFailures(marks);
    expect(existsSync(marks)).toBe(false);
  });
});

describe('the download cache', () => {
  const debs = join(tmp, 'debs');
  mkdirSync(debs, { recursive: true });
  const spec = { name: 'fake', version: '1.0-1' };
  const debFile = join(debs, 'fake_1.0-1_amd64.deb');
  const good = Buffer.from('!<arch>\n'.padEnd(4096, 'x'));

  it('detects a truncated or overwritten package against the size and hash recorded at download', async () => {
    writeFileSync(debFile, good);
    await recordDeb(debFile, 'download');
    expect(await checkDeb(debFile)).toEqual({ ok: true });
    truncateSync(debFile, 1000);
    expect(await checkDeb(debFile)).toMatchObject({ ok: false, why: 'it has 1000 bytes; 4096 were recorded when it was downloaded' });
    writeFileSync(debFile, Buffer.from(good).fill(0x79, 100, 200));
    expect(await checkDeb(debFile)).toMatchObject({ ok: false, why: expect.stringMatching(/sha256 [0-9a-f]{64} differs from the [0-9a-f]{64} recorded/) });
  });

  it('checks a package with no record against apt\'s index', async () => {
    const other = join(debs, 'other_2_amd64.deb');
    writeFileSync(other, good);
    expect(await checkDeb(other, async () => ({ size: 4096, sha256: '0'.repeat(64) }))).toMatchObject({ ok: false, why: expect.stringMatching(/apt's index says 4096 bytes, sha256 0{64}/) });
  });

  it('names the exact file to delete when it cannot fetch it again', async () => {
    const damaged = [{ spec, deb: debFile, why: 'it has 1000 bytes; 4096 were recorded when it was downloaded' }];
    const offline = refetchDamaged(damaged, {
      debsDir: debs, mirror: 'http://deb.debian.org/debian', notes: [], expected: async () => undefined,
      download: async () => { throw new Error('E: Failed to fetch http://deb.debian.org/debian/pool/fake.deb  Could not resolve host'); },
    });
    const e = await offline.then(() => undefined, (x: Error) => x);
    expect(e?.message).toMatch(new RegExp(`fetching again failed \\(E: Failed to fetch .*\\):\\n  ${debFile}: it has 1000 bytes[\\s\\S]*Delete ${debFile} and run again with access to http://deb.debian.org/debian\\.`));
    expect(readdirSync(debs).filter((n) => n.startsWith('.refetch-'))).toEqual([]);
    // The run that hit it still writes its report, naming the file, and fails.
    const r = concludeRun(undefined, e!.message);
    expect(r.summary).toMatchObject({ ok: false, failure: expect.stringContaining(`Delete ${debFile}`) });
    expect(r.exitCode).toBe(1);
  });

  it('fetches it again when it can, and the new file checks out', async () => {
    const notes: string[] = [];
    await refetchDamaged([{ spec, deb: debFile, why: 'truncated' }], {
      debsDir: debs, mirror: 'm', notes, expected: async () => undefined,
      download: async (_specs, dir) => writeFileSync(join(dir, 'fake_1.0-1_amd64.deb'), good),
    });
    expect(findDeb(debs, spec)).toBe(debFile);
    expect(await checkDeb(debFile)).toEqual({ ok: true });
    expect(notes).toEqual([`${debFile} was damaged (truncated); fetched it again`]);
  });

  it('detects a truncated unpacked file, and accepts an untouched tree from before manifests', () => {
    const tree = join(tmp, 'tree');
    mkdirSync(join(tree, 'usr/bin'), { recursive: true });
    writeFileSync(join(tree, 'usr/bin/tool'), 'x'.repeat(100));
    writeTreeManifest(tree);
    expect(checkTree(tree)).toEqual({ ok: true });
    truncateSync(join(tree, 'usr/bin/tool'), 10);
    expect(checkTree(tree)).toMatchObject({ ok: false, why: `${join(tree, 'usr/bin/tool')} has 10 bytes, 100 when unpacked` });
    // Legacy: an empty .complete written after the files, none changed since.
    writeFileSync(join(tree, '.complete'), '');
    expect(checkTree(tree)).toEqual({ ok: true });
    expect(readJson(join(tree, '.complete'))).toMatchObject({ version: 1 });
  });

  it('cleans half-unpacked folders of processes that are gone, not of live ones', () => {
    const pkgs = join(tmp, 'pkgs');
    mkdirSync(join(pkgs, 'a_1.partial-999999999'), { recursive: true });
    mkdirSync(join(pkgs, `b_1.partial-${process.pid}`), { recursive: true });
    expect(cleanStale([pkgs])).toEqual([join(pkgs, 'a_1.partial-999999999')]);
    expect(readdirSync(pkgs)).toEqual([`b_1.partial-${process.pid}`]);
  });

  const busyboxDeb = readdirSync(dirs().debs).find((n) => n.startsWith('busybox-static_') && n.endsWith('.deb'));
  it.skipIf(!busyboxDeb)('unpacks a package whose tree lost part of a file again, from the verified package', async () => {
    const dir = join(tmp, 'busybox');
    const deb = join(tmp, busyboxDeb!);
    copyFileSync(join(dirs().debs, busyboxDeb!), deb); // a private copy: the shared cache is never touched
    const notes: string[] = [];
    await unpack(deb, dir, notes);
    const bin = join(dir, 'usr/bin/busybox');
    const size = statSync(bin).size;
    truncateSync(bin, 4096);
    await unpack(deb, dir, notes);
    expect(statSync(bin).size).toBe(size);
    expect(notes).toEqual([`unpacked busybox again: ${bin} has 4096 bytes, ${size} when unpacked`]);
    expect(readdirSync(tmp).filter((n) => n.includes('.partial-'))).toEqual([]);
  });
});

describe('what the splat scan can claim', () => {
  const cfgPath = readdirSync(dirs().pkgs).filter((n) => n.startsWith('linux-base-')).map((n) => join(dirs().pkgs, n, 'usr/lib/modules', n.slice('linux-base-'.length).split('_')[0]!, 'config'))[0];
  const cfg = (cfgPath && readConfig(cfgPath)) || parseConfig('CONFIG_UBSAN=y\nCONFIG_RCU_STALL_COMMON=y\nCONFIG_RCU_CPU_STALL_TIMEOUT=21\nCONFIG_DETECT_HUNG_TASK=y\nCONFIG_SOFTLOCKUP_DETECTOR=y\n');

  it('says the pinned Debian kernel cannot report KASAN or lockdep, and reports hung tasks within the budget', () => {
    const c = splatCoverage(cfg, [`hung-task ${HUNG_TASK_TIMEOUT_SECS} ${HUNG_TASK_CHECK_SECS}`], 10);
    expect(c.cannot.map((x) => x.class)).toEqual(expect.arrayContaining(['kasan', 'lockdep', 'rcu-usage']));
    expect(c.reported).toEqual(expect.arrayContaining(['warning', 'bug', 'oops', 'hung-task']));
    expect(HUNG_TASK_TIMEOUT_SECS + 2 * HUNG_TASK_CHECK_SECS).toBeLessThan(10);
    // Without /init's setting (Debian's 120 s), hung tasks would only show long after the budget.
    expect(splatCoverage(cfg, [], 10).late.map((x) => x.class)).toContain('hung-task');
  });
});

describe('limits the runner and the compiler share', () => {
  it('are the same numbers in runner.h and RUNNER_LIMITS', () => {
    const h = readFileSync(join(TESTBED_DIR, 'runner', 'runner.h'), 'utf8');
    const def = (n: string) => {
      const m = new RegExp(`#define ${n} \\(?(\\d+)(?:ULL)?(?: << (\\d+)\\))?`).exec(h);
      if (!m) throw new Error(`no ${n} in runner.h`);
      return m[2] ? Number(m[1]) * 2 ** Number(m[2]) : Number(m[1]);
    };
    expect(def('NAME_MAX_LEN') - 1).toBe(RUNNER_LIMITS.nameLength);
    expect(def('MAX_REGIONS')).toBe(RUNNER_LIMITS.regions);
    expect(def('MAX_HANDLES')).toBe(RUNNER_LIMITS.handles);
    expect(def('MAX_TOKENS')).toBe(RUNNER_LIMITS.tokensPerLine);
    expect(def('MAX_REGION_SIZE')).toBe(RUNNER_LIMITS.regionSize);
    expect(def('MAX_MMAP_SIZE')).toBe(RUNNER_LIMITS.mmapSize);
    expect(def('MAX_IO_LEN')).toBe(RUNNER_LIMITS.ioLength);
    expect(def('MAX_TMPFILE_SIZE')).toBe(RUNNER_LIMITS.tmpfileSize);
  });
});

const ROOTS = inject('devRoots');
describe.skipIf(ROOTS.length === 0)('the real runner', () => {
  let runnerPath = '';
  beforeAll(async () => {
    runnerPath = (await buildRunner(debianSysroot(ROOTS))).runnerPath;
  }, 120_000);

  it('rejects a line holding a NUL byte instead of cutting it short', async () => {
    const root = mkdtempSync(join(tmp, 'nul-'));
    const text = 'scenario a\n  region m 8\n  rmem m 0 4\0 trailing\n  rmem m 0 2\nend\n';
    const r = await runNative({ programText: text, runnerPath, dirs: dirs(root) });
    expect(r.scenarios.get('a')!.records).toEqual(['error 1 the line holds a NUL byte']);
  });

  it('reports a runner killed from outside mid-run with its signal, and the report fails the run', async () => {
    const root = mkdtempSync(join(tmp, 'kill-'));
    const text = 'scenario slow\n  sleep 5000\nend\n';
    const prog = join(root, 'build', 'native', 'all-');
    let killed = false;
    const r = await runNative({
      programText: text, runnerPath, dirs: dirs(root),
      onEvent: (e) => {
        if (e.type !== 'scenario-begin' || killed) return;
        // The runner leads its own process group; kill the group, as an outside `kill -9 -PGID` would.
        for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          let cmd = '';
          try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
          // The group leader is the runner itself (its forked scenario child has the same command line).
          if (cmd.startsWith(runnerPath) && cmd.includes(prog) && readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2] === pid) {
            process.kill(-Number(pid), 'SIGKILL');
            killed = true;
            break;
          }
        }
      },
    });
    expect(killed).toBe(true);
    expect(r.outcome).toBe('died');
    expect(r.problem).toMatch(/^the runner was killed by SIGKILL \(not by the testbed\)/);
    const s = r.scenarios.get('slow')!;
    expect(s).toMatchObject({ status: 'crash', reason: expect.stringMatching(/^the runner was killed by SIGKILL/) });
  }, 30_000);
});
