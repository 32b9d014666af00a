// The core's side of io_uring/rsrc.h: registered-buffer lookups from the request paths,
// forwarding to whichever registered-buffer importer is loaded. With none, the ring has no
// buffer table and every lookup fails with -EFAULT, as io_find_buf_node() does.

import { ERRNO } from '../uapi/errno.js';
import { REQ_F, type Req } from './req.js';
import type { FixedBufferImporter, Seg } from '../extension/types.js';
import { MAX_RW_COUNT } from '../rw/limits.js';

export const NO_FIXED_BUFFERS: FixedBufferImporter = Object.freeze({
  attach: () => false,
  import: () => -ERRNO.EFAULT,
});

/**
 * io_find_buf_node(): false when the ring has no registered buffer at `index`. A request looks
 * its node up once (REQ_F_BUF_NODE); a retry reuses it.
 */
export function findBufNode(req: Req, index: number, issueFlags: number): boolean {
  if (req.flags & REQ_F.BUF_NODE) return true;
  if (!req.ctx.kernel.fixedBuffers.attach(req, index, issueFlags)) return false;
  req.flags |= REQ_F.BUF_NODE;
  return true;
}

/**
 * io_import_reg_buf(): [addr, addr + len) of the request's registered buffer (req.bufIndex) as
 * user segments, or -errno. `dir` is 'in' when the transfer fills the buffer (a read).
 */
export function importRegBuf(req: Req, addr: number, len: number, dir: 'in' | 'out', issueFlags: number): Seg[] | number {
  if (!findBufNode(req, req.bufIndex, issueFlags)) return -ERRNO.EFAULT;
  return req.ctx.kernel.fixedBuffers.import(req, addr, len, dir);
}

/**
 * io_import_reg_vec() / io_vec_fill_bvec(): each iovec must lie inside the registered buffer
 * (the importer's range and direction checks, validate_fixed_range()) and be nonempty (-EFAULT);
 * a total past MAX_RW_COUNT is -EINVAL.
 */
export function importRegVec(req: Req, iovs: readonly Seg[], dir: 'in' | 'out', issueFlags: number): Seg[] | number {
  if (!findBufNode(req, req.bufIndex, issueFlags)) return -ERRNO.EFAULT;
  const importer = req.ctx.kernel.fixedBuffers;
  const out: Seg[] = [];
  let total = 0;
  for (const v of iovs) {
    const segs = importer.import(req, v.addr, v.len, dir);
    if (typeof segs === 'number') return segs;
    if (v.len === 0) return -ERRNO.EFAULT;
    // check_add_overflow() cannot trip: validate_fixed_range() already bounds each length.
    total += v.len;
    out.push(...segs);
  }
  if (total > MAX_RW_COUNT) return -ERRNO.EINVAL;
  return out;
}
