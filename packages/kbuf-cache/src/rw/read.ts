// IORING_OP_READ with provided buffers (io_uring/rw.c: io_read(), __io_read(),
// io_import_rw_buffer(), kiocb_done()). The buffer is selected before the read is tried, so a
// read that must wait on a pipe already holds it: a legacy buffer stays with the request until
// it completes, while a ring buffer is recycled (its head not advanced) and chosen again later.

import {
  BlockDevice, ERRNO, IORING_OP, IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, ISSUE_F, MAX_RW_COUNT, REQ_F, TASK_SIZE,
  completeDefer, counter, opFlags, reqSetFail, rwPrep, taskWorkAdd, type OpDef, type Req, type RwCmd,
} from '@uringlab/ring';
import { bufferSelect, doBufferSelect, kbufRecycle, putKbufs } from '../kbuf.js';
import type { BufferList } from '../types.js';

const C_COPY = counter('copy', 'rw_bytes');

/** kiocb_done() for a result, or io_req_defer_failed() for an error: res plus buffer flags. */
function complete(req: Req, res: number, bl: BufferList | null, issueFlags: number): number {
  if (res < 0) reqSetFail(req);
  req.res = res;
  req.cflags = putKbufs(req, res, res < 0 ? null : bl, 1, (issueFlags & ISSUE_F.UNLOCKED) !== 0);
  return IOU_COMPLETE;
}

function readIssue(req: Req, issueFlags: number): number {
  const cmd = req.cmd as unknown as RwCmd;
  const file = req.file!;
  const k = req.ctx.kernel;
  let bl: BufferList | null = null;
  if (cmd.rwFlags) return complete(req, -ERRNO.EOPNOTSUPP, null, issueFlags);
  if (doBufferSelect(req)) {
    const sel = bufferSelect(req, cmd.len, req.bufIndex, issueFlags);
    if (!sel) return complete(req, -ERRNO.ENOBUFS, null, issueFlags);
    // rw->addr and rw->len now describe the provided buffer, for this issue and any retry.
    cmd.addr = sel.addr;
    cmd.len = sel.len;
    bl = sel.bl;
    if (cmd.addr + cmd.len > TASK_SIZE) return fail(req, -ERRNO.EFAULT, bl, issueFlags);
  }
  const len = Math.min(cmd.len, MAX_RW_COUNT);
  if (file.pollable && !file.readable() && issueFlags & ISSUE_F.NONBLOCK) return fail(req, -ERRNO.EAGAIN, bl, issueFlags);
  if (file instanceof BlockDevice && file.odirect) {
    const pos = cmd.pos < 0 ? file.pos : cmd.pos;
    const bad = file.checkDirect(cmd.addr, len, pos);
    if (bad) return fail(req, bad, bl, issueFlags);
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
  if (r.res === -ERRNO.EAGAIN) return fail(req, -ERRNO.EAGAIN, bl, issueFlags);
  if (r.res > 0 && r.data) {
    if (!k.memory.write(cmd.addr, r.data)) return fail(req, -ERRNO.EFAULT, bl, issueFlags);
    k.costs.add(C_COPY, r.res);
  }
  return complete(req, r.res, bl, issueFlags);
}

/**
 * io_read() failing: a ring buffer not yet committed is recycled (REQ_F_BUFFERS_COMMIT); a
 * legacy buffer is kept. -EAGAIN goes back to the core (poll, or a sleeping worker); other
 * errors complete here with whatever buffer flags io_req_defer_failed() would report.
 */
function fail(req: Req, err: number, bl: BufferList | null, issueFlags: number): number {
  if (req.flags & REQ_F.BUFFERS_COMMIT) kbufRecycle(req, bl);
  if (err === -ERRNO.EAGAIN) return err;
  return complete(req, err, null, issueFlags);
}

export const READ: OpDef = {
  opcode: IORING_OP.READ, name: 'READ', ...opFlags('READ'),
  // io_prep_rw() is the core's: the user buffer is imported at prep, a provided one at issue.
  prep: rwPrep, issue: readIssue,
};
