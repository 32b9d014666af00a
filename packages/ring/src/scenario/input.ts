// The scenario a TypeScript user writes: a discriminated union over `op`, derived from the step
// schemas, so `{ op: 'setpu' }` or a misspelt field fails to type-check. Extension packages add
// their steps by augmenting `ExtensionSteps` (see @uringlab/kbuf-cache's steps/types.ts):
//
//   declare module '@uringlab/ring' {
//     interface ExtensionSteps { '@you/fadvise': z.input<typeof ADVISE_STEP.schema> }
//   }

import type { z } from 'zod';
import type { CoreStep, ScenarioHeader } from './schema.js';

/** A core step as written (defaults may be left out). */
export type CoreStepInput = z.input<typeof CoreStep>;

/**
 * Steps that extension packages add, one entry per package: the union of its step inputs.
 * Empty here; importing an extension package that declares its steps fills it in.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ExtensionSteps {}

/** Any step a scenario can hold: a core step or a step of an extension package in the program. */
export type ScenarioStep = CoreStepInput | ExtensionSteps[keyof ExtensionSteps];

/** A scenario document as written: the header, and steps typed by their `op`. */
export type ScenarioInput = Omit<z.input<typeof ScenarioHeader>, 'steps'> & { steps: ScenarioStep[] };
