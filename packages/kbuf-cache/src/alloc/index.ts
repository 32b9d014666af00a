// Strategy selection by name.

import { kmallocAllocator } from './kmalloc.js';
import { recyclingCacheAllocator } from './recycling-cache.js';
import { slabBulkAllocator } from './slab-bulk.js';
import { STRATEGIES, type AllocEnv, type KbufAllocator, type StrategyName } from './strategy.js';

export function createAllocator(name: StrategyName, env: AllocEnv): KbufAllocator {
  switch (name) {
    case 'kmalloc': return kmallocAllocator(env);
    case 'recycling-cache': return recyclingCacheAllocator(env);
    case 'slab-bulk': return slabBulkAllocator(env);
  }
}

export function isStrategy(s: string): s is StrategyName {
  return (STRATEGIES as readonly string[]).includes(s);
}

export { STRATEGIES, type KbufAllocator, type StrategyName, type AllocStats } from './strategy.js';
export { KBUF_COST_MODEL, COST_NOTES } from './cost-model.js';
