// One error class for everything the SDK rejects, tRPC style: a code from a closed union
// (an errno name when the kernel would answer with one), the errno number, and a message.

import { ERRNO, type ErrnoName } from './uapi/errno.js';

export type UringErrorCode =
  | ErrnoName
  | 'SCENARIO_INVALID'
  | 'TRACE_INVALID'
  | 'UNSUPPORTED_PROFILE'
  /** The kernel has it, no loaded model implements it yet (an opcode, a flag, an argument). */
  | 'NOT_MODELLED'
  /** Two loaded extensions (or an extension and the core) register the same thing. */
  | 'EXTENSION_CONFLICT'
  /** An extension needs another that is not loaded. */
  | 'EXTENSION_MISSING'
  /** An object passed as an extension was not made by defineExtension(). */
  | 'EXTENSION_INVALID'
  /** Two copies of @uringlab/ring are loaded and an extension of one met a kernel of the other. */
  | 'DUPLICATE_CORE'
  /** A wait nothing in the simulated system can end (a kernel would sleep until a signal). */
  | 'STALLED'
  /** A bug in a model: reported as an error, never as a kernel result. */
  | 'INTERNAL';

export class UringError extends Error {
  override readonly name = 'UringError';
  readonly code: UringErrorCode;
  /** Positive errno for errno codes, 0 otherwise. */
  readonly errno: number;
  readonly details?: unknown;

  constructor(code: UringErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(`${code}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errno = Object.hasOwn(ERRNO, code) ? ERRNO[code as ErrnoName] : 0;
    this.details = options?.details;
  }

  /** Builds the error for a kernel-style negative return value. */
  static fromRes(res: number, message: string): UringError {
    const entry = Object.entries(ERRNO).find(([, v]) => v === -res);
    return new UringError((entry?.[0] ?? 'EINVAL') as ErrnoName, `${message} (res ${res})`);
  }
}

/** Brand shared by every copy of the package, so errors from another copy are still recognised. */
const BRAND = Symbol.for('@uringlab/ring:UringError');
Object.defineProperty(UringError.prototype, BRAND, { value: true });

export function isUringError(e: unknown): e is UringError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}
