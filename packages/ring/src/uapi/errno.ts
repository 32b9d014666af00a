// Linux errno numbers (asm-generic/errno-base.h and errno.h, x86_64) that io_uring paths return.
// Traces name errors by these names; the header check compares the numbers with <errno.h>.

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  ENOTDIR: 20,
  EINVAL: 22,
  ENFILE: 23,
  EMFILE: 24,
  ENOSPC: 28,
  ESPIPE: 29,
  EPIPE: 32,
  ERANGE: 34,
  ENOSYS: 38,
  ETIME: 62,
  EOVERFLOW: 75,
  EBADFD: 77,
  EBADR: 53,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ECONNREFUSED: 111,
  ETIMEDOUT: 110,
  EALREADY: 114,
  ECANCELED: 125,
  EOWNERDEAD: 130,
} as const;

export type ErrnoName = keyof typeof ERRNO;

const BY_NUMBER = new Map<number, ErrnoName>(
  Object.entries(ERRNO).map(([k, v]) => [v, k as ErrnoName]),
);

/** Name of a negative (kernel-style) or positive errno; undefined for results >= 0. */
export function errnoName(res: number): ErrnoName | undefined {
  if (res >= 0) return undefined;
  return BY_NUMBER.get(-res);
}

/** `-EINVAL` style, or the number itself when it is not an error. */
export function describeRes(res: number): string {
  if (res >= 0) return String(res);
  const n = errnoName(res);
  return n ? `-${n}` : String(res);
}

export function isErrnoName(s: string): s is ErrnoName {
  return Object.prototype.hasOwnProperty.call(ERRNO, s);
}
