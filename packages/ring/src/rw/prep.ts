// io_prep_rw() (io_uring/rw.c): the io_rw command area of READ and WRITE, and the import of a
// user buffer at prep, so a bad pointer fails the SQE at submission and ends the batch.

import { ERRNO } from '../uapi/errno.js';
import { UringError } from '../errors.js';
import { REQ_F, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { MAX_RW_COUNT } from './limits.js';

/** The io_rw command area of a READ or WRITE (io_kiocb_to_cmd()). */
export interface RwCmd {
  addr: number;
  len: number;
  /** File offset, or -1 for the current position. */
  pos: number;
  rwFlags: number;
}

/** IORING_RW_ATTR_FLAG_PI: the only attribute io_prep_rw() accepts. */
const RW_ATTR_FLAG_PI = 1;

export function rwCmd(req: Req): RwCmd {
  return req.cmd as unknown as RwCmd;
}

/** io_prep_rw(): __io_prep_rw() then io_rw_do_import(). */
export function rwPrep(req: Req, sqe: SqeReader): number {
  const hi = sqe.u32(12);
  const pos = hi === 0xffffffff && sqe.u32(8) === 0xffffffff ? -1 : sqe.u64n(8);
  const cmd: RwCmd = { addr: sqe.u64n(16), len: sqe.u32(24), pos, rwFlags: sqe.u32(28) };
  req.cmd = cmd as unknown as Record<string, unknown>;
  const attrMask = sqe.u64(56);
  if (attrMask) {
    if (attrMask !== BigInt(RW_ATTR_FLAG_PI)) return -ERRNO.EINVAL;
    throw new UringError('NOT_MODELLED', 'protection-information attributes (IORING_RW_ATTR_FLAG_PI) are not modelled');
  }
  // import_ubuf(): capped length, access_ok(). Provided buffers are picked at issue instead.
  if (!(req.flags & REQ_F.BUFFER_SELECT) && !req.ctx.kernel.memory.accessOk(cmd.addr, Math.min(cmd.len, MAX_RW_COUNT))) {
    return -ERRNO.EFAULT;
  }
  return 0;
}
