// Preparing a read or write (io_uring/rw.c: __io_prep_rw(), io_rw_do_import(), io_prep_rw(),
// io_prep_rwv(), io_prep_read_fixed(), io_prep_readv_fixed() and their write twins). READ and
// WRITE import the user buffer and READV/WRITEV the iovec array here, at prep, so a bad pointer
// fails the SQE at submission and ends the batch. A provided buffer is picked at issue instead;
// READ_FIXED imports its registered range at issue; READV_FIXED copies its iovecs here and
// imports the registered ranges at issue.

import { ERRNO } from '../uapi/errno.js';
import { UringError } from '../errors.js';
import { REQ_F, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { doBufferSelect } from '../core/kbuf.js';
import { importRwBuffer } from './import.js';
import { iovBufferSelectLen } from './vec.js';
import { prepRegIovec } from './fixed.js';
import { rwCmd, type RwCmd } from './cmd.js';

/** IORING_RW_ATTR_FLAG_PI: the only attribute __io_prep_rw() accepts. */
const RW_ATTR_FLAG_PI = 1;

/** __io_prep_rw(): the io_rw command area; no buffer is imported yet. */
export function rwPrepCommon(req: Req, sqe: SqeReader): number {
  const pos = sqe.u32(12) === 0xffffffff && sqe.u32(8) === 0xffffffff ? -1 : sqe.u64n(8);
  // Used for fixed read/write too, so read unconditionally (it overlays sqe->buf_group).
  req.bufIndex = sqe.u16(40);
  if (sqe.u16(2)) {
    throw new UringError('NOT_MODELLED', 'a nonzero ioprio on a read or write (ioprio_check_cap()) is not modelled');
  }
  const cmd: RwCmd = {
    addr: sqe.u64n(16), len: sqe.u32(24), pos, rwFlags: sqe.u32(28), bufGroup: req.bufIndex,
    iter: null, vec: null, bytesDone: 0, hipri: false, append: false,
  };
  req.cmd = cmd as unknown as Record<string, unknown>;
  const attrMask = sqe.u64(56);
  if (attrMask) {
    if (attrMask !== BigInt(RW_ATTR_FLAG_PI)) return -ERRNO.EINVAL;
    throw new UringError('NOT_MODELLED', 'protection-information attributes (IORING_RW_ATTR_FLAG_PI) are not modelled');
  }
  return 0;
}

/** io_rw_do_import(): a provided buffer is selected at issue; anything else is imported now. */
function rwDoImport(req: Req): number {
  if (doBufferSelect(req)) return 0;
  return importRwBuffer(req, null, 0);
}

/** io_prep_rw(): io_prep_read() and io_prep_write(). */
export function rwPrep(req: Req, sqe: SqeReader): number {
  const ret = rwPrepCommon(req, sqe);
  if (ret) return ret;
  return rwDoImport(req);
}

/**
 * io_prep_rwv(): io_prep_readv() and io_prep_writev(). With IOSQE_BUFFER_SELECT the single
 * iovec's length is checked here, since rw->len is replaced by the buffer's at issue.
 */
export function rwvPrep(req: Req, sqe: SqeReader): number {
  const ret = rwPrep(req, sqe);
  if (ret) return ret;
  if (!(req.flags & REQ_F.BUFFER_SELECT)) return 0;
  const rw = rwCmd(req);
  const len = iovBufferSelectLen(req.ctx.kernel.memory, rw.addr, rw.len);
  if (len < 0) return len;
  rw.len = len;
  return 0;
}

/** io_prep_read_fixed() / io_prep_write_fixed(): the registered buffer is looked up at issue. */
export const rwFixedPrep = rwPrepCommon;

/** io_prep_readv_fixed() / io_prep_writev_fixed(): copy the iovecs now, import them at issue. */
export function rwvFixedPrep(req: Req, sqe: SqeReader): number {
  const ret = rwPrepCommon(req, sqe);
  if (ret) return ret;
  const rw = rwCmd(req);
  return prepRegIovec(req, rw.addr, rw.len);
}
