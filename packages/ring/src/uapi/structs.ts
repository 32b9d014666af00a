// Struct layouts of include/uapi/linux/io_uring.h and io_uring/zcrx.h (Linux 7.3), as data.
// Offsets are written out rather than computed so that the testbed's header check compares two
// independent statements of the layout.

import { defineStruct, type FieldDef } from './layout.js';

const u8 = (name: string, offset: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, offset, type: 'u8', ...extra });
const u16 = (name: string, offset: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, offset, type: 'u16', ...extra });
const u32 = (name: string, offset: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, offset, type: 'u32', ...extra });
const s32 = (name: string, offset: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, offset, type: 's32', ...extra });
const u64 = (name: string, offset: number, extra: Partial<FieldDef> = {}): FieldDef => ({ name, offset, type: 'u64', ...extra });
const alias = { alias: true } as const;

/** struct io_uring_sqe: 64 bytes; with IORING_SETUP_SQE128 the ring slot is 128 and cmd[] runs on. */
export const IO_URING_SQE = defineStruct({
  name: 'io_uring_sqe',
  c: 'struct io_uring_sqe',
  size: 64,
  fields: [
    u8('opcode', 0), u8('flags', 1), u16('ioprio', 2), s32('fd', 4),
    u64('off', 8), u64('addr2', 8, alias), u32('cmd_op', 8, alias),
    u64('addr', 16), u64('splice_off_in', 16, alias), u32('level', 16, alias), u32('optname', 20, alias),
    u32('len', 24),
    u32('op_flags', 28, { c: 'rw_flags' }),
    u32('rw_flags', 28, alias), u32('msg_flags', 28, alias), u32('nop_flags', 28, alias),
    u32('timeout_flags', 28, alias), u32('poll32_events', 28, alias), u32('fsync_flags', 28, alias),
    u32('uring_cmd_flags', 28, alias), u32('msg_ring_flags', 28, alias), u32('pipe_flags', 28, alias),
    u64('user_data', 32),
    u16('buf_index', 40), u16('buf_group', 40, alias),
    u16('personality', 42),
    u32('file_index', 44), s32('splice_fd_in', 44, alias), u32('zcrx_ifq_idx', 44, alias), u32('optlen', 44, alias),
    u16('addr_len', 44, alias),
    u64('addr3', 48), u64('attr_ptr', 48, alias), u64('optval', 48, alias),
    u64('pad2', 56, { c: '__pad2[0]', noC: true }), u64('attr_type_mask', 56, alias),
  ],
});

export const IO_URING_CQE = defineStruct({
  name: 'io_uring_cqe',
  c: 'struct io_uring_cqe',
  size: 16,
  fields: [u64('user_data', 0), s32('res', 8), u32('flags', 12)],
});

/** A 32-byte CQE (IORING_SETUP_CQE32, or IORING_CQE_F_32 on a CQE_MIXED ring). */
export const IO_URING_CQE32 = defineStruct({
  name: 'io_uring_cqe32',
  c: 'struct io_uring_cqe',
  size: 32,
  noC: true,
  fields: [u64('user_data', 0), s32('res', 8), u32('flags', 12), u64('big_cqe', 16, { count: 2 })],
});

export const IO_SQRING_OFFSETS = defineStruct({
  name: 'io_sqring_offsets',
  c: 'struct io_sqring_offsets',
  size: 40,
  fields: [
    u32('head', 0), u32('tail', 4), u32('ring_mask', 8), u32('ring_entries', 12), u32('flags', 16),
    u32('dropped', 20), u32('array', 24), u32('resv1', 28), u64('user_addr', 32),
  ],
});

export const IO_CQRING_OFFSETS = defineStruct({
  name: 'io_cqring_offsets',
  c: 'struct io_cqring_offsets',
  size: 40,
  fields: [
    u32('head', 0), u32('tail', 4), u32('ring_mask', 8), u32('ring_entries', 12), u32('overflow', 16),
    u32('cqes', 20), u32('flags', 24), u32('resv1', 28), u64('user_addr', 32),
  ],
});

const offsetsAt = (prefix: 'sq_off' | 'cq_off', base: number): FieldDef[] =>
  (prefix === 'sq_off' ? IO_SQRING_OFFSETS : IO_CQRING_OFFSETS).fields.map((f) => ({
    ...f,
    name: `${prefix}.${f.name}`,
    offset: base + f.offset,
    c: `${prefix}.${f.name}`,
  }));

export const IO_URING_PARAMS = defineStruct({
  name: 'io_uring_params',
  c: 'struct io_uring_params',
  size: 120,
  fields: [
    u32('sq_entries', 0), u32('cq_entries', 4), u32('flags', 8), u32('sq_thread_cpu', 12),
    u32('sq_thread_idle', 16), u32('features', 20), u32('wq_fd', 24), u32('resv', 28, { count: 3 }),
    ...offsetsAt('sq_off', 40),
    ...offsetsAt('cq_off', 80),
  ],
});

