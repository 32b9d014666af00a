// Every kbuf scenario step, with the fuzzer's generator where it has one. All of them compile to the primitive program (sqe, region, wmem,
// register, rmem), so each kbuf scenario runs unchanged on a real kernel.

import type { StepDef } from '@uringlab/ring/extend';
import { provideStep, removeStep } from './legacy.js';
import { addStep, entryStep, mmapStep, registerStep, statusStep, tailStep, unregisterStep } from './ring.js';
import { readStep, recvStep } from './io.js';
import { addFuzz, provideFuzz, readFuzz, recvFuzz, registerFuzz, removeFuzz, statusFuzz, unregisterFuzz } from './fuzz.js';

export const KBUF_STEPS: readonly StepDef[] = [
  { ...provideStep, fuzz: provideFuzz }, { ...removeStep, fuzz: removeFuzz }, { ...registerStep, fuzz: registerFuzz },
  { ...unregisterStep, fuzz: unregisterFuzz }, { ...statusStep, fuzz: statusFuzz }, mmapStep, { ...addStep, fuzz: addFuzz },
  tailStep, entryStep, { ...recvStep, fuzz: recvFuzz }, { ...readStep, fuzz: readFuzz },
] as readonly StepDef[];
