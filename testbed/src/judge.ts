// The verdict for one scenario on one kernel: run it on the model with the kernel's profile,
// once with its own package's extensions and once with every extension, decode every record
// stream with the same decoder, and diff each model trace against the one kernel trace.

import {
  decodeRecords, diffTraces, runOnModel, type Extension, type KernelId, type TraceEvent,
} from '@uringlab/ring';
import { relative } from 'node:path';
import { aloneLabel, togetherLabel } from './model-sets.js';
import type { ScenarioResult } from './records.js';
import { REPO_DIR, type SuiteScenario } from './suite.js';

export type Verdict = 'agree' | 'diverge' | 'skip';

export interface ScenarioVerdict {
  name: string;
  source: string;
  /** The scenario file, relative to the repository when it is inside it. */
  file: string;
  pins: string;
  /** `agree` only when every model run agreed with the kernel. */
  verdict: Verdict;
  /** The verdict for its own package's model. */
  alone: Verdict;
  /** The verdict with every extension loaded; `same` when its own model already has them all. */
  together: Verdict | 'same';
  /** Why it was skipped. */
  reason?: string;
  /** The first divergence, in words, naming the model that diverged. */
  explanation?: string;
  /** The scenario step of the first divergence (its own model's, else the one with every extension), as written in the file. */
  at?: { step: number; source: string };
  /** Its own package's model's trace. */
  model: TraceEvent[];
  /** The trace with every extension loaded, when that model ran. */
  modelTogether?: TraceEvent[];
  kernel: TraceEvent[];
  /** The kernel's time for it, begin to end as the host saw it. */
  ms?: number;
  /** The time spent judging it: running both models and diffing their traces. */
  judgeMs?: number;
}

/** Why a scenario cannot run on this kernel at all, or undefined. */
export function skipReason(s: SuiteScenario, profile: KernelId): string | undefined {
  if (s.scenario.modelOnly) return `model only: ${s.scenario.modelOnly}`;
  if (s.scenario.kernels && !s.scenario.kernels.includes(profile)) return `applies to kernel ${s.scenario.kernels.join(', ')} only`;
  if (s.text === undefined) return 'uses an operation only the model can perform';
  return undefined;
}

/** What the kernel side gave: a skip, a run that produced no usable trace, or a trace. */
type KernelSide = (
  | { kind: 'skip'; reason: string }
  | { kind: 'broken'; explanation: string }
  | { kind: 'trace' }
) & { kernel: TraceEvent[]; ms?: number };

function kernelSide(s: SuiteScenario, profile: KernelId, result: ScenarioResult | undefined): KernelSide {
  const pre = skipReason(s, profile);
  if (pre) return { kind: 'skip', reason: pre, kernel: [] };
  if (!result || result.status === 'missing') {
    const why = result?.reason && result.reason !== 'never started' ? `: ${result.reason}` : '';
    return { kind: 'broken', explanation: `the kernel run produced no result for this scenario (the run stopped before it${why})`, kernel: [] };
  }
  const ran = { kernel: decodeRecords(s.program, result.records), ...(result.ms === undefined ? {} : { ms: result.ms }) };
  if (result.status === 'skip') return { kind: 'skip', reason: `requires ${result.reason ?? 'something'}, which this kernel's machine lacks`, ...ran };
  if (result.status === 'crash' || result.status === 'timeout') {
    // The whole run was cut short (QEMU killed, a deadline): say that, not that the runner crashed.
    if (result.reason && /^(QEMU|the runner) |^killed: |^(guest|runner) died|timeout after|no output for|did not start/.test(result.reason)) {
      return { kind: 'broken', explanation: `the kernel run stopped during this scenario: ${result.reason}`, ...ran };
    }
    return { kind: 'broken', explanation: `the runner ${result.status === 'crash' ? `crashed (${result.reason ?? 'signal'})` : 'timed out'} on the kernel`, ...ran };
  }
  return { kind: 'trace', ...ran };
}

type ModelRun = { trace: TraceEvent[]; error?: undefined } | { trace: TraceEvent[]; error: string };

