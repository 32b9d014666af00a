// Linux 6.15+ (and 7.3): io_add_buffers() does one kmalloc per buffer (kmalloc_obj,
// GFP_KERNEL_ACCOUNT); io_kbuf_drop_legacy(), REMOVE and recycling into a vanished group kfree it.

import { counter } from '@uringlab/ring/extend';
import { Faults, emptyStats, freshNode, type AllocEnv, type KbufAllocator } from './strategy.js';
import type { LegacyBuf } from '../types.js';

const C_KMALLOC = counter('alloc', 'kmalloc:io_buffer');
const C_KFREE = counter('free', 'kfree:io_buffer');

export function kmallocAllocator(env: AllocEnv): KbufAllocator {
  const stats = emptyStats();
  const faults = new Faults();
  return {
    name: 'kmalloc',
    stats,
    cached: 0,
    alloc(): LegacyBuf | null {
      stats.allocatorCalls++;
      env.costs.add(C_KMALLOC);
      if (faults.hit()) return null;
      stats.objectsAllocated++;
      return freshNode();
    },
    release(): void {
      stats.freeCalls++;
      env.costs.add(C_KFREE);
    },
    destroy(): void {},
    failNext(n: number, after = 0): void {
      faults.arm(n, after);
    },
  };
}
