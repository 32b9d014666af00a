// The debug log: where an internal error's stack goes. User-facing messages never carry a stack;
// with URINGLAB_DEBUG set (to anything but "" or "0"), the stack is written to stderr.

import { UringError, isUringError } from './errors.js';

function debugEnabled(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.URINGLAB_DEBUG;
  return v !== undefined && v !== '' && v !== '0';
}

/** Writes a line to the debug log (stderr) when URINGLAB_DEBUG is set. */
export function debugLog(text: string): void {
  if (!debugEnabled()) return;
  const stderr = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process?.stderr;
  stderr?.write(`[uringlab debug] ${text}\n`);
}

/**
 * Any thrown value as a UringError: a UringError as it is, anything else (a bug: a TypeError in
 * a model, a RangeError from a typed array) as INTERNAL, its stack sent to the debug log.
 */
export function asUringError(e: unknown, where: string): UringError {
  if (isUringError(e)) return e;
  const err = e instanceof Error ? e : undefined;
  debugLog(`${where}: ${err?.stack ?? String(e)}`);
  const what = err ? `${err.name}: ${err.message}` : String(e);
  return new UringError('INTERNAL', `${where}: ${what} (a bug in the model; set URINGLAB_DEBUG=1 to log its stack)`, { cause: e });
}
