// The core's side of io_uring/rsrc.h: registered-buffer lookups from the request paths,
// forwarding to whichever registered-buffer importer is loaded. With none, the ring has no
// buffer table and every lookup fails with -EFAULT, as io_find_buf_node() does.

import { ERRNO } from '../uapi/errno.js';
import type { Req } from './req.js';
import type { FixedBufferImporter, Seg } from '../extension/types.js';

export const NO_FIXED_BUFFERS: FixedBufferImporter = Object.freeze({
  attach: () => false,
  import: () => -ERRNO.EFAULT,
});

/** io_find_buf_node(): false when the ring has no registered buffer at `index`. */
export function findBufNode(req: Req, index: number, issueFlags: number): boolean {
  return req.ctx.kernel.fixedBuffers.attach(req, index, issueFlags);
}

/** io_import_reg_buf(): the range of the attached registered buffer, or -errno. */
export function importRegBuf(req: Req, addr: number, len: number, dir: 'in' | 'out'): Seg[] | number {
  return req.ctx.kernel.fixedBuffers.import(req, addr, len, dir);
}
