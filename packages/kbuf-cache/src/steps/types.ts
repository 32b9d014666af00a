// The kbuf steps as TypeScript sees them: importing @uringlab/kbuf-cache adds them to the core's
// scenario type (`ScenarioInput`), so a scenario literal with kbuf steps type-checks and a typo
// in one does not.

import type { z } from 'zod';
import type { provideStep, removeStep } from './legacy.js';
import type { addStep, entryStep, mmapStep, registerStep, statusStep, tailStep, unregisterStep } from './ring.js';
import type { readStep, recvStep } from './io.js';

type Input<T extends { schema: z.ZodType }> = z.input<T['schema']>;

/** Any kbuf scenario step as written (`kbuf.provide`, `kbuf.recv`, ...). */
export type KbufStep =
  | Input<typeof provideStep> | Input<typeof removeStep> | Input<typeof registerStep> | Input<typeof unregisterStep>
  | Input<typeof statusStep> | Input<typeof mmapStep> | Input<typeof addStep> | Input<typeof tailStep>
  | Input<typeof entryStep> | Input<typeof recvStep> | Input<typeof readStep>;

declare module '@uringlab/ring' {
  interface ExtensionSteps {
    '@uringlab/kbuf-cache': KbufStep;
  }
}
