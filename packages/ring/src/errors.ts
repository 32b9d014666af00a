// One error class for everything the SDK rejects, tRPC style: a code from a closed union
// (an errno name when the kernel would answer with one), the errno number, and a message.

import { ERRNO, type ErrnoName } from './uapi/errno.js';

export type UringErrorCode = ErrnoName | 'SCENARIO_INVALID' | 'TRACE_INVALID' | 'UNSUPPORTED_PROFILE' | 'INTERNAL';

export class UringError extends Error {
  override readonly name = 'UringError';
  readonly code: UringErrorCode;
  /** Positive errno for errno codes, 0 otherwise. */
  readonly errno: number;
  readonly details?: unknown;

  constructor(code: UringErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(`${code}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.errno = code in ERRNO ? ERRNO[code as ErrnoName] : 0;
    this.details = options?.details;
  }

  /** Builds the error for a kernel-style negative return value. */
  static fromRes(res: number, message: string): UringError {
    const entry = Object.entries(ERRNO).find(([, v]) => v === -res);
    return new UringError((entry?.[0] ?? 'EINVAL') as ErrnoName, `${message} (res ${res})`);
  }
}

export function isUringError(e: unknown): e is UringError {
  return e instanceof UringError;
}
