// Per-ring provided-buffer state (the io_bl_xa xarray of io_ring_ctx), the allocation strategy
// the ring's kernel was configured with, and the ring's cache of network async data.

import { defineRingState, type Kernel, type RingCtx } from '@uringlab/ring';
import { createAllocator } from './alloc/index.js';
import type { KbufAllocator, StrategyName } from './alloc/strategy.js';
import { kbufKnobs, type KbufKnobs } from './profile.js';
import type { BufferList } from './types.js';

export interface KbufConfig {
  readonly strategy: StrategyName;
}

const CONFIG = new WeakMap<Kernel, KbufConfig>();

export function configure(kernel: Kernel, cfg: KbufConfig): void {
  CONFIG.set(kernel, cfg);
}

export function configOf(kernel: Kernel): KbufConfig {
  return CONFIG.get(kernel) ?? { strategy: 'kmalloc' };
}

export class KbufCtx {
  /** ctx->io_bl_xa: buffer groups by bgid. */
  readonly lists = new Map<number, BufferList>();
  readonly alloc: KbufAllocator;
  readonly knobs: KbufKnobs;
  /**
   * ctx->netmsg_cache: cached io_async_msghdr objects, LIFO, each remembered by the size of the
   * iovec array it keeps (a recycled one lets a later bundle receive map that many buffers).
   */
  readonly netmsgCache: number[] = [];

  constructor(readonly ctx: RingCtx) {
    this.alloc = createAllocator(configOf(ctx.kernel).strategy, { costs: ctx.kernel.costs });
    this.knobs = kbufKnobs(ctx.kernel.profile);
  }
}

export const KBUF = defineRingState('kbuf', (ctx) => new KbufCtx(ctx));

export function kbufCtx(ctx: RingCtx): KbufCtx {
  return ctx.state(KBUF);
}
