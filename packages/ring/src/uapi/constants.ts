// UAPI constants of include/uapi/linux/io_uring.h (Linux 7.3). Groups are keyed without their
// C prefix; `UAPI_CONSTANTS` (index.ts) flattens them back to C names for the header check.

/** enum io_uring_op, in uapi order. */
export const OPCODES = [
  'NOP', 'READV', 'WRITEV', 'FSYNC', 'READ_FIXED', 'WRITE_FIXED', 'POLL_ADD', 'POLL_REMOVE',
  'SYNC_FILE_RANGE', 'SENDMSG', 'RECVMSG', 'TIMEOUT', 'TIMEOUT_REMOVE', 'ACCEPT', 'ASYNC_CANCEL',
  'LINK_TIMEOUT', 'CONNECT', 'FALLOCATE', 'OPENAT', 'CLOSE', 'FILES_UPDATE', 'STATX', 'READ', 'WRITE',
  'FADVISE', 'MADVISE', 'SEND', 'RECV', 'OPENAT2', 'EPOLL_CTL', 'SPLICE', 'PROVIDE_BUFFERS',
  'REMOVE_BUFFERS', 'TEE', 'SHUTDOWN', 'RENAMEAT', 'UNLINKAT', 'MKDIRAT', 'SYMLINKAT', 'LINKAT',
  'MSG_RING', 'FSETXATTR', 'SETXATTR', 'FGETXATTR', 'GETXATTR', 'SOCKET', 'URING_CMD', 'SEND_ZC',
  'SENDMSG_ZC', 'READ_MULTISHOT', 'WAITID', 'FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_WAITV',
  'FIXED_FD_INSTALL', 'FTRUNCATE', 'BIND', 'LISTEN', 'RECV_ZC', 'EPOLL_WAIT', 'READV_FIXED',
  'WRITEV_FIXED', 'PIPE', 'NOP128', 'URING_CMD128',
] as const;
export type OpName = (typeof OPCODES)[number];
export const IORING_OP = Object.freeze(
  Object.fromEntries(OPCODES.map((n, i) => [n, i])) as { readonly [K in OpName]: number },
);
/** IORING_OP_LAST on 7.3; a kernel profile may end the table earlier. */
export const IORING_OP_LAST = OPCODES.length;

export const IOSQE = {
  FIXED_FILE: 1 << 0,
  IO_DRAIN: 1 << 1,
  IO_LINK: 1 << 2,
  IO_HARDLINK: 1 << 3,
  ASYNC: 1 << 4,
  BUFFER_SELECT: 1 << 5,
  CQE_SKIP_SUCCESS: 1 << 6,
} as const;

export const IORING_SETUP = {
  IOPOLL: 1 << 0,
  SQPOLL: 1 << 1,
  SQ_AFF: 1 << 2,
  CQSIZE: 1 << 3,
  CLAMP: 1 << 4,
  ATTACH_WQ: 1 << 5,
  R_DISABLED: 1 << 6,
  SUBMIT_ALL: 1 << 7,
  COOP_TASKRUN: 1 << 8,
  TASKRUN_FLAG: 1 << 9,
  SQE128: 1 << 10,
  CQE32: 1 << 11,
  SINGLE_ISSUER: 1 << 12,
  DEFER_TASKRUN: 1 << 13,
  NO_MMAP: 1 << 14,
  REGISTERED_FD_ONLY: 1 << 15,
  NO_SQARRAY: 1 << 16,
  HYBRID_IOPOLL: 1 << 17,
  CQE_MIXED: 1 << 18,
  SQE_MIXED: 1 << 19,
  SQ_REWIND: 1 << 20,
} as const;

export const IORING_FEAT = {
  SINGLE_MMAP: 1 << 0,
  NODROP: 1 << 1,
  SUBMIT_STABLE: 1 << 2,
  RW_CUR_POS: 1 << 3,
  CUR_PERSONALITY: 1 << 4,
  FAST_POLL: 1 << 5,
  POLL_32BITS: 1 << 6,
  SQPOLL_NONFIXED: 1 << 7,
  EXT_ARG: 1 << 8,
  NATIVE_WORKERS: 1 << 9,
  RSRC_TAGS: 1 << 10,
  CQE_SKIP: 1 << 11,
  LINKED_FILE: 1 << 12,
  REG_REG_RING: 1 << 13,
  RECVSEND_BUNDLE: 1 << 14,
  MIN_TIMEOUT: 1 << 15,
  RW_ATTR: 1 << 16,
  NO_IOWAIT: 1 << 17,
} as const;