export const IO_URING_PROBE = defineStruct({
  name: 'io_uring_probe',
  c: 'struct io_uring_probe',
  size: 16,
  fields: [u8('last_op', 0), u8('ops_len', 1), u16('resv', 2), u32('resv2', 4, { count: 3 })],
});

export const IO_URING_PROBE_OP = defineStruct({
  name: 'io_uring_probe_op',
  c: 'struct io_uring_probe_op',
  size: 8,
  fields: [u8('op', 0), u8('resv', 1), u16('flags', 2), u32('resv2', 4)],
});

export const IOVEC = defineStruct({
  name: 'iovec',
  c: 'struct iovec',
  size: 16,
  fields: [u64('iov_base', 0), u64('iov_len', 8)],
});

/** struct msghdr as user space passes it to SENDMSG/RECVMSG (the kernel reads it as user_msghdr). */
export const MSGHDR = defineStruct({
  name: 'msghdr',
  c: 'struct msghdr',
  size: 56,
  fields: [
    u64('msg_name', 0), u32('msg_namelen', 8), u64('msg_iov', 16), u64('msg_iovlen', 24),
    u64('msg_control', 32), u64('msg_controllen', 40), u32('msg_flags', 48),
  ],
});

/** The header a multishot RECVMSG writes at the start of each provided buffer. */
export const IO_URING_RECVMSG_OUT = defineStruct({
  name: 'io_uring_recvmsg_out',
  c: 'struct io_uring_recvmsg_out',
  size: 16,
  fields: [u32('namelen', 0), u32('controllen', 4), u32('payloadlen', 8), u32('flags', 12)],
});

/** One entry of a provided-buffer ring; the ring's u16 tail overlays bufs[0].resv. */
export const IO_URING_BUF = defineStruct({
  name: 'io_uring_buf',
  c: 'struct io_uring_buf',
  size: 16,
  fields: [u64('addr', 0), u32('len', 8), u16('bid', 12), u16('resv', 14)],
});

export const IO_URING_BUF_RING_TAIL_OFFSET = 14;

export const IO_URING_BUF_REG = defineStruct({
  name: 'io_uring_buf_reg',
  c: 'struct io_uring_buf_reg',
  size: 40,
  fields: [
    u64('ring_addr', 0), u32('ring_entries', 8), u16('bgid', 12), u16('flags', 14),
    u32('min_left', 16, { noC: true }), u32('resv', 20, { count: 5, noC: true }),
  ],
});

export const IO_URING_BUF_STATUS = defineStruct({
  name: 'io_uring_buf_status',
  c: 'struct io_uring_buf_status',
  size: 40,
  fields: [u32('buf_group', 0), u32('head', 4), u32('resv', 8, { count: 8 })],
});

export const IO_URING_CLONE_BUFFERS = defineStruct({
  name: 'io_uring_clone_buffers',
  c: 'struct io_uring_clone_buffers',
  size: 32,
  fields: [
    u32('src_fd', 0), u32('flags', 4), u32('src_off', 8), u32('dst_off', 12), u32('nr', 16),
    u32('pad', 20, { count: 3 }),
  ],
});

export const IO_URING_RSRC_REGISTER = defineStruct({
  name: 'io_uring_rsrc_register',
  c: 'struct io_uring_rsrc_register',
  size: 32,
  fields: [u32('nr', 0), u32('flags', 4), u64('resv2', 8), u64('data', 16), u64('tags', 24)],
});

/** struct io_uring_rsrc_update: FILES_UPDATE and the RING_FDS entries (offset -1U: any free slot). */
export const IO_URING_RSRC_UPDATE = defineStruct({
  name: 'io_uring_rsrc_update',
  c: 'struct io_uring_rsrc_update',
  size: 16,
  fields: [u32('offset', 0), u32('resv', 4), u64('data', 8)],
});

export const IO_URING_RSRC_UPDATE2 = defineStruct({
  name: 'io_uring_rsrc_update2',
  c: 'struct io_uring_rsrc_update2',
  size: 32,
  fields: [u32('offset', 0), u32('resv', 4), u64('data', 8), u64('tags', 16), u32('nr', 24), u32('resv2', 28)],
});

export const IO_URING_GETEVENTS_ARG = defineStruct({
  name: 'io_uring_getevents_arg',
  c: 'struct io_uring_getevents_arg',
  size: 24,
  fields: [u64('sigmask', 0), u32('sigmask_sz', 8), u32('min_wait_usec', 12), u64('ts', 16)],
});

/** struct __kernel_timespec, as io_uring_getevents_arg.ts points to it. */
export const KERNEL_TIMESPEC = defineStruct({
  name: '__kernel_timespec',
  c: 'struct __kernel_timespec',
  size: 16,
  fields: [{ name: 'tv_sec', offset: 0, type: 's64' }, { name: 'tv_nsec', offset: 8, type: 's64' }],
});

