// Registered buffers on the read/write path (io_uring/rw.c: io_init_rw_fixed(),
// io_rw_prep_reg_vec(), io_rw_import_reg_vec(); rsrc.c: io_prep_reg_iovec()). The ranges are
// imported through the registered-buffer importer (core/rsrc.ts) at issue, so with no buffer
// table READ_FIXED fails in its CQE (-EFAULT) without ending the submission batch.

import { ERRNO } from '../uapi/errno.js';
import { REQ_F, type Req } from '../core/req.js';
import { importRegBuf, importRegVec } from '../core/rsrc.js';
import { IOVEC_SIZE, KMALLOC_MAX_SIZE } from './limits.js';
import { iterOf } from './iter.js';
import { iovecFromUser } from './vec.js';
import { rwCmd, type RwDir } from './cmd.js';

/** io_init_rw_fixed(): import [addr, addr + len) of the request's registered buffer. */
export function initRwFixed(req: Req, dir: RwDir, issueFlags: number): number {
  const rw = rwCmd(req);
  // A retry after a partial transfer keeps the iterator it already has.
  if (rw.bytesDone) return 0;
  const segs = importRegBuf(req, rw.addr, rw.len, dir, issueFlags);
  if (typeof segs === 'number') return segs;
  rw.iter = iterOf(segs);
  return 0;
}

/**
 * io_prep_reg_iovec(): room for the iovecs is allocated first (io_vec_realloc(), a kmalloc that
 * fails past KMALLOC_MAX_SIZE), then they are copied in; the ranges are checked at issue.
 */
export function prepRegIovec(req: Req, uvec: number, nr: number): number {
  if (nr * IOVEC_SIZE > KMALLOC_MAX_SIZE) return -ERRNO.ENOMEM;
  const iov = iovecFromUser(req.ctx.kernel.memory, uvec, nr);
  if (typeof iov === 'number') return iov;
  rwCmd(req).vec = iov;
  req.flags |= REQ_F.IMPORT_BUFFER;
  return 0;
}

/** io_rw_import_reg_vec(): map the copied iovecs onto the registered buffer, once. */
export function rwImportRegVec(req: Req, dir: RwDir, issueFlags: number): number {
  const rw = rwCmd(req);
  const segs = importRegVec(req, rw.vec ?? [], dir, issueFlags);
  if (typeof segs === 'number') return segs;
  rw.iter = iterOf(segs);
  req.flags &= ~REQ_F.IMPORT_BUFFER;
  return 0;
}
