// IORING_OP_READ (io_uring/rw.c: io_read(), __io_read(), io_import_rw_buffer(), kiocb_done()).
// A provided buffer is selected before the read is tried, so a read that must wait on a pipe
// already holds it: a legacy buffer stays with the request until it completes, while a ring
// buffer is recycled (its head not advanced) and chosen again later. Pollable files return
// -EAGAIN and get poll-armed; regular files complete inline; O_DIRECT block I/O completes after
// the device latency, through task_work.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { TASK_SIZE } from '../memory.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import { completeDefer } from '../core/complete.js';
import { taskWorkAdd } from '../core/tw.js';
import { bufferSelect, doBufferSelect, kbufRecycle, putKbufs } from '../core/kbuf.js';
import { isBlockDevice } from '../files/regular.js';
import { MAX_RW_COUNT } from './limits.js';
import { rwCmd, rwPrep } from './prep.js';

const C_COPY = counter('copy', 'rw_bytes');

/** kiocb_done() for a result, or io_req_defer_failed() for an error: res plus buffer flags. */
function complete(req: Req, res: number, list: unknown, issueFlags: number): number {
  if (res < 0) reqSetFail(req);
  req.res = res;
  req.cflags = putKbufs(req, res, res < 0 ? null : list, 1, issueFlags);
  return IOU_COMPLETE;
}

/**
 * io_read() failing: a ring buffer not yet committed is recycled (REQ_F_BUFFERS_COMMIT); a
 * legacy buffer is kept. -EAGAIN goes back to the core (poll, or a sleeping worker); other
 * errors complete here with whatever buffer flags io_req_defer_failed() would report.
 */
function fail(req: Req, err: number, list: unknown, issueFlags: number): number {
  if (req.flags & REQ_F.BUFFERS_COMMIT) kbufRecycle(req, list, issueFlags);
  if (err === -ERRNO.EAGAIN) return err;
  return complete(req, err, null, issueFlags);
}

function readIssue(req: Req, issueFlags: number): number {
  const cmd = rwCmd(req);
  const file = req.file!;
  const k = req.ctx.kernel;
  let list: unknown = null;
  if (cmd.rwFlags) return complete(req, -ERRNO.EOPNOTSUPP, null, issueFlags);
  if (doBufferSelect(req)) {
    const sel = bufferSelect(req, cmd.len, req.bufIndex, issueFlags);
    if (!sel) return complete(req, -ERRNO.ENOBUFS, null, issueFlags);
    // rw->addr and rw->len now describe the provided buffer, for this issue and any retry.
    cmd.addr = sel.addr;
    cmd.len = sel.len;
    list = sel.list;
    if (cmd.addr + cmd.len > TASK_SIZE) return fail(req, -ERRNO.EFAULT, list, issueFlags);
  }
  const len = Math.min(cmd.len, MAX_RW_COUNT);
  if (file.pollable && !file.readable() && issueFlags & ISSUE_F.NONBLOCK) return fail(req, -ERRNO.EAGAIN, list, issueFlags);
  if (isBlockDevice(file) && file.odirect) {
    const pos = cmd.pos < 0 ? file.pos : cmd.pos;
    const bad = file.checkDirect(cmd.addr, len, pos);
    if (bad) return fail(req, bad, list, issueFlags);
    const addr = cmd.addr;
    k.sched.after(file.latencyNs, () => {
      const r = file.read(len, pos);
      const res = r.data && !k.memory.write(addr, r.data) ? -ERRNO.EFAULT : r.res;
      if (r.res > 0) k.costs.add(C_COPY, r.res);
      // io_req_rw_complete(): the buffer was committed at selection (not pollable).
      taskWorkAdd(req.ctx, () => {
        complete(req, res, null, 0);
        completeDefer(req);
      });
    });
    return IOU_ISSUE_SKIP_COMPLETE;
  }
  const r = file.read(len, cmd.pos < 0 ? undefined : cmd.pos);
  if (r.res === -ERRNO.EAGAIN) return fail(req, -ERRNO.EAGAIN, list, issueFlags);
  if (r.res > 0 && r.data) {
    if (!k.memory.write(cmd.addr, r.data)) return fail(req, -ERRNO.EFAULT, list, issueFlags);
    k.costs.add(C_COPY, r.res);
  }
  return complete(req, r.res, list, issueFlags);
}

export const READ: OpDef = { opcode: IORING_OP.READ, name: 'READ', ...opFlags('READ'), prep: rwPrep, issue: readIssue };
