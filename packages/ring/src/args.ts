// Argument checks for the library API: a number that is not an integer, or does not fit the C
// type it is stored into, is a typed EINVAL naming the argument, never a silent truncation or a
// RangeError from a DataView.

import { UringError } from './errors.js';

/** What a bad value looked like, for the message (no object dumps, no stacks). */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}

/** An integer in [min, max] (both safe integers). */
export function checkInt(v: unknown, what: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new UringError('EINVAL', `${what} must be an integer from ${min} to ${max}, got ${describeValue(v)}`);
  }
  return v;
}

export const U8_MAX = 0xff;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;
export const S32_MIN = -0x80000000;
export const S32_MAX = 0x7fffffff;
export const U64_MAX = (1n << 64n) - 1n;

/**
 * A u64 given as a safe-integer number or a bigint: [0, 2^64), or a negative down to -2^63
 * stored as two's complement (`off: -1` is "the current file position", as C's `(__u64)-1`).
 */
export function checkU64(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') {
    if (v < -(1n << 63n) || v > U64_MAX) throw new UringError('EINVAL', `${what} must fit in 64 bits, got ${v}n`);
    return BigInt.asUintN(64, v);
  }
  return BigInt.asUintN(64, BigInt(checkInt(v, what, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)));
}

/** A plain object (not null, not an array), for option bags and field maps. */
export function checkObject(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new UringError('EINVAL', `${what} must be an object, got ${describeValue(v)}`);
  }
  return v as Record<string, unknown>;
}

/** Own-property lookup: names such as `__proto__` or `constructor` are never table entries. */
export function lookup<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
