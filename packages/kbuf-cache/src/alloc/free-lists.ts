// The two free lists the seed added to io_ring_ctx, shared by the recycling-cache and slab-bulk
// strategies: io_buffers_cache (under uring_lock, fed by inline completions) and io_buffers_comp
// (under completion_lock, fed by completions that run without uring_lock).

import { counter } from '@uringlab/ring';
import type { AllocEnv, AllocStats } from './strategy.js';
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
