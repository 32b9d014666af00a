// IORING_OP_READ and IORING_OP_WRITE (io_uring/rw.c): io_prep_rw(), io_read(), io_write(),
// io_complete_rw(). Pollable files return -EAGAIN and get poll-armed; regular files complete
// inline; O_DIRECT block I/O completes after the device latency, through task_work.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import { completeDefer, taskWorkAdd } from '../core/complete.js';
import type { SqeReader } from '../core/sqe.js';
import { BlockDevice } from '../files/regular.js';
import { counter } from '../cost.js';
import { UringError } from '../errors.js';

/** MAX_RW_COUNT: INT_MAX rounded down to a page. */
export const MAX_RW_COUNT = 0x7ffff000;
const C_COPY = counter('copy', 'rw_bytes');

/** The io_rw command area of a READ or WRITE (io_kiocb_to_cmd()). */
export interface RwCmd {
  addr: number;
  len: number;
  /** File offset, or -1 for the current position. */
  pos: number;
  rwFlags: number;
  /** A provided buffer kept across a retry (legacy buffers stay with a waiting read). */
  sel?: { addr: number; len: number } | undefined;
}

/** IORING_RW_ATTR_FLAG_PI: the only attribute io_prep_rw() accepts. */
const RW_ATTR_FLAG_PI = 1;

/** io_prep_rw(): __io_prep_rw() then io_rw_do_import(). */
export function rwPrep(req: Req, sqe: SqeReader): number {
  const hi = sqe.u32(12);
  const pos = hi === 0xffffffff && sqe.u32(8) === 0xffffffff ? -1 : sqe.u64n(8);
  const cmd: RwCmd = { addr: sqe.u64n(16), len: sqe.u32(24), pos, rwFlags: sqe.u32(28) };
  req.cmd = cmd as unknown as Record<string, unknown>;
  const attrMask = sqe.u64(56);
  if (attrMask) {
    if (attrMask !== BigInt(RW_ATTR_FLAG_PI)) return -ERRNO.EINVAL;
    throw new UringError('ENOSYS', 'protection-information attributes (IORING_RW_ATTR_FLAG_PI) are not modelled');
  }
  // A user buffer is imported at prep (import_ubuf(): capped length, access_ok()), so a bad
  // pointer fails the SQE at submission and ends the batch. Provided buffers are picked at issue.
  if (!(req.flags & REQ_F.BUFFER_SELECT) && !req.ctx.kernel.memory.accessOk(cmd.addr, Math.min(cmd.len, MAX_RW_COUNT))) {
    return -ERRNO.EFAULT;
  }
  return 0;
}

function finish(req: Req, res: number): number {
  if (res < 0) reqSetFail(req);
  req.res = res;
  req.cflags = req.ctx.kernel.putKbuf(req, res, 0);
  return IOU_COMPLETE;
}

/** Picks the buffer: the SQE's, or a provided buffer when IOSQE_BUFFER_SELECT is set. */
function rwBuffer(req: Req, cmd: RwCmd, issueFlags: number): { addr: number; len: number } | number {
  if (req.flags & REQ_F.BUFFER_SELECT) {
    // io_do_buffer_select() is false while a selected buffer is still attached.
    if (cmd.sel && req.flags & REQ_F.BUFFER_SELECTED) return cmd.sel;
    const sel = req.ctx.kernel.selectBuffer(req, cmd.len, issueFlags);
    if (!sel) return -ERRNO.ENOBUFS;
    cmd.sel = sel;
    return sel;
  }
  return { addr: cmd.addr, len: cmd.len };
}

function readIssue(req: Req, issueFlags: number): number {
  const cmd = req.cmd as unknown as RwCmd;
  const file = req.file!;
  const k = req.ctx.kernel;
  if (cmd.rwFlags) return finish(req, -ERRNO.EOPNOTSUPP);
  // io_read(): the buffer is selected before the read is tried, so an empty group fails at once.
  const buf = rwBuffer(req, cmd, issueFlags);
  if (typeof buf === 'number') return finish(req, buf);
  if (file.pollable && !file.readable() && issueFlags & ISSUE_F.NONBLOCK) {
    // -EAGAIN: a ring buffer is recycled by not committing it; a legacy buffer stays with the
    // request while it waits (rw.c recycles only REQ_F_BUFFERS_COMMIT buffers).
    k.recycleBuffer(req, issueFlags, 'rw');
    if (!(req.flags & REQ_F.BUFFER_SELECTED)) cmd.sel = undefined;
    return -ERRNO.EAGAIN;
  }
  const len = Math.min(buf.len, MAX_RW_COUNT);
  if (!k.memory.accessOk(buf.addr, len)) return finish(req, -ERRNO.EFAULT);
  if (file instanceof BlockDevice && file.odirect) {
    const pos = cmd.pos < 0 ? file.pos : cmd.pos;
    const bad = file.checkDirect(buf.addr, len, pos);
    if (bad) return finish(req, bad);
    k.sched.after(file.latencyNs, () => {
      // io_complete_rw() from the device's completion, then task_work completes it.
      const r = file.read(len, pos);
      const res = r.data && !k.memory.write(buf.addr, r.data) ? -ERRNO.EFAULT : r.res;
      k.costs.add(C_COPY, r.res > 0 ? r.res : 0);
      taskWorkAdd(req.ctx, () => {
        finish(req, res);
        completeDefer(req);
      });
    });
    return IOU_ISSUE_SKIP_COMPLETE;
  }
  const r = file.read(len, cmd.pos < 0 ? undefined : cmd.pos);
  if (r.res === -ERRNO.EAGAIN) return -ERRNO.EAGAIN;
  if (r.res > 0 && r.data) {
    if (!k.memory.write(buf.addr, r.data)) return finish(req, -ERRNO.EFAULT);
    k.costs.add(C_COPY, r.res);
  }
  return finish(req, r.res);
}

function writeIssue(req: Req, issueFlags: number): number {
  const cmd = req.cmd as unknown as RwCmd;
  const file = req.file!;
  const k = req.ctx.kernel;
  if (cmd.rwFlags) return finish(req, -ERRNO.EOPNOTSUPP);
  const len = Math.min(cmd.len, MAX_RW_COUNT);
  const data = k.memory.read(cmd.addr, len);
  if (!data) return finish(req, -ERRNO.EFAULT);
  if (file.pollable && !file.writable() && issueFlags & ISSUE_F.NONBLOCK) return -ERRNO.EAGAIN;
  if (file instanceof BlockDevice && file.odirect) {
    const pos = cmd.pos < 0 ? file.pos : cmd.pos;
    const bad = file.checkDirect(cmd.addr, len, pos);
    if (bad) return finish(req, bad);
    k.sched.after(file.latencyNs, () => {
      const res = file.write(data, pos);
      taskWorkAdd(req.ctx, () => {
        finish(req, res);
        completeDefer(req);
      });
    });
    return IOU_ISSUE_SKIP_COMPLETE;
  }
  const res = file.write(data, cmd.pos < 0 ? undefined : cmd.pos);
  if (res === -ERRNO.EAGAIN) return -ERRNO.EAGAIN;
  if (res > 0) k.costs.add(C_COPY, res);
  return finish(req, res);
}

export const READ: OpDef = { opcode: IORING_OP.READ, name: 'READ', ...opFlags('READ'), prep: rwPrep, issue: readIssue };
export const WRITE: OpDef = { opcode: IORING_OP.WRITE, name: 'WRITE', ...opFlags('WRITE'), prep: rwPrep, issue: writeIssue };
