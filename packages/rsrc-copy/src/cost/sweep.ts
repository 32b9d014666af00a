// How the register/clone ratio grows with the pool and with the page size: the same prices over
// a range of pools, one series per page size, in the seed's layout (one buffer per page, larger
// only when the table is full: defaultBufferBytes()). Pools smaller than a page are left out,
// not drawn as zero.

import { COST_PROFILES, type CostProfileId } from './profiles.js';
import { BUFFER_CAP, defaultBufferBytes, IORING_MAX_REG_BUFFERS } from './limits.js';
import { cloneCostOf, registerCostOf } from './model.js';
import { poolShape } from './shape.js';
import { GIB, MIB, PAGE_SIZE } from './units.js';

export interface SweepPoint {
  poolBytes: number;
  bufferBytes: number;
  registerNs: number;
  cloneNs: number;
  ratio: number;
}

export interface SweepSeries {
  pageBytes: number;
  points: SweepPoint[];
}

export const SWEEP_PAGE_SIZES = [PAGE_SIZE, 2 * MIB, GIB] as const;

/** Pools from `from` to `to` (doubling), for each page size. */
export function sweepPools(profileId: CostProfileId, from = 64 * MIB, to = 1024 * GIB, pageSizes: readonly number[] = SWEEP_PAGE_SIZES): SweepSeries[] {
  const profile = COST_PROFILES[profileId];
  const cap = BUFFER_CAP[profile.kernel].bytes;
  return pageSizes.map((pageBytes) => {
    const points: SweepPoint[] = [];
    for (let pool = from; pool <= to; pool *= 2) {
      if (pool < pageBytes) continue;
      const bufferBytes = defaultBufferBytes(pool, pageBytes, cap);
      if (Math.ceil(pool / bufferBytes) > IORING_MAX_REG_BUFFERS) continue;
      const shape = poolShape({ poolBytes: pool, bufferBytes, pageBytes });
      const registerNs = registerCostOf(shape, profile).ns;
      const cloneNs = cloneCostOf(shape.buffers, profile).ns;
      points.push({ poolBytes: pool, bufferBytes, registerNs, cloneNs, ratio: registerNs / cloneNs });
    }
    return { pageBytes, points };
  });
}
