// Per-ring provided-buffer state (the io_bl_xa xarray of io_ring_ctx), the allocation strategy
// the ring's kernel was configured with, and the ring's cache of network async data.

import { defineKernelState, defineRingState, type Kernel, type RingCtx } from '@uringlab/ring/extend';
import { createAllocator } from './alloc/index.js';
import type { KbufAllocator, StrategyName } from './alloc/strategy.js';
import { kbufKnobs, type KbufKnobs } from './profile.js';
import type { BufferList } from './types.js';

export interface KbufConfig {
  readonly strategy: StrategyName;
}

/** Kernel-wide: which allocation strategy every ring of this kernel uses. */
const CONFIG = defineKernelState<{ cfg: KbufConfig }>('kbuf:config', () => ({ cfg: { strategy: 'kmalloc' } }));

export function configure(kernel: Kernel, cfg: KbufConfig): void {
  kernel.state(CONFIG).cfg = cfg;
}

export function configOf(kernel: Kernel): KbufConfig {
  return kernel.state(CONFIG).cfg;
}

export class KbufCtx {
  /** ctx->io_bl_xa: buffer groups by bgid. */
  readonly lists = new Map<number, BufferList>();
  readonly alloc: KbufAllocator;
  readonly knobs: KbufKnobs;

  constructor(readonly ctx: RingCtx) {
    this.alloc = createAllocator(ctx.kernel.state(CONFIG).cfg.strategy, { costs: ctx.kernel.costs });
    this.knobs = kbufKnobs(ctx.kernel.profile);
  }
}

export const KBUF = defineRingState('kbuf', (ctx) => new KbufCtx(ctx));

export function kbufCtx(ctx: RingCtx): KbufCtx {
  return ctx.state(KBUF);
}
