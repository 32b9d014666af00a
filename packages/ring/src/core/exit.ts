// Tearing a ring down once its last file reference is gone: io_ring_ctx_wait_and_kill(),
// io_ring_exit_work() and io_ring_ctx_free() (io_uring/io_uring.c), in that order.

import { flushOverflow } from './cqe.js';
import { freeRegion } from './memmap.js';
import type { RingCtx } from './ctx.js';
import type { Registry } from '../extension/registry.js';

export function ringExit(ctx: RingCtx, registry: Registry): void {
  ctx.dead = true;
  // io_cqring_overflow_kill(): the backlog is freed, nobody will reap it.
  flushOverflow(ctx, true);
  registry.ringCancel(ctx);
  registry.ringFree(ctx);
  // io_ring_ctx_free(): after io_destroy_buffers(), the parameter region goes.
  freeRegion(ctx.kernel, ctx.paramRegion);
  ctx.kernel.memory.munmap(ctx.ringsAddr);
  ctx.kernel.memory.munmap(ctx.sqesAddr);
}
