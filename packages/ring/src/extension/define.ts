// Constructors extension authors call: defineExtension (frozen, stamped with this core copy),
// defineStep, and typed state slots per ring (defineRingState) and per kernel (defineKernelState).

import type { z } from 'zod';
import { THIS_CORE } from '../version.js';
import type { Extension, ExtensionDef, StepDef } from './types.js';
import type { RingCtx } from '../core/ctx.js';
import type { Kernel } from '../kernel.js';

export function defineExtension(def: ExtensionDef): Extension {
  return Object.freeze({ ...def, core: THIS_CORE });
}

export function defineStep<S extends z.ZodType>(def: StepDef<S>): StepDef<S> {
  return def;
}

/** Typed per-ring state slot for extensions (ctx.state(key)). */
export interface RingStateKey<T> {
  readonly name: string;
  readonly init: (ctx: RingCtx) => T;
}

export function defineRingState<T>(name: string, init: (ctx: RingCtx) => T): RingStateKey<T> {
  return Object.freeze({ name, init });
}

/**
 * Typed kernel-wide state slot (kernel.state(key)): objects several rings share, such as
 * registered-buffer nodes, zcrx interface queues or eventfd contexts.
 */
export interface KernelStateKey<T> {
  readonly name: string;
  readonly init: (kernel: Kernel) => T;
}

export function defineKernelState<T>(name: string, init: (kernel: Kernel) => T): KernelStateKey<T> {
  return Object.freeze({ name, init });
}
