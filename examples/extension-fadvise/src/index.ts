// @uringlab/example-fadvise: the smallest complete extension package. It adds one opcode the
// core does not model, a scenario step for it, and ships scenarios the testbed judges against
// the kernel (with this extension alone and with every other one loaded).

import { defineExtension, type Extension } from '@uringlab/ring/extend';
import { FADVISE } from './fadvise.js';
import { ADVISE_STEP } from './step.js';

export { FADVISE, POSIX_FADV } from './fadvise.js';
export { ADVISE_STEP, type AdviseStep } from './step.js';

/** What the testbed and the CLI load: the package exports it as `extension`. */
export const extension: Extension = defineExtension({
  name: '@uringlab/example-fadvise',
  ops: [FADVISE],
  steps: [ADVISE_STEP],
});