export const IO_URING_REGION_DESC = defineStruct({
  name: 'io_uring_region_desc',
  c: 'struct io_uring_region_desc',
  size: 64,
  fields: [
    u64('user_addr', 0), u64('size', 8), u32('flags', 16), u32('id', 20), u64('mmap_offset', 24),
    u64('resv', 32, { count: 4, c: '__resv' }),
  ],
});

/** IORING_REGISTER_MEM_REGION's argument: a pointer to an io_uring_region_desc, and flags. */
export const IO_URING_MEM_REGION_REG = defineStruct({
  name: 'io_uring_mem_region_reg',
  c: 'struct io_uring_mem_region_reg',
  size: 32,
  fields: [u64('region_uptr', 0), u64('flags', 8), u64('resv', 16, { count: 2, c: '__resv' })],
});

export const IO_URING_ZCRX_RQE = defineStruct({
  name: 'io_uring_zcrx_rqe',
  c: 'struct io_uring_zcrx_rqe',
  size: 16,
  fields: [u64('off', 0), u32('len', 8), u32('pad', 12, { c: '__pad' })],
});

export const IO_URING_ZCRX_CQE = defineStruct({
  name: 'io_uring_zcrx_cqe',
  c: 'struct io_uring_zcrx_cqe',
  size: 16,
  fields: [u64('off', 0), u64('pad', 8, { c: '__pad' })],
});

export const IO_URING_ZCRX_OFFSETS = defineStruct({
  name: 'io_uring_zcrx_offsets',
  c: 'struct io_uring_zcrx_offsets',
  size: 32,
  fields: [u32('head', 0), u32('tail', 4), u32('rqes', 8), u32('resv2', 12, { c: '__resv2' }), u64('resv', 16, { count: 2, c: '__resv' })],
});

export const IO_URING_ZCRX_AREA_REG = defineStruct({
  name: 'io_uring_zcrx_area_reg',
  c: 'struct io_uring_zcrx_area_reg',
  size: 48,
  fields: [
    u64('addr', 0), u64('len', 8), u64('rq_area_token', 16), u32('flags', 24), u32('dmabuf_fd', 28),
    u64('resv2', 32, { count: 2, c: '__resv2' }),
  ],
});

export const IO_URING_ZCRX_IFQ_REG = defineStruct({
  name: 'io_uring_zcrx_ifq_reg',
  c: 'struct io_uring_zcrx_ifq_reg',
  size: 96,
  fields: [
    u32('if_idx', 0), u32('if_rxq', 4), u32('rq_entries', 8), u32('flags', 12),
    u64('area_ptr', 16), u64('region_ptr', 24),
    u32('offsets.head', 32, { c: 'offsets.head' }), u32('offsets.tail', 36, { c: 'offsets.tail' }),
    u32('offsets.rqes', 40, { c: 'offsets.rqes' }),
    u32('zcrx_id', 64), u32('rx_buf_len', 68), u64('event_desc', 72, { noC: true }),
    u64('resv', 80, { count: 2, c: '__resv', noC: true }),
  ],
});

export const ZCRX_CTRL = defineStruct({
  name: 'zcrx_ctrl',
  c: 'struct zcrx_ctrl',
  size: 72,
  noC: true,
  fields: [u32('zcrx_id', 0), u32('op', 4), u64('resv', 8, { count: 2, c: '__resv' }), u64('payload', 24, { count: 6 })],
});

export const ZCRX_EVENT_DESC = defineStruct({
  name: 'zcrx_event_desc',
  c: 'struct zcrx_event_desc',
  size: 96,
  noC: true,
  fields: [u64('user_data', 0), u32('type_mask', 8), u32('flags', 12), u64('stats_offset', 16), u64('resv2', 24, { count: 9, c: '__resv2' })],
});

export const UAPI_STRUCTS = [
  IO_URING_SQE, IO_URING_CQE, IO_URING_CQE32, IO_SQRING_OFFSETS, IO_CQRING_OFFSETS, IO_URING_PARAMS,
  IO_URING_PROBE, IO_URING_PROBE_OP, IOVEC, MSGHDR, IO_URING_RECVMSG_OUT, IO_URING_BUF, IO_URING_BUF_REG, IO_URING_BUF_STATUS,
  IO_URING_CLONE_BUFFERS, IO_URING_RSRC_REGISTER, IO_URING_RSRC_UPDATE, IO_URING_RSRC_UPDATE2, IO_URING_GETEVENTS_ARG, KERNEL_TIMESPEC,
  IO_URING_REGION_DESC, IO_URING_MEM_REGION_REG, IO_URING_ZCRX_RQE, IO_URING_ZCRX_CQE, IO_URING_ZCRX_OFFSETS,
  IO_URING_ZCRX_AREA_REG, IO_URING_ZCRX_IFQ_REG, ZCRX_CTRL, ZCRX_EVENT_DESC,
] as const;

const BY_NAME = new Map<string, (typeof UAPI_STRUCTS)[number]>(UAPI_STRUCTS.map((s) => [s.name, s]));

export function structByName(name: string) {
  return BY_NAME.get(name);
}
