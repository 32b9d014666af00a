// The scheduler's two kinds of typed error: a bad argument (what the kernel would refuse with
// EINVAL) and a misuse of kernel rules by model code (what lockdep or a BUG() would catch).

import { UringError } from '../errors.js';

export function badArg(message: string): UringError {
  return new UringError('EINVAL', message);
}

export function misuse(message: string): UringError {
  return new UringError('INTERNAL', message);
}