export const IORING_CQE_F = {
  BUFFER: 1 << 0,
  MORE: 1 << 1,
  SOCK_NONEMPTY: 1 << 2,
  NOTIF: 1 << 3,
  BUF_MORE: 1 << 4,
  SKIP: 1 << 5,
  '32': 1 << 15,
} as const;
export const IORING_CQE_BUFFER_SHIFT = 16;

export const IORING_SQ = { NEED_WAKEUP: 1 << 0, CQ_OVERFLOW: 1 << 1, TASKRUN: 1 << 2 } as const;
export const IORING_CQ = { EVENTFD_DISABLED: 1 << 0 } as const;

export const IORING_ENTER = {
  GETEVENTS: 1 << 0,
  SQ_WAKEUP: 1 << 1,
  SQ_WAIT: 1 << 2,
  EXT_ARG: 1 << 3,
  REGISTERED_RING: 1 << 4,
  ABS_TIMER: 1 << 5,
  EXT_ARG_REG: 1 << 6,
  NO_IOWAIT: 1 << 7,
} as const;

export const IORING_OFF = {
  SQ_RING: 0,
  CQ_RING: 0x8000000,
  SQES: 0x10000000,
  PBUF_RING: 0x80000000,
  PBUF_SHIFT: 16,
  MMAP_MASK: 0xf8000000,
} as const;

export const IORING_REGISTER = {
  BUFFERS: 0,
  UNREGISTER_BUFFERS: 1,
  FILES: 2,
  UNREGISTER_FILES: 3,
  EVENTFD: 4,
  UNREGISTER_EVENTFD: 5,
  FILES_UPDATE: 6,
  EVENTFD_ASYNC: 7,
  PROBE: 8,
  PERSONALITY: 9,
  UNREGISTER_PERSONALITY: 10,
  RESTRICTIONS: 11,
  ENABLE_RINGS: 12,
  FILES2: 13,
  FILES_UPDATE2: 14,
  BUFFERS2: 15,
  BUFFERS_UPDATE: 16,
  IOWQ_AFF: 17,
  UNREGISTER_IOWQ_AFF: 18,
  IOWQ_MAX_WORKERS: 19,
  RING_FDS: 20,
  UNREGISTER_RING_FDS: 21,
  PBUF_RING: 22,
  UNREGISTER_PBUF_RING: 23,
  SYNC_CANCEL: 24,
  FILE_ALLOC_RANGE: 25,
  PBUF_STATUS: 26,
  NAPI: 27,
  UNREGISTER_NAPI: 28,
  CLOCK: 29,
  CLONE_BUFFERS: 30,
  SEND_MSG_RING: 31,
  ZCRX_IFQ: 32,
  RESIZE_RINGS: 33,
  MEM_REGION: 34,
  QUERY: 35,
  ZCRX_CTRL: 36,
  BPF_FILTER: 37,
  LAST: 38,
  USE_REGISTERED_RING: 0x80000000,
} as const;

/** IORING_REGISTER_* names that are not real opcodes (bounds and flags). */
export const REGISTER_PSEUDO = new Set(['LAST', 'USE_REGISTERED_RING']);

export const IORING_RECVSEND = {
  POLL_FIRST: 1 << 0,
  RECV_MULTISHOT: 1 << 1,
  FIXED_BUF: 1 << 2,
  BUNDLE: 1 << 4,
  /** IORING_SEND_VECTORIZED: SEND's addr/len are an iovec array and its length. */
  SEND_VECTORIZED: 1 << 5,
} as const;

/** sqe->fsync_flags (IORING_OP_FSYNC). */
export const IORING_FSYNC = { DATASYNC: 1 << 0 } as const;

export const IORING_NOP = {
  INJECT_RESULT: 1 << 0,
  FILE: 1 << 1,
  FIXED_FILE: 1 << 2,
  FIXED_BUFFER: 1 << 3,
  TW: 1 << 4,
  CQE32: 1 << 5,
} as const;

