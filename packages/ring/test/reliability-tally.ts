// Counts for the reliability suites: every bad input tried, and how many got the typed error the
// suite expects. Each suite prints its tally when it ends and fails unless the two are equal.

import { afterAll, expect } from 'vitest';
import { isUringError, type UringErrorCode } from '../src/index.js';

export interface Tally {
  tried: number;
  handled: number;
  /** The first few inputs that were not handled, for the failure message. */
  misses: string[];
}

const tallies = new Map<string, Tally>();

export function tally(cls: string): Tally {
  let t = tallies.get(cls);
  if (!t) {
    t = { tried: 0, handled: 0, misses: [] };
    tallies.set(cls, t);
  }
  return t;
}

function describe(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))?.slice(0, 200) ?? String(v);
  } catch {
    return String(v);
  }
}

/**
 * Runs fn on a bad input: handled when it throws a UringError with `code` whose message matches
 * `re` (and carries no stack frame). Returns the error, or undefined.
 */
export function expectTyped(cls: string, input: unknown, fn: () => unknown, code: UringErrorCode | readonly UringErrorCode[], re?: RegExp): Error | undefined {
  const t = tally(cls);
  t.tried++;
  const codes = typeof code === 'string' ? [code] : code;
  try {
    fn();
  } catch (e) {
    if (isUringError(e) && codes.includes(e.code) && (!re || re.test(e.message)) && !/\n\s+at /.test(e.message)) {
      t.handled++;
      return e;
    }
    if (t.misses.length < 5) t.misses.push(`${describe(input)} -> ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    return undefined;
  }
  if (t.misses.length < 5) t.misses.push(`${describe(input)} -> no error`);
  return undefined;
}

/** A check that is not about a thrown error (a trace event, a record): counted the same way. */
export function expectHandled(cls: string, input: unknown, ok: boolean, why = 'not handled'): void {
  const t = tally(cls);
  t.tried++;
  if (ok) t.handled++;
  else if (t.misses.length < 5) t.misses.push(`${describe(input)} -> ${why}`);
}

/** Prints each class's counts when the file ends, and fails on any miss. */
export function reportTallies(prefix: string): void {
  afterAll(() => {
    for (const [cls, t] of tallies) {
      console.log(`${prefix} ${cls}: tried ${t.tried}, handled ${t.handled}`);
      expect(t.misses, `${cls}: ${t.misses.join('\n')}`).toEqual([]);
      expect(t.handled).toBe(t.tried);
    }
  });
}
