// The registered-buffer extension: register opcodes 0, 1, 15, 16 and 30, the importer the core's
// fixed I/O paths call, the hooks that put nodes (request free, ring free), and the `rsrc.*`
// scenario steps. It replaces no core opcode.

import { defineExtension, type Extension } from '@uringlab/ring/extend';
import { RSRC_REGISTER_OPS } from './register.js';
import { fixedBufferImporter, putReqBufNode } from './importer.js';
import { onRingCreated, onRingFree } from './hooks.js';
import { RSRC_STEPS } from './steps/index.js';

/** This package's name, as conflicts and dependencies name it. */
export const RSRC_EXTENSION_NAME = '@uringlab/rsrc-copy';

export function rsrcExtension(): Extension {
  return defineExtension({
    name: RSRC_EXTENSION_NAME,
    registerOps: RSRC_REGISTER_OPS,
    fixedBuffers: () => fixedBufferImporter(),
    hooks: {
      ringCreated: onRingCreated,
      reqFree: putReqBufNode,
      ringExit: { free: onRingFree },
    },
    steps: RSRC_STEPS,
  });
}

/** The default instance, for the CLI and the testbed. */
export const extension: Extension = rsrcExtension();
