// The UAPI surface: constants, errno names, struct layouts, and the flat lists the testbed's
// header check walks.

import * as K from './constants.js';
import { ERRNO } from './errno.js';

export * from './constants.js';
export * from './errno.js';
export * from './layout.js';
export * from './structs.js';

export interface UapiConstant {
  readonly name: string;
  readonly value: number | bigint;
  /** Not in the headers the testbed compiles against (kernel-internal, or newer). */
  readonly noC?: boolean;
}

function group(prefix: string, table: Readonly<Record<string, number>>, skip: ReadonlySet<string> = new Set()): UapiConstant[] {
  return Object.entries(table).map(([k, v]) => ({ name: `${prefix}${k}`, value: v, ...(skip.has(k) ? { noC: true } : {}) }));
}

export const UAPI_CONSTANTS: readonly UapiConstant[] = [
  ...group('IORING_OP_', K.IORING_OP),
  { name: 'IORING_OP_LAST', value: K.IORING_OP_LAST },
  ...group('IOSQE_', K.IOSQE),
  ...group('IORING_SETUP_', K.IORING_SETUP),
  ...group('IORING_FEAT_', K.IORING_FEAT),
  ...group('IORING_CQE_F_', K.IORING_CQE_F),
  { name: 'IORING_CQE_BUFFER_SHIFT', value: K.IORING_CQE_BUFFER_SHIFT },
  ...group('IORING_SQ_', K.IORING_SQ),
  ...group('IORING_CQ_', K.IORING_CQ),
  ...group('IORING_ENTER_', K.IORING_ENTER),
  ...group('IORING_OFF_', K.IORING_OFF),
  ...Object.entries(K.IORING_REGISTER).map(([k, v]) => ({
    name: k === 'USE_REGISTERED_RING' || k === 'LAST' ? `IORING_REGISTER_${k}` : k.startsWith('UNREGISTER_') ? `IORING_${k}` : `IORING_REGISTER_${k}`,
    value: v,
  })),
  ...group('IORING_RECVSEND_', { POLL_FIRST: K.IORING_RECVSEND.POLL_FIRST, FIXED_BUF: K.IORING_RECVSEND.FIXED_BUF, BUNDLE: K.IORING_RECVSEND.BUNDLE }),
  { name: 'IORING_RECV_MULTISHOT', value: K.IORING_RECVSEND.RECV_MULTISHOT },
  { name: 'IORING_SEND_VECTORIZED', value: K.IORING_RECVSEND.SEND_VECTORIZED },
  ...group('IORING_NOP_', K.IORING_NOP),
  ...group('RWF_', K.RWF),
  { name: 'RWF_SUPPORTED', value: K.RWF_SUPPORTED },
  { name: 'IO_URING_OP_SUPPORTED', value: K.IO_URING_OP_SUPPORTED },
  { name: 'IORING_RSRC_REGISTER_SPARSE', value: K.IORING_RSRC_REGISTER_SPARSE },
  { name: 'IORING_REGISTER_SRC_REGISTERED', value: K.IORING_REGISTER_SRC_REGISTERED },
  { name: 'IORING_REGISTER_DST_REPLACE', value: K.IORING_REGISTER_DST_REPLACE },
  ...group('IOU_PBUF_RING_', K.IOU_PBUF_RING),
  ...group('IORING_MEM_REGION_TYPE_', K.IORING_MEM_REGION_TYPE),
  ...group('IORING_MEM_REGION_REG_', K.IORING_MEM_REGION_REG),
  { name: 'IORING_MAX_ENTRIES', value: K.IORING_MAX_ENTRIES, noC: true },
  { name: 'IORING_MAX_CQ_ENTRIES', value: K.IORING_MAX_CQ_ENTRIES, noC: true },
  ...group('', ERRNO),
];
