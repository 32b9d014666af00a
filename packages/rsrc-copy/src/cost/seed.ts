// The seed's figures, recomputed: 900 (and 500) buffers of 1 GiB, each one 1 GiB huge page,
// registered and cloned. Each figure names the prices it rests on: with the seed profile the
// 900-buffer figures are inputs (so only the 500-buffer one and the ratio are predictions);
// with a measured profile every figure is a prediction from timings of other pools.

import { COST_PROFILES, type CostProfileId } from './profiles.js';
import { cloneCostOf, registerCostOf } from './model.js';
import { poolShape } from './shape.js';
import { GIB } from './units.js';

/** What the seed reports (ms, µs) and the layout it reports them for. */
export const SEED_FIGURES = {
  layout: '1 GiB buffers, one 1 GiB huge page each',
  register500Ms: 409,
  register900Ms: 738,
  clone900Us: 17,
  speedup: [25_000, 40_000] as const,
} as const;

export interface SeedReproduction {
  profile: CostProfileId;
  register500Ms: number;
  register900Ms: number;
  clone900Us: number;
  ratio900: number;
  /** Which prices carry the figures, with their sources. */
  restsOn: string[];
}

export function reproduceSeed(profileId: CostProfileId): SeedReproduction {
  const p = COST_PROFILES[profileId];
  const at = (n: number) => poolShape({ poolBytes: n * GIB, bufferBytes: GIB, pageBytes: GIB });
  const r500 = registerCostOf(at(500), p).ns, r900 = registerCostOf(at(900), p).ns;
  const c900 = cloneCostOf(900, p).ns;
  return {
    profile: profileId,
    register500Ms: r500 / 1e6,
    register900Ms: r900 / 1e6,
    clone900Us: c900 / 1e3,
    ratio900: r900 / c900,
    restsOn: [
      `perPage ${p.perPage.ns.toFixed(3)} ns (${p.perPage.source}): 900 × 262,144 base pages, ${((900 * 262_144 * p.perPage.ns) / r900 * 100).toFixed(1)}% of the registration`,
      `perBuffer ${p.perBuffer.ns.toFixed(0)} ns + perFolio ${p.perFolio.ns.toFixed(0)} ns (${p.perBuffer.source}, ${p.perFolio.source}): one folio a buffer`,
      `clonePerBuffer ${p.clonePerBuffer.ns.toFixed(1)} ns (${p.clonePerBuffer.source}) × 900 + cloneCall ${p.cloneCall.ns.toFixed(0)} ns (${p.cloneCall.source})`,
    ],
  };
}