/** sqe->timeout_flags (TIMEOUT, TIMEOUT_REMOVE, LINK_TIMEOUT). */
export const IORING_TIMEOUT = {
  ABS: 1 << 0,
  UPDATE: 1 << 1,
  BOOTTIME: 1 << 2,
  REALTIME: 1 << 3,
  LINK_TIMEOUT_UPDATE: 1 << 4,
  ETIME_SUCCESS: 1 << 5,
  MULTISHOT: 1 << 6,
} as const;
export const IORING_TIMEOUT_CLOCK_MASK = IORING_TIMEOUT.BOOTTIME | IORING_TIMEOUT.REALTIME;
export const IORING_TIMEOUT_UPDATE_MASK = IORING_TIMEOUT.UPDATE | IORING_TIMEOUT.LINK_TIMEOUT_UPDATE;

/** POLL_ADD and POLL_REMOVE flags, in sqe->len. */
export const IORING_POLL = {
  ADD_MULTI: 1 << 0,
  UPDATE_EVENTS: 1 << 1,
  UPDATE_USER_DATA: 1 << 2,
  ADD_LEVEL: 1 << 3,
} as const;

/** sqe->cancel_flags (ASYNC_CANCEL) and io_uring_sync_cancel_reg.flags. */
export const IORING_ASYNC_CANCEL = {
  ALL: 1 << 0,
  FD: 1 << 1,
  ANY: 1 << 2,
  FD_FIXED: 1 << 3,
  USERDATA: 1 << 4,
  OP: 1 << 5,
} as const;

/** EPOLL* event bits (include/uapi/linux/eventpoll.h); the low 16 are poll(2)'s on x86. */
export const EPOLL = {
  IN: 0x1,
  PRI: 0x2,
  OUT: 0x4,
  ERR: 0x8,
  HUP: 0x10,
  NVAL: 0x20,
  RDNORM: 0x40,
  RDBAND: 0x80,
  WRNORM: 0x100,
  WRBAND: 0x200,
  MSG: 0x400,
  RDHUP: 0x2000,
  /** EPOLL_URING_WAKE: the wake-up comes from io_uring posting a CQE (an eventfd signal). */
  URING_WAKE: 1 << 27,
  EXCLUSIVE: 1 << 28,
  WAKEUP: 1 << 29,
  ONESHOT: 1 << 30,
  ET: 2 ** 31,
} as const;

/** Per-I/O flags of READ/WRITE (sqe->rw_flags), from include/uapi/linux/fs.h. */
export const RWF = {
  HIPRI: 0x1,
  DSYNC: 0x2,
  SYNC: 0x4,
  NOWAIT: 0x8,
  APPEND: 0x10,
  NOAPPEND: 0x20,
  ATOMIC: 0x40,
  DONTCACHE: 0x80,
  NOSIGNAL: 0x100,
} as const;
/** RWF_SUPPORTED: every flag kiocb_set_rw_flags() knows. */
export const RWF_SUPPORTED = Object.values(RWF).reduce((a, b) => a | b, 0);

export const IO_URING_OP_SUPPORTED = 1 << 0;
export const IORING_RSRC_REGISTER_SPARSE = 1 << 0;
export const IORING_REGISTER_SRC_REGISTERED = 1 << 0;
export const IORING_REGISTER_DST_REPLACE = 1 << 1;
export const IOU_PBUF_RING = { MMAP: 1, INC: 2 } as const;

/** io_uring_region_desc.flags: IORING_MEM_REGION_TYPE_USER (pin user memory) or 0 (kernel pages). */
export const IORING_MEM_REGION_TYPE = { USER: 1 } as const;

/** io_uring_mem_region_reg.flags (IORING_REGISTER_MEM_REGION). */
export const IORING_MEM_REGION_REG = { WAIT_ARG: 1 } as const;

/** Kernel-internal limits (io_uring/io_uring.h), not in the UAPI header. */
export const IORING_MAX_ENTRIES = 32768;
export const IORING_MAX_CQ_ENTRIES = 2 * IORING_MAX_ENTRIES;

/** Flag names of a value, for traces a person reads. */
export function flagNames(table: Readonly<Record<string, number>>, value: number): string[] {
  const out: string[] = [];
  let rest = value >>> 0;
  for (const [name, bit] of Object.entries(table)) {
    if (bit !== 0 && (rest & bit) === bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}
