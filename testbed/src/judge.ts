// The verdict for one scenario on one kernel: run it on the model with the kernel's profile,
// decode both record streams with the same decoder, and diff.

import {
  decodeRecords, diffTraces, runOnModel, type Extension, type KernelId, type TraceEvent,
} from '@uringlab/ring';
import type { ScenarioResult } from './records.js';
import type { SuiteScenario } from './suite.js';

export type Verdict = 'agree' | 'diverge' | 'skip';

export interface ScenarioVerdict {
  name: string;
  source: string;
  pins: string;
  verdict: Verdict;
  /** Why it was skipped. */
  reason?: string;
  /** The first divergence, in words. */
  explanation?: string;
  model: TraceEvent[];
  kernel: TraceEvent[];
  ms?: number;
}

/** Why a scenario cannot run on this kernel at all, or undefined. */
export function skipReason(s: SuiteScenario, profile: KernelId): string | undefined {
  if (s.scenario.modelOnly) return `model only: ${s.scenario.modelOnly}`;
  if (s.scenario.kernels && !s.scenario.kernels.includes(profile)) return `applies to kernel ${s.scenario.kernels.join(', ')} only`;
  if (s.text === undefined) return 'uses an operation only the model can perform';
  return undefined;
}

/** `extensions` overrides the scenario's own model (tests use it); by default its package's. */
export function judge(s: SuiteScenario, profile: KernelId, extensions: readonly Extension[] | undefined, result: ScenarioResult | undefined): ScenarioVerdict {
  const base = { name: s.scenario.name, source: s.source, pins: s.scenario.pins };
  const model = decodeRecords(s.program, runOnModel(s.program, { profile, extensions: extensions ?? s.extensions, ...(s.scenario.seed === undefined ? {} : { seed: s.scenario.seed }) }));
  const pre = skipReason(s, profile);
  if (pre) return { ...base, verdict: 'skip', reason: pre, model, kernel: [] };
  if (!result || result.status === 'missing') {
    return { ...base, verdict: 'diverge', explanation: 'the kernel run produced no result for this scenario (the guest stopped before it)', model, kernel: [] };
  }
  const kernel = decodeRecords(s.program, result.records);
  const ms = result.ms === undefined ? {} : { ms: result.ms };
  if (result.status === 'skip') return { ...base, verdict: 'skip', reason: `requires ${result.reason ?? 'something'}, which this kernel's machine lacks`, model, kernel, ...ms };
  if (result.status === 'crash' || result.status === 'timeout') {
    return { ...base, verdict: 'diverge', explanation: `the runner ${result.status === 'crash' ? `crashed (${result.reason ?? 'signal'})` : 'timed out'} on the kernel`, model, kernel, ...ms };
  }
  const d = diffTraces(model, kernel, s.scenario);
  return d.agree
    ? { ...base, verdict: 'agree', model, kernel, ...ms }
    : { ...base, verdict: 'diverge', explanation: d.divergence!.explanation, model, kernel, ...ms };
}
