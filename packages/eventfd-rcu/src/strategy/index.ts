// The two designs, by name.

import { QUIESCE_STRATEGY } from './quiesce.js';
import { RCU_STRATEGY } from './rcu.js';
import type { EventfdStrategy, StrategyName } from './types.js';

export const STRATEGIES: Readonly<Record<StrategyName, EventfdStrategy>> = { rcu: RCU_STRATEGY, quiesce: QUIESCE_STRATEGY };
export const STRATEGY_NAMES: readonly StrategyName[] = ['rcu', 'quiesce'];

export function isStrategy(s: unknown): s is StrategyName {
  return s === 'rcu' || s === 'quiesce';
}

export { RCU_STRATEGY, QUIESCE_STRATEGY };
export { lastQuiesce, type QuiesceReport } from './quiesce.js';
export type { EventfdStrategy, StrategyName } from './types.js';
