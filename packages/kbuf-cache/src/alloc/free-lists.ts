// The two free lists the seed added to io_ring_ctx, shared by the recycling-cache and slab-bulk
// strategies: io_buffers_cache (under uring_lock, fed by inline completions) and io_buffers_comp
// (under completion_lock, fed by completions that run without uring_lock).

import { counter } from '@uringlab/ring/extend';
import { Faults, emptyStats, type AllocEnv, type AllocStats, type KbufAllocator, type StrategyName } from './strategy.js';
import type { LegacyBuf } from '../types.js';

const C_GET = counter('event', 'kbuf:io_buffers_cache_get');
const C_PUT = counter('event', 'kbuf:io_buffers_cache_put');
const C_COMP_PUT = counter('event', 'kbuf:io_buffers_comp_put');
const C_SPLICE = counter('event', 'kbuf:io_buffers_comp_splice');
const C_COMPLETION_LOCK = counter('lock', 'completion_lock:kbuf');

export class FreeLists {
  /** ctx->io_buffers_cache: list_add() puts at the head, allocation takes the head. */
  readonly cache: LegacyBuf[] = [];
  /** ctx->io_buffers_comp */
  comp: LegacyBuf[] = [];

  constructor(private readonly env: AllocEnv, private readonly stats: AllocStats) {}

  /** list_first_entry(&ctx->io_buffers_cache) + list_del(); undefined when empty. */
  take(): LegacyBuf | undefined {
    const b = this.cache.pop();
    if (b) {
      this.stats.cacheHits++;
      this.env.costs.add(C_GET);
    }
    return b;
  }

  /** The first half of io_refill_buffer_cache(): splice io_buffers_comp if it has anything. */
  spliceComp(): boolean {
    // list_empty_careful() peeks without the lock, so an empty comp list costs nothing.
    if (this.comp.length === 0) return false;
    this.stats.completionLock++;
    this.env.costs.add(C_COMPLETION_LOCK);
    this.stats.splices++;
    this.env.costs.add(C_SPLICE);
    for (let i = this.comp.length - 1; i >= 0; i--) this.cache.push(this.comp[i]!);
    this.comp = [];
    return true;
  }

  /** io_put_kbuf() in the seed: uring_lock held -> cache; otherwise completion_lock -> comp. */
  put(buf: LegacyBuf, unlocked: boolean): void {
    if (unlocked) {
      this.stats.completionLock++;
      this.stats.putsUnlocked++;
      this.env.costs.add(C_COMPLETION_LOCK);
      this.env.costs.add(C_COMP_PUT);
      this.comp.push(buf);
    } else {
      this.stats.putsLocked++;
      this.env.costs.add(C_PUT);
      this.cache.push(buf);
    }
  }

  get size(): number {
    return this.cache.length + this.comp.length;
  }

  clear(): LegacyBuf[] {
    const all = [...this.cache, ...this.comp];
    this.cache.length = 0;
    this.comp = [];
    return all;
  }
}

/** What a free-list design adds to the shared lists: how it refills and how it tears down. */
export interface FreeListDesign {
  /** The allocation half of io_refill_buffer_cache(), after io_buffers_comp had nothing; false is -ENOMEM. */
  fill(lists: FreeLists, stats: AllocStats, faults: Faults): boolean;
  /** io_destroy_buffers(): give the nodes (or their pages) back. */
  destroy(lists: FreeLists, stats: AllocStats): void;
}

/**
 * The allocator both free-list designs share: nodes come from io_buffers_cache; an empty cache
 * first splices io_buffers_comp, then asks the design for fresh nodes; freed nodes go back to the
 * list the caller's lock allows.
 */
export function freeListAllocator(name: StrategyName, env: AllocEnv, design: FreeListDesign): KbufAllocator {
  const stats = emptyStats();
  const lists = new FreeLists(env, stats);
  const faults = new Faults();
  const refill = (): boolean => lists.spliceComp() || design.fill(lists, stats, faults);
  return {
    name,
    stats,
    get cached() {
      return lists.size;
    },
    alloc(): LegacyBuf | null {
      if (lists.cache.length === 0 && !refill()) return null;
      return lists.take()!;
    },
    release(buf: LegacyBuf, unlocked: boolean): void {
      lists.put(buf, unlocked);
    },
    destroy(): void {
      design.destroy(lists, stats);
    },
    failNext(n: number, after = 0): void {
      faults.arm(n, after);
    },
  };
}
