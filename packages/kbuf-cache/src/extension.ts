// The kbuf extension: PROVIDE_BUFFERS / REMOVE_BUFFERS, register opcodes 22/23/26, the
// provided-buffer importer the core's READ and RECV call, ring teardown, the pbuf-ring mmap
// offsets and the `kbuf.*` scenario steps. It replaces no core opcode. The allocation strategy
// (costs only) is chosen per kernel.

import { defineExtension, type Extension } from '@uringlab/ring/extend';
import { PROVIDE_BUFFERS, REMOVE_BUFFERS } from './legacy/manage.js';
import { KBUF_REGISTER_OPS } from './ring/register.js';
import { pbufGetRegion } from './ring/mmap.js';
import { kbufProvider } from './provider.js';
import { destroyBuffers } from './kbuf.js';
import { KBUF, configure } from './state.js';
import { KBUF_STEPS } from './steps/index.js';
import type { StrategyName } from './alloc/strategy.js';

/** This package's name, as conflicts and dependencies name it. */
export const KBUF_EXTENSION_NAME = '@uringlab/kbuf-cache';

export interface KbufOptions {
  /** How legacy io_buffer nodes are allocated (costs only; CQEs never depend on it). Default kmalloc (7.3). */
  strategy?: StrategyName;
}

export function kbufExtension(opts: KbufOptions = {}): Extension {
  const strategy = opts.strategy ?? 'kmalloc';
  return defineExtension({
    name: KBUF_EXTENSION_NAME,
    ops: [PROVIDE_BUFFERS, REMOVE_BUFFERS],
    registerOps: KBUF_REGISTER_OPS,
    providedBuffers: kbufProvider,
    hooks: {
      ringExit: {
        // io_ring_ctx_free() -> io_destroy_buffers()
        free(ctx) {
          if (ctx.hasState(KBUF)) destroyBuffers(ctx.state(KBUF));
        },
      },
      mmapRegion: pbufGetRegion,
    },
    steps: KBUF_STEPS,
    init(kernel) {
      configure(kernel, { strategy });
    },
  });
}

/** The default instance (kmalloc, as 7.3), for the CLI and the testbed. */
export const extension: Extension = kbufExtension();
