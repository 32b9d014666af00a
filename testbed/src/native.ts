// The same runner on the host's own kernel: a second kernel version without a VM. The host's
// kernel log is not ours (other tenants, older boots), so no splat scan here.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { ignoreEvents, type OnEvent } from './events.js';
import { dirs as defaultDirs, type Dirs } from './paths.js';
import { supervise } from './proc.js';
import { programScenarioIds, programScenarioLines, RecordCollector } from './records.js';
import { finishResult, type RunResult } from './result.js';

export interface RunNativeOptions {
  programText: string;
  runnerPath: string;
  runnerArgs?: string[];
  /** Default 10 s plus 11 s per scenario. */
  hardTimeoutMs?: number;
  silenceTimeoutMs?: number;
  onEvent?: OnEvent;
  dirs?: Dirs;
}

/** Why io_uring cannot be used on this host, if the sysctl says so. */
export function ioUringDisabledReason(sysctl: string | undefined, isRoot: boolean): string | undefined {
  const v = sysctl?.trim();
  if (v === '2') return 'io_uring is disabled on this host (kernel.io_uring_disabled = 2)';
  if (v === '1' && !isRoot) {
    return 'io_uring is restricted on this host (kernel.io_uring_disabled = 1: root or io_uring_group only)';
  }
  return undefined;
}

/** A setup that fails with EPERM (-1) or ENOSYS (-38) in every scenario means io_uring is off. */
export function setupAllRefused(scenarios: Iterable<{ records: string[] }>): boolean {
  let setups = 0;
  for (const s of scenarios) {
    for (const r of s.records) {
      const m = /^setup \S+ (-?\d+)/.exec(r);
      if (!m) continue;
      setups++;
      if (m[1] !== '-1' && m[1] !== '-38') return false;
    }
  }
  return setups > 0;
}

function readSysctl(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/io_uring_disabled', 'utf8');
  } catch {
    return undefined; // kernels before 6.6 have no such switch
  }
}

export async function runNative(o: RunNativeOptions): Promise<RunResult> {
  const t0 = performance.now();
  const onEvent = o.onEvent ?? ignoreEvents;
  const ids = programScenarioIds(o.programText);
  const console: string[] = [];
  let spawnedAt = 0;
  const collector = new RecordCollector(
    ids,
    {
      onLine: (line) => {
        console.push(line);
        onEvent({ type: 'console', line });
      },
      onKernel: (rel, at) => onEvent({ type: 'kernel', release: rel, atMs: at }),
      onBegin: (id, at) => onEvent({ type: 'scenario-begin', id, atMs: at }),
      onEnd: (r) => onEvent({ type: 'scenario-end', id: r.id, status: r.status, ms: r.ms ?? 0 }),
    },
    () => performance.now() - spawnedAt,
    programScenarioLines(o.programText),
  );

  const disabled = ioUringDisabledReason(readSysctl(), process.getuid?.() === 0);
  if (disabled) {
    const r = finishResult({
      mode: 'native',
      notes: [disabled],
      collector,
      console,
      killedFor: undefined,
      timedOut: false,
      exitCode: 0,
      stderr: '',
      timings: { totalMs: performance.now() - t0 },
    });
    r.kernelRelease = release();
    r.outcome = 'unavailable';
    r.problem = disabled;
    return r;
  }

  const d = o.dirs ?? defaultDirs();
  mkdirSync(join(d.build, 'native'), { recursive: true });
  // One file per process: parallel runs (fuzz streams, another testbed run) share build/native.
  const program = join(d.build, 'native', `all-${process.pid}.prog`);
  writeFileSync(program, o.programText);
  // Scenarios create files in their working directory: give them a scratch one.
  const scratch = mkdtempSync(join(d.build, 'native', 'run-'));
  spawnedAt = performance.now();
  const run = await supervise(o.runnerPath, [...(o.runnerArgs ?? []), program], {
    cwd: scratch,
    hardTimeoutMs: o.hardTimeoutMs ?? 10_000 + 11_000 * Math.max(ids.length, 1),
    silenceTimeoutMs: o.silenceTimeoutMs ?? 30_000,
    onStdout: (chunk) => collector.write(chunk),
  }).finally(() => {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(program, { force: true });
  });

  const r = finishResult({
    mode: 'native',
    notes: [],
    collector,
    console,
    killedFor: run.killedFor,
    timedOut: run.timedOut,
    exitCode: run.exitCode,
    signal: run.signal,
    stderr: run.stderr,
    timings: { processMs: run.ms, totalMs: performance.now() - t0 },
  });
  r.kernelRelease ??= release();
  if (setupAllRefused(r.scenarios.values())) {
    r.outcome = 'unavailable';
    r.problem = 'io_uring_setup returned EPERM/ENOSYS in every scenario: io_uring is disabled or missing on this host';
  }
  return r;
}
