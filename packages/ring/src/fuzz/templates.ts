// Seeded template arrays: case `index` of seed `seed` is the same on every machine and does not
// depend on how many cases a run makes, so a case can be regenerated from (seed, index) alone.

import { Rng } from '../sched/rng.js';
import type { FuzzTemplate } from './types.js';

export interface TemplateBounds {
  /** Templates per case, at most (default 24). */
  maxTemplates?: number;
  /** Choices per template (default 10). */
  choices?: number;
}

/** A 32-bit mix of (seed, index) (splitmix-style), the per-case PRNG seed. */
export function caseSeed(seed: number, index: number): number {
  let x = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0 || 1;
}

/**
 * The templates of one case. The first one is a setup (generator 0) so most cases have a ring;
 * `totalWeight` is the sum of the generators' weights that `g` is drawn from.
 */
export function generateTemplates(seed: number, index: number, totalWeight: number, b: TemplateBounds = {}): FuzzTemplate[] {
  const rng = new Rng(caseSeed(seed, index));
  const max = b.maxTemplates ?? 24;
  const nc = b.choices ?? 10;
  const n = 2 + rng.below(Math.max(1, max - 1));
  const out: FuzzTemplate[] = [];
  for (let i = 0; i < n; i++) {
    const g = i === 0 ? 0 : rng.below(totalWeight);
    out.push({ g, c: Array.from({ length: nc }, () => rng.below(1 << 16)) });
  }
  return out;
}
