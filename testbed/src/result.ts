// The result of one run (a VM boot or a native run): per-scenario records plus how the run
// ended, the kernel log, splats and timings. Shared by vm.ts and native.ts.
import type { Accel } from './qemu-args.js';
import type { Collected, RecordCollector, ScenarioResult } from './records.js';

export interface Timings {
  /** Only when the run fetched itself (no `prepared` given). */
  fetchMs?: number;
  initramfsMs?: number;
  diskMs?: number;
  /** Process start → `@@ - kernel` (VM: QEMU spawn to /init running, modules loaded). */
  bootToKernelMs?: number;
  /** Process start → the first scenario's begin line. */
  bootToFirstScenarioMs?: number;
  /** Wall time of the QEMU (or runner) process. */
  processMs?: number;
  totalMs: number;
  /** Per scenario, begin → end as seen on the host. */
  scenarios: Record<string, number>;
}

/**
 * completed: the guest (or runner) ran to its end. timeout: killed by a deadline. died: the
 * guest or runner stopped early (panic, crash). error: QEMU failed (e.g. KVM internal error).
 * unavailable: nothing could run (e.g. io_uring disabled on the host).
 */
export type RunOutcome = 'completed' | 'timeout' | 'died' | 'error' | 'unavailable';

export interface RunResult extends Collected {
  mode: 'vm' | 'native';
  accel?: Accel;
  kernelImage?: 'vmlinux' | 'vmlinuz';
  outcome: RunOutcome;
  /** Human explanation when outcome is not `completed` (includes the console tail). */
  problem?: string;
  /** Decisions worth showing (accelerator choice, fallbacks, skipped splat scan...). */
  notes: string[];
  /** False in native mode: the host's log is not ours to judge. */
  splatScan: boolean;
  consoleTail: string[];
  timings: Timings;
}

export const TAIL_LINES = 40;

export interface FinishInput {
  mode: 'vm' | 'native';
  accel?: Accel;
  kernelImage?: 'vmlinux' | 'vmlinuz';
  notes: string[];
  collector: RecordCollector;
  console: string[];
  /** VM only: the kernel's console port. */
  kernelConsole?: string[];
  killedFor: string | undefined;
  timedOut: boolean;
  exitCode: number | undefined;
  /** The signal that ended the process, when one did (ours when killedFor is set, else from outside). */
  signal?: string | undefined;
  stderr: string;
  timings: Omit<Timings, 'scenarios' | 'bootToKernelMs' | 'bootToFirstScenarioMs'>;
}

/**
 * The signal that ended QEMU or the runner when the testbed did not send it: the process was
 * killed from outside (an OOM killer, a user's kill). QEMU exits on SIGTERM/SIGINT by itself and
 * says so on stderr ("terminating on signal 15 from pid N").
 */
export function externalSignal(i: Pick<FinishInput, 'killedFor' | 'signal' | 'stderr'>): string | undefined {
  if (i.killedFor) return undefined;
  if (i.signal) return i.signal;
  const m = /terminating on signal (\d+)/.exec(i.stderr);
  if (!m) return undefined;
  const names: Record<string, string> = { '1': 'SIGHUP', '2': 'SIGINT', '9': 'SIGKILL', '15': 'SIGTERM' };
  return names[m[1]!] ?? `signal ${m[1]}`;
}

/** "QEMU was killed by SIGKILL", or undefined. */
export function killedFromOutside(i: Pick<FinishInput, 'mode' | 'killedFor' | 'signal' | 'stderr'>): string | undefined {
  const sig = externalSignal(i);
  if (!sig) return undefined;
  const who = i.mode === 'vm' ? 'QEMU' : 'the runner';
  // A kill signal came from outside (the testbed kills with SIGKILL and says why); others are crashes.
  return ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'].includes(sig)
    ? `${who} was killed by ${sig} (not by the testbed)`
    : `${who} crashed with ${sig}`;
}

export function finishResult(i: FinishInput): RunResult {
  const tail = i.console.slice(-TAIL_LINES);
  const stderrTail = i.stderr.trim().split('\n').slice(-10).join('\n');
  let outcome: RunOutcome;
  let problem: string | undefined;
  const outside = killedFromOutside(i);
  if (outside) {
    // Nothing about the kernel or its image: the process was ended from outside mid-run.
    outcome = 'died';
    problem = outside;
  } else if (i.killedFor) {
    outcome = i.timedOut ? 'timeout' : 'error';
    problem = `killed: ${i.killedFor}`;
  } else if (i.mode === 'vm') {
    outcome = 'completed';
    const finished = i.exitCode === 0 && i.collector.result().kernelLogComplete;
    if (!finished) {
      outcome = i.exitCode === 0 ? 'died' : 'error';
      problem = i.exitCode === 0 ? 'the guest stopped before /init finished (kernel panic?)' : `QEMU exited with ${i.exitCode}`;
    }
  } else {
    outcome = i.exitCode === 0 ? 'completed' : 'died';
    if (outcome !== 'completed') problem = `runner exited with ${i.exitCode ?? 'a signal'}`;
  }
  if (problem) {
    problem += `\n--- last ${tail.length} console lines ---\n${tail.join('\n')}`;
    const kTail = (i.kernelConsole ?? []).slice(-TAIL_LINES);
    if (kTail.length) problem += `\n--- last ${kTail.length} kernel console lines ---\n${kTail.join('\n')}`;
    if (stderrTail) problem += `\n--- stderr ---\n${stderrTail}`;
  }
  const interrupted =
    outcome === 'completed'
      ? undefined
      : {
          status: outcome === 'timeout' ? ('timeout' as const) : ('crash' as const),
          reason: outside ?? i.killedFor ?? (i.mode === 'vm' ? 'guest died' : 'runner died'),
        };
  const collected = i.collector.result(interrupted, i.kernelConsole ?? []);
  const notes = [...i.notes];
  if (i.mode === 'native') notes.push('native run: the host kernel log is not scanned for splats');
  const scenarios: Record<string, number> = {};
  for (const [id, s] of collected.scenarios) if (s.ms !== undefined) scenarios[id] = s.ms;
  const firstBegin = i.collector.firstBeginAt;
  const timings: Timings = { ...i.timings, scenarios };
  // The collector's clock starts when the process is spawned.
  if (collected.kernelAtMs !== undefined) timings.bootToKernelMs = collected.kernelAtMs;
  if (firstBegin !== undefined) timings.bootToFirstScenarioMs = firstBegin;
  const result: RunResult = {
    ...collected,
    splats: i.mode === 'vm' ? collected.splats : [],
    mode: i.mode,
    outcome,
    notes,
    splatScan: i.mode === 'vm',
    consoleTail: tail,
    timings,
  };
  if (i.accel) result.accel = i.accel;
  if (i.kernelImage) result.kernelImage = i.kernelImage;
  if (problem) result.problem = problem;
  return result;
}

/** A run passes the testbed's own checks (the diff against the model is separate). */
export function runProblems(r: RunResult): string[] {
  const out: string[] = [];
  if (r.outcome !== 'completed') out.push(`${r.outcome}: ${r.problem?.split('\n')[0] ?? ''}`);
  for (const s of r.splats) out.push(`kernel splat: ${s}`);
  return out;
}

/** JSON-friendly copy (the scenario Map becomes an array in program order). */
export function runResultToJson(r: RunResult): Omit<RunResult, 'scenarios'> & { scenarios: ScenarioResult[] } {
  return { ...r, scenarios: [...r.scenarios.values()] };
}
