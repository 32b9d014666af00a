// Where fuzz cases run: the host kernel (the native runner, in chunks), a VM boot per batch, or
// (for tests) a model standing in for the kernel. Each takes many programs at once, because a
// runner invocation or a boot costs far more than one case.

import { runOnModel, type Extension, type KernelId, type Program } from '@uringlab/ring';
import { runNative } from '../native.js';
import { runInVm } from '../vm.js';
import type { Prepared } from '../prepare.js';
import type { ScenarioResult } from '../records.js';
import { runProblems } from '../result.js';

export interface FuzzProgram {
  id: string;
  program: Program;
  text: string;
}

export interface BatchResult {
  release: string | undefined;
  results: Map<string, ScenarioResult>;
  /** Why the run as a whole failed (guest died, runner killed, kernel splat), if it did. */
  problems: string[];
}

export interface FuzzKernel {
  /** `host 6.18.44 (native)`, `7.3.0 (vm)`, `model 7.3`. */
  readonly label: string;
  /** `patient`: with the longer watchdog (and budget) of a second look at a case the watchdog cut short. */
  run(programs: readonly FuzzProgram[], opts?: { patient?: boolean }): Promise<BatchResult>;
}

/**
 * The runner's in-scenario watchdog for fuzz runs. The generators avoid waits that only the
 * watchdog ends, so it fires only where the model and the kernel disagree about blocking; a
 * short one keeps such cases cheap. Nothing in a case depends on its length: the timed waits
 * the generators make are 1 ms.
 */
export const FUZZ_WATCHDOG_MS = 100;
/**
 * The VM's: a TCG guest on a busy host can take longer than 100 ms to run an io-wq worker, and a
 * wait for its CQE then ended on the watchdog (seed 1, case 489: a waited tmpfs WRITE reaped
 * nothing). Only divergent cases pay for the longer one.
 */
export const FUZZ_VM_WATCHDOG_MS = 1000;
/**
 * A divergent case whose run the watchdog cut short runs again with this one (native and VM), so
 * a kernel that was only slow (an ext4 fsync on a loaded host took over 100 ms: fuzz-300003-3547)
 * is told from a wait that nothing ends, which the model and the kernel disagree about.
 */
export const FUZZ_PATIENT_WATCHDOG_MS = 3000;
const runnerArgs = (watchdogMs: number) => ['--watchdog-ms', String(watchdogMs), '--budget-ms', String(Math.max(5000, 4 * watchdogMs))];
const RUNNER_ARGS = runnerArgs(FUZZ_WATCHDOG_MS);

async function chunked(programs: readonly FuzzProgram[], size: number, one: (text: string) => Promise<BatchResult>): Promise<BatchResult> {
  const out: BatchResult = { release: undefined, results: new Map(), problems: [] };
  for (let i = 0; i < programs.length; i += size) {
    const r = await one(programs.slice(i, i + size).map((p) => p.text).join('\n'));
    out.release ??= r.release;
    for (const [k, v] of r.results) out.results.set(k, v);
    out.problems.push(...r.problems);
  }
  return out;
}

/** The host kernel: the native runner, at most `chunk` cases per invocation. */
export function nativeKernel(runnerPath: string, chunk = 1000): FuzzKernel {
  return {
    label: 'host kernel (native)',
    run: (programs, opts) =>
      chunked(programs, chunk, async (programText) => {
        const r = await runNative({ programText, runnerPath, runnerArgs: opts?.patient ? runnerArgs(FUZZ_PATIENT_WATCHDOG_MS) : RUNNER_ARGS });
        return { release: r.kernelRelease, results: r.scenarios, problems: runProblems(r) };
      }),
  };
}

/** The VM: one boot per `chunk` cases (a boot costs seconds under TCG). */
export function vmKernel(runnerPath: string, prepared: Prepared, chunk = 4000): FuzzKernel {
  return {
    label: `Linux ${prepared.sysroot.kernelRelease} (vm)`,
    run: (programs, opts) =>
      chunked(programs, chunk, async (programText) => {
        const r = await runInVm({ programText, runnerPath, prepared, runnerArgs: runnerArgs(opts?.patient ? FUZZ_PATIENT_WATCHDOG_MS : FUZZ_VM_WATCHDOG_MS) });
        return { release: r.kernelRelease, results: r.scenarios, problems: runProblems(r) };
      }),
  };
}

/** A model in the kernel's place (tests: an unmodified model judges a deliberately broken one). */
export function modelKernel(profile: KernelId, extensions: readonly Extension[] = []): FuzzKernel {
  return {
    label: `model ${profile}`,
    async run(programs) {
      const results = new Map<string, ScenarioResult>();
      for (const p of programs) {
        const records = runOnModel(p.program, { profile, extensions });
        results.set(p.id, { id: p.id, records, status: 'ok' });
      }
      return { release: profile, results, problems: [] };
    },
  };
}
