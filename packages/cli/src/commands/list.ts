// `uringlab list TARGET...`: one line per scenario, `name: pins`, with the kernels it is limited to.

import { readFileSync } from 'node:fs';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseJson } from '../json.js';
import type { Target } from '../targets.js';

export function listTargets(targets: readonly Target[], io: CliIo): number {
  let failed = 0;
  for (const file of targets.flatMap((t) => t.files)) {
    try {
      const d = (parseJson(readFileSync(file, 'utf8'), file) ?? {}) as { name?: unknown; pins?: unknown; kernels?: unknown };
      const name = typeof d.name === 'string' ? d.name : file;
      const kernels = Array.isArray(d.kernels) ? ` [kernel ${d.kernels.join(', ')} only]` : '';
      io.out(`${name}: ${typeof d.pins === 'string' ? d.pins : ''}${kernels}\n`);
    } catch (e) {
      failed++;
      io.err(`${(e as Error).message}\n`);
    }
  }
  return failed ? EXIT.FAILED : EXIT.OK;
}
