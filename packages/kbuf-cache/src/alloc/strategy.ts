// One interface for the three ways kernels have allocated legacy `struct io_buffer` nodes. The
// choice changes only cost counters, never what user space sees: every strategy hands out a node
// whenever the plain kmalloc would.

import type { Costs } from '@uringlab/ring/extend';
import type { LegacyBuf } from '../types.js';

export const STRATEGIES = ['kmalloc', 'recycling-cache', 'slab-bulk'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** sizeof(struct io_buffer) on 64-bit: list_head 16 + addr 8 + len 4 + bid 2 + bgid 2. */
export const IO_BUFFER_SIZE = 32;

export interface AllocStats {
  /** Calls into the page or slab allocator (kmalloc, alloc_page, kmem_cache_alloc_bulk). */
  allocatorCalls: number;
  /** Calls that give memory back (kfree, __free_page, kmem_cache_free). */
  freeCalls: number;
  /** io_buffer objects obtained from the allocator. */
  objectsAllocated: number;
  /** Pages taken with alloc_page (the seed's refill). */
  pages: number;
  /** Nodes taken from io_buffers_cache without calling an allocator. */
  cacheHits: number;
  /** Nodes returned to io_buffers_cache under uring_lock (no extra lock). */
  putsLocked: number;
  /** Nodes returned to io_buffers_comp under completion_lock. */
  putsUnlocked: number;
  /** completion_lock acquisitions made by the strategy (unlocked puts and splices). */
  completionLock: number;
  /** io_buffers_comp spliced into io_buffers_cache. */
  splices: number;
}

export interface KbufAllocator {
  readonly name: StrategyName;
  readonly stats: AllocStats;
  /** A node for io_add_buffers(), called under uring_lock; null when the allocation fails. */
  alloc(): LegacyBuf | null;
  /**
   * The node is no longer on a list or held by a request. `unlocked` is true when the caller
   * does not hold uring_lock (a completion run from io-wq or unlocked task_work).
   */
  release(buf: LegacyBuf, unlocked: boolean): void;
  /** Ring teardown (io_destroy_buffers): caches and pages go back to the allocator. */
  destroy(): void;
  /** Nodes parked in the strategy's caches. */
  readonly cached: number;
  /** Fault injection for tests: after `after` more allocator calls, the next `n` fail (-ENOMEM paths). */
  failNext(n: number, after?: number): void;
}

/** Allocator calls that should fail, for the -ENOMEM paths. */
export class Faults {
  private skip = 0;
  private fail = 0;

  arm(n: number, after = 0): void {
    this.fail = n;
    this.skip = after;
  }

  /** Called once per allocator call: true when this call fails. */
  hit(): boolean {
    if (this.fail === 0) return false;
    if (this.skip > 0) {
      this.skip--;
      return false;
    }
    this.fail--;
    return true;
  }
}

export function emptyStats(): AllocStats {
  return {
    allocatorCalls: 0, freeCalls: 0, objectsAllocated: 0, pages: 0, cacheHits: 0,
    putsLocked: 0, putsUnlocked: 0, completionLock: 0, splices: 0,
  };
}

export interface AllocEnv {
  readonly costs: Costs;
}

export function freshNode(): LegacyBuf {
  return { addr: 0, len: 0, bid: 0, bgid: 0 };
}
