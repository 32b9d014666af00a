// MSG_* flags (include/linux/socket.h) that io_uring's send and receive paths look at, and the
// ones whose socket-level effect the model does not implement (so they fail loudly at prep).

export const MSG = {
  OOB: 0x1,
  PEEK: 0x2,
  CTRUNC: 0x8,
  TRUNC: 0x20,
  DONTWAIT: 0x40,
  WAITALL: 0x100,
  ERRQUEUE: 0x2000,
  NOSIGNAL: 0x4000,
  SENDPAGE_NOPOLICY: 0x10000,
  SENDPAGE_DECRYPTED: 0x100000,
  ZEROCOPY: 0x4000000,
  SPLICE_PAGES: 0x8000000,
  FASTOPEN: 0x20000000,
  CMSG_CLOEXEC: 0x40000000,
  CMSG_COMPAT: 0x80000000,
} as const;

/** MSG_INTERNAL_SENDMSG_FLAGS: bits user space may not pass to sendmsg. */
export const MSG_INTERNAL_SENDMSG_FLAGS = MSG.SPLICE_PAGES | MSG.SENDPAGE_NOPOLICY | MSG.SENDPAGE_DECRYPTED;

/**
 * Receive flags whose socket-level behaviour (urgent data, peeking, the error queue) is not
 * modelled. MSG_TRUNC is, on datagram sockets (sock.ts refuses it on stream sockets).
 */
export const RECV_UNMODELLED = MSG.OOB | MSG.PEEK | MSG.ERRQUEUE;
/** Send flags whose socket-level behaviour (urgent data, zerocopy, fast open) is not modelled. */
export const SEND_UNMODELLED = MSG.OOB | MSG.ZEROCOPY | MSG.FASTOPEN;

export function msgFlagNames(v: number): string {
  const names = Object.entries(MSG).filter(([, b]) => (v & b) !== 0).map(([n]) => `MSG_${n}`);
  return names.join('|') || '0';
}
