// IORING_OP_ASYNC_CANCEL (io_uring/cancel.c): io_async_cancel_prep() and io_async_cancel(). The
// lookup (io-wq, poll, timeouts) is the core's (core/try-cancel.ts).

import { ERRNO } from '../uapi/errno.js';
import { IORING_ASYNC_CANCEL as C, IORING_OP } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, REQ_F, reqSetFail, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { asyncCancel } from '../core/try-cancel.js';
import type { CancelData } from '../core/cancel-match.js';

const CANCEL_FLAGS = C.ALL | C.FD | C.ANY | C.FD_FIXED | C.USERDATA | C.OP;

interface CancelCmd {
  udLo: number;
  udHi: number;
  flags: number;
  fd: number;
  opcode: number;
}

/** io_async_cancel_prep() */
function asyncCancelPrep(req: Req, sqe: SqeReader): number {
  if (req.flags & REQ_F.BUFFER_SELECT) return -ERRNO.EINVAL;
  if (sqe.u64n(8) || sqe.s32(44)) return -ERRNO.EINVAL;
  const c: CancelCmd = { udLo: sqe.u32(16), udHi: sqe.u32(20), flags: sqe.u32(28), fd: -1, opcode: 0 };
  req.cmd = c as unknown as Record<string, unknown>;
  if (c.flags & ~CANCEL_FLAGS) return -ERRNO.EINVAL;
  if (c.flags & C.FD) {
    if (c.flags & C.ANY) return -ERRNO.EINVAL;
    c.fd = sqe.s32(4);
  }
  if (c.flags & C.OP) {
    if (c.flags & C.ANY) return -ERRNO.EINVAL;
    c.opcode = sqe.u32(24);
  }
  return 0;
}

/** io_async_cancel(): 0, the number cancelled (ALL, ANY), or -ENOENT / -EALREADY / -EBADF. */
function asyncCancelIssue(req: Req): number {
  const c = req.cmd as unknown as CancelCmd;
  const ctx = req.ctx;
  const cd: CancelData = { ctx, udLo: c.udLo, udHi: c.udHi, flags: c.flags, opcode: c.opcode, file: null, seq: ++ctx.cancelSeq };
  let ret: number;
  done: {
    if (c.flags & C.FD) {
      if (req.flags & REQ_F.FIXED_FILE || c.flags & C.FD_FIXED) {
        // io_file_get_fixed(): the core models no registered file table, so the slot is empty.
        req.flags |= REQ_F.FIXED_FILE;
        ret = -ERRNO.EBADF;
        break done;
      }
      // io_file_get_normal(): the request holds the file until it is freed.
      const f = ctx.kernel.fget(c.fd);
      if (!f) {
        ret = -ERRNO.EBADF;
        break done;
      }
      req.file = f.get();
      cd.file = req.file;
    }
    ret = asyncCancel(cd);
  }
  if (ret < 0) reqSetFail(req);
  req.res = ret;
  req.cflags = 0;
  return IOU_COMPLETE;
}

export const ASYNC_CANCEL: OpDef = {
  opcode: IORING_OP.ASYNC_CANCEL, name: 'ASYNC_CANCEL', ...opFlags('ASYNC_CANCEL'),
  prep: asyncCancelPrep,
  issue: asyncCancelIssue,
};
