// Byte sizes as users write them ("4k", "2m", "1g", "900g", "4096") and as reports print them.

import { UringError } from '@uringlab/ring';

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;
export const TIB = 1024 * GIB;
/** The base page (PAGE_SIZE on x86-64): the unit of pinning and of memlock accounting. */
export const PAGE_SIZE = 4096;

const SUFFIX: Record<string, number> = { '': 1, k: KIB, m: MIB, g: GIB, t: TIB };

/**
 * "900g" → 900 GiB. A number passes through. Anything that is not a nonnegative whole number
 * of bytes (or exceeds 2^53) is EINVAL, naming `what`.
 */
export function parseSize(v: string | number, what: string): number {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new UringError('EINVAL', `${what} must be a whole number of bytes, not ${v}`);
    return v;
  }
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(v);
  if (!m) throw new UringError('EINVAL', `${what}: "${v}" is not a size (examples: 4096, 4k, 2m, 1g, 900g)`);
  const n = Number(m[1]) * SUFFIX[m[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(n)) throw new UringError('EINVAL', `${what}: "${v}" is not a whole number of bytes below 2^53`);
  return n;
}

export function formatBytes(n: number): string {
  for (const [unit, size] of [['TiB', TIB], ['GiB', GIB], ['MiB', MIB], ['KiB', KIB]] as const) {
    if (n >= size) {
      const v = n / size;
      return `${Number.isInteger(v) ? v : v.toFixed(v < 10 ? 2 : 1)} ${unit}`;
    }
  }
  return `${n} B`;
}

export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 1)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}
