import { readFileSync, readdirSync } from 'node:fs';
import { runScenario, type ScenarioInput, type TraceEvent } from '../src/index.js';

export const SCENARIO_DIR = new URL('../scenarios/', import.meta.url);

export function loadScenario(name: string): ScenarioInput {
  return JSON.parse(readFileSync(new URL(`${name}.json`, SCENARIO_DIR), 'utf8')) as ScenarioInput;
}

export function scenarioNames(): string[] {
  return readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

export function traceOf(name: string, kernel: '7.3' | '6.18' = '7.3'): TraceEvent[] {
  return runScenario(loadScenario(name), { kernel }).trace;
}

export function cqes(trace: readonly TraceEvent[]) {
  return trace.flatMap((e) => (e.ev === 'cqe' ? [e] : []));
}

export function events<K extends TraceEvent['ev']>(trace: readonly TraceEvent[], ev: K) {
  return trace.filter((e): e is Extract<TraceEvent, { ev: K }> => e.ev === ev);
}
