// IORING_OP_WRITE (io_uring/rw.c: io_write()): the user buffer was imported at prep; pollable
// files wait for room through poll, regular files complete inline, O_DIRECT block I/O completes
// after the device latency, through task_work.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, ISSUE_F, reqSetFail, type Req } from '../core/req.js';
import { completeDefer } from '../core/complete.js';
import { taskWorkAdd } from '../core/tw.js';
import { isBlockDevice } from '../files/regular.js';
import { MAX_RW_COUNT } from './limits.js';
import { rwCmd, rwPrep } from './prep.js';

const C_COPY = counter('copy', 'rw_bytes');

function finish(req: Req, res: number): number {
  if (res < 0) reqSetFail(req);
  req.res = res;
  req.cflags = 0;
  return IOU_COMPLETE;
}

function writeIssue(req: Req, issueFlags: number): number {
  const cmd = rwCmd(req);
  const file = req.file!;
  const k = req.ctx.kernel;
  if (cmd.rwFlags) return finish(req, -ERRNO.EOPNOTSUPP);
  const len = Math.min(cmd.len, MAX_RW_COUNT);
  const data = k.memory.read(cmd.addr, len);
  if (!data) return finish(req, -ERRNO.EFAULT);
  if (file.pollable && !file.writable() && issueFlags & ISSUE_F.NONBLOCK) return -ERRNO.EAGAIN;
  if (isBlockDevice(file) && file.odirect) {
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

export const WRITE: OpDef = { opcode: IORING_OP.WRITE, name: 'WRITE', ...opFlags('WRITE'), prep: rwPrep, issue: writeIssue };
