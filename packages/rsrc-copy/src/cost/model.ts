// The cost of the two ways to give N rings one buffer pool: each ring registers the pool
// (io_sqe_buffers_register(): pin, coalesce and account every buffer again), or one ring
// registers it and the others clone its table (io_clone_buffers(): a node and a reference per
// buffer, nothing pinned, nothing charged). Times are a sum of counted work times its price.

import type { CostProfile } from './constants.js';
import { poolShape, type PoolInput, type PoolShape } from './shape.js';

export interface RegisterCost {
  ns: number;
  /** The terms of the sum, ns each: what dominates shows at a glance. */
  terms: { call: number; buffers: number; pages: number; folios: number; acctScans: number };
}

export interface CloneCost {
  ns: number;
  terms: { call: number; buffers: number };
}

/** io_sqe_buffers_register() of a pool of this shape, priced by `c`. */
export function registerCostOf(s: PoolShape, c: CostProfile): RegisterCost {
  const terms = {
    call: c.registerCall.ns,
    buffers: s.buffers * c.perBuffer.ns,
    pages: s.pages * c.perPage.ns,
    folios: s.folios * c.perFolio.ns,
    // 7.3 finds an already-charged head in the ring's hpage_acct xarray instead (per folio).
    acctScans: c.kernel === '6.18' ? s.acctScans * c.acctScan.ns : 0,
  };
  return { ns: terms.call + terms.buffers + terms.pages + terms.folios + terms.acctScans, terms };
}

/** io_register_clone_buffers() of a whole table of `buffers` entries, priced by `c`. */
export function cloneCostOf(buffers: number, c: CostProfile): CloneCost {
  const terms = { call: c.cloneCall.ns, buffers: buffers * c.clonePerBuffer.ns };
  return { ns: terms.call + terms.buffers, terms };
}

export function registerCost(p: PoolInput, c: CostProfile): RegisterCost {
  return registerCostOf(poolShape(p), c);
}

export function cloneCost(p: PoolInput, c: CostProfile): CloneCost {
  return cloneCostOf(poolShape(p).buffers, c);
}
