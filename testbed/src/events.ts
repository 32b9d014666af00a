// Progress events the testbed emits while it works, so a CLI can show them live.
import type { ScenarioStatus } from './records.js';

export type TestbedEvent =
  /** Free-form progress inside a step (fetch, host, kernel, initramfs, disk, boot). */
  | { type: 'step'; step: string; message: string }
  /** Every console line as it arrives (already stripped of \r). */
  | { type: 'console'; line: string }
  /** `@@ - kernel RELEASE` seen; `atMs` here and below count from the QEMU/runner spawn. */
  | { type: 'kernel'; release: string; atMs: number }
  | { type: 'scenario-begin'; id: string; atMs: number }
  | { type: 'scenario-end'; id: string; status: ScenarioStatus; ms: number };

export type OnEvent = (e: TestbedEvent) => void;

export const ignoreEvents: OnEvent = () => {};