/** Runs one model; a model that throws is a divergence to report, not a crash of the whole run. */
function runModel(s: SuiteScenario, profile: KernelId, extensions: readonly Extension[]): ModelRun {
  const seed = s.scenario.seed === undefined ? {} : { seed: s.scenario.seed };
  try {
    return { trace: decodeRecords(s.program, runOnModel(s.program, { profile, extensions, ...seed })) };
  } catch (e) {
    return { trace: [], error: `the model failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function verdictOf(s: SuiteScenario, k: KernelSide, m: ModelRun): { verdict: Verdict; explanation?: string; step?: number } {
  if (m.error !== undefined) return { verdict: 'diverge', explanation: m.error };
  if (k.kind === 'skip') return { verdict: 'skip' };
  if (k.kind === 'broken') return { verdict: 'diverge', explanation: k.explanation };
  // A record that did not survive the trip (cut short, garbled) says nothing about the kernel.
  const bad = k.kernel.find((e) => e.ev === 'error' && e.code === 'TRACE_INVALID');
  if (bad && bad.ev === 'error') {
    return { verdict: 'diverge', explanation: `the kernel run's records are malformed at step ${bad.step}: ${bad.message}` };
  }
  const d = diffTraces(m.trace, k.kernel, s.scenario);
  return d.agree ? { verdict: 'agree' } : { verdict: 'diverge', explanation: d.divergence!.explanation, step: d.divergence!.step };
}

/** One explanation for the divergences of both models, saying which one diverged. */
function explain(s: SuiteScenario, k: KernelSide, alone?: string, together?: string): string | undefined {
  if (!s.together) return alone;
  // The kernel side failed the same way for both: no model to name.
  if (k.kind === 'broken' && alone === together) return alone;
  const own = aloneLabel(s.extensions);
  const all = togetherLabel(s.together.extensions);
  if (alone !== undefined && alone === together) return `${own} and ${all}: ${alone}`;
  const parts = [alone === undefined ? '' : `${own}: ${alone}`, together === undefined ? '' : `${all}: ${together}`];
  return parts.filter(Boolean).join('\n') || undefined;
}

/**
 * The verdict for one scenario. Never throws: whatever goes wrong while judging (a record the
 * decoder cannot place, a bug here) makes the scenario DIVERGE with the reason, and the run goes on
 * to write its report.
 */
export function judge(s: SuiteScenario, profile: KernelId, result: ScenarioResult | undefined): ScenarioVerdict {
  return timed(s, result?.ms, () => judgeSide(s, profile, kernelSide(s, profile, result)));
}

/**
 * The verdict for a kernel trace recorded earlier and already decoded (a `kernel` field of
 * results.jsonl, a package's kernel-traces/ file): judged exactly as a fresh run's would be.
 */
export function judgeTrace(s: SuiteScenario, profile: KernelId, kernel: TraceEvent[]): ScenarioVerdict {
  const pre = skipReason(s, profile);
  return timed(s, undefined, () => judgeSide(s, profile, pre ? { kind: 'skip', reason: pre, kernel: [] } : { kind: 'trace', kernel }));
}

/** Never throws, and says how long judging took (the testbed's own clock, not a model's). */
function timed(s: SuiteScenario, ms: number | undefined, f: () => ScenarioVerdict): ScenarioVerdict {
  const t0 = performance.now();
  let v: ScenarioVerdict;
  try {
    v = f();
  } catch (e) {
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    v = {
      name: s.scenario.name, source: s.source, file: fileOf(s), pins: s.scenario.pins,
      verdict: 'diverge', alone: 'diverge', together: s.together ? 'diverge' : 'same',
      explanation: `the scenario could not be judged: ${why}`,
      model: [], kernel: [],
      ...(ms === undefined ? {} : { ms }),
    };
  }
  v.judgeMs = Math.round((performance.now() - t0) * 10) / 10;
  return v;
}

const fileOf = (s: SuiteScenario) => (s.file.startsWith(`${REPO_DIR}/`) ? relative(REPO_DIR, s.file) : s.file);

/** The step as the scenario file has it, for the report. */
function stepAt(s: SuiteScenario, step: number | undefined): ScenarioVerdict['at'] {
  if (step === undefined) return undefined;
  const src = s.scenario.steps[step];
  return { step, source: src === undefined ? (step < 0 ? 'before the first step' : '(no such step)') : JSON.stringify(src) };
}

function judgeSide(s: SuiteScenario, profile: KernelId, k: KernelSide): ScenarioVerdict {
  const aloneRun = runModel(s, profile, s.extensions);
  const a = verdictOf(s, k, aloneRun);
  // A skipped scenario has no kernel trace to judge a second model against.
  const togetherRun = s.together && k.kind !== 'skip' ? runModel(s, profile, s.together.extensions) : undefined;
  const t = togetherRun ? verdictOf(s, k, togetherRun) : undefined;
  const verdict: Verdict = a.verdict === 'skip' ? 'skip' : a.verdict === 'agree' && (t === undefined || t.verdict === 'agree') ? 'agree' : 'diverge';
  const explanation = explain(s, k, a.explanation, t?.explanation);
  const at = stepAt(s, a.step ?? t?.step);
  return {
    name: s.scenario.name, source: s.source, file: fileOf(s), pins: s.scenario.pins,
    verdict, alone: a.verdict, together: s.together ? (t?.verdict ?? 'skip') : 'same',
    ...(k.kind === 'skip' ? { reason: k.reason } : {}),
    ...(explanation === undefined ? {} : { explanation }),
    ...(at ? { at } : {}),
    model: aloneRun.trace,
    ...(togetherRun ? { modelTogether: togetherRun.trace } : {}),
    kernel: k.kernel,
    ...(k.ms === undefined ? {} : { ms: k.ms }),
  };
}
