// The seed (cc3cec8367cb, 5.18): nodes come from ctx->io_buffers_cache; when it is empty,
// io_refill_buffer_cache() splices io_buffers_comp, or else carves a fresh page into
// PAGE_SIZE / sizeof(struct io_buffer) = 128 nodes. Nodes are never kfree'd one by one: they go
// back to a list, and pages are freed only at ring teardown.

import { counter } from '@uringlab/ring/extend';
import { freeListAllocator } from './free-lists.js';
import { IO_BUFFER_SIZE, freshNode, type AllocEnv, type KbufAllocator } from './strategy.js';

export const PAGE_SIZE = 4096;
export const BUFS_PER_PAGE = PAGE_SIZE / IO_BUFFER_SIZE;

const C_PAGE = counter('alloc', 'alloc_page:io_buffers_pages');
const C_PAGE_FREE = counter('free', '__free_page:io_buffers_pages');

export function recyclingCacheAllocator(env: AllocEnv): KbufAllocator {
  let pages = 0;
  return freeListAllocator('recycling-cache', env, {
    /** The alloc_page() half of io_refill_buffer_cache(). */
    fill(lists, stats, faults) {
      stats.allocatorCalls++;
      env.costs.add(C_PAGE);
      if (faults.hit()) return false;
      pages++;
      stats.pages++;
      stats.objectsAllocated += BUFS_PER_PAGE;
      // list_add_tail() of each slot: the first slot of the page is taken first.
      for (let i = BUFS_PER_PAGE - 1; i >= 0; i--) lists.cache.push(freshNode());
      return true;
    },
    destroy(lists, stats) {
      lists.clear();
      for (; pages > 0; pages--) {
        stats.freeCalls++;
        env.costs.add(C_PAGE_FREE);
      }
    },
  });
}
