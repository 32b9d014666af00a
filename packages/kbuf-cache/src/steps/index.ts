// Every kbuf scenario step. All of them compile to the primitive program (sqe, region, wmem,
// register, rmem), so each kbuf scenario runs unchanged on a real kernel.

import type { StepDef } from '@uringlab/ring/extend';
import { provideStep, removeStep } from './legacy.js';
import { addStep, entryStep, mmapStep, registerStep, statusStep, tailStep, unregisterStep } from './ring.js';
import { readStep, recvStep } from './io.js';

export const KBUF_STEPS: readonly StepDef[] = [
  provideStep, removeStep, registerStep, unregisterStep, statusStep, mmapStep, addStep, tailStep, entryStep, recvStep, readStep,
] as readonly StepDef[];
