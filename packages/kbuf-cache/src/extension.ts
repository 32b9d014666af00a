// The kbuf extension: PROVIDE_BUFFERS / REMOVE_BUFFERS, provided-buffer-aware READ and RECV
// (replacing the core's entries), register opcodes 22/23/26, the core's buffer provider, ring
// teardown, and the `kbuf.*` scenario steps. The allocation strategy is chosen per kernel.

import { defineExtension, type Extension } from '@uringlab/ring';
import { PROVIDE_BUFFERS, REMOVE_BUFFERS } from './legacy/manage.js';
import { READ } from './rw/read.js';
import { RECV } from './net/recv.js';
import { KBUF_REGISTER_OPS } from './ring/register.js';
import { mmapPbufRing } from './ring/mmap.js';
import { kbufProvider } from './provider.js';
import { destroyBuffers } from './kbuf.js';
import { KBUF, configure } from './state.js';
import { KBUF_STEPS } from './steps/index.js';
import type { StrategyName } from './alloc/strategy.js';

export interface KbufOptions {
  /** How legacy io_buffer nodes are allocated (costs only; CQEs never depend on it). Default kmalloc (7.3). */
  strategy?: StrategyName;
}

export function kbufExtension(opts: KbufOptions = {}): Extension {
  const strategy = opts.strategy ?? 'kmalloc';
  return defineExtension({
    name: 'kbuf',
    ops: [PROVIDE_BUFFERS, REMOVE_BUFFERS, READ, RECV],
    registerOps: KBUF_REGISTER_OPS,
    bufferProvider: kbufProvider,
    hooks: {
      ringExit(ctx) {
        if (ctx.hasState(KBUF)) destroyBuffers(ctx.state(KBUF));
      },
      mmap: mmapPbufRing,
    },
    steps: KBUF_STEPS,
    init(kernel) {
      configure(kernel, { strategy });
    },
  });
}

/** The default instance (kmalloc, as 7.3), for the CLI and the testbed. */
export const extension: Extension = kbufExtension();
