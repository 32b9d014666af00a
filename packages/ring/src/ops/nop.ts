// IORING_OP_NOP and NOP128 (io_uring/nop.c): io_nop_prep() and io_nop().

import { ERRNO } from '../uapi/errno.js';
import { IORING_NOP, IORING_OP, IORING_SETUP as S } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, REQ_F, reqSetCqe32Extra, reqSetFail, type Req } from '../core/req.js';
import { completeDefer } from '../core/complete.js';
import { taskWorkAdd } from '../core/tw.js';
import { findBufNode } from '../core/rsrc.js';
import type { SqeReader } from '../core/sqe.js';
import { IORING_CQE_F } from '../uapi/constants.js';

const NOP_FLAGS = IORING_NOP.INJECT_RESULT | IORING_NOP.FIXED_FILE | IORING_NOP.FIXED_BUFFER |
  IORING_NOP.FILE | IORING_NOP.TW | IORING_NOP.CQE32;

interface NopCmd {
  flags: number;
  result: number;
  fd: number;
}

function nopPrep(req: Req, sqe: SqeReader): number {
  const flags = sqe.u32(28);
  if (flags & ~NOP_FLAGS) return -ERRNO.EINVAL;
  // Plain NOPs keep no per-request state: the hot path allocates nothing.
  if (flags === 0) return 0;
  const cmd: NopCmd = {
    flags,
    result: flags & IORING_NOP.INJECT_RESULT ? sqe.s32(24) : 0,
    fd: flags & IORING_NOP.FILE ? sqe.s32(4) : -1,
  };
  if (flags & IORING_NOP.FIXED_FILE) req.flags |= REQ_F.FIXED_FILE;
  if (flags & IORING_NOP.FIXED_BUFFER) req.bufIndex = sqe.u16(40);
  if (flags & IORING_NOP.CQE32) {
    if (!(req.ctx.flags & (S.CQE32 | S.CQE_MIXED))) return -ERRNO.EINVAL;
    // big_cqe[0] = sqe->off, big_cqe[1] = sqe->addr, copied as u32 words.
    reqSetCqe32Extra(req, sqe.u32(8), sqe.u32(12), sqe.u32(16), sqe.u32(20));
  }
  req.cmd = cmd as unknown as Record<string, unknown>;
  return 0;
}

function nopIssue(req: Req, issueFlags: number): number {
  const cmd = req.cmd as unknown as NopCmd | null;
  if (!cmd) {
    req.res = 0;
    req.cflags = 0;
    return IOU_COMPLETE;
  }
  let ret = cmd.result;
  let file = true;
  if (cmd.flags & IORING_NOP.FILE) {
    // Fixed files are not modelled in the core, so a fixed-file NOP finds no file.
    const f = cmd.flags & IORING_NOP.FIXED_FILE ? null : req.ctx.kernel.fget(cmd.fd);
    // io_file_get_normal(): the request holds the file until it is freed.
    if (f) req.file = f.get();
    else {
      ret = -ERRNO.EBADF;
      file = false;
    }
  }
  // Looked up whatever result was injected (only a missing file skips it): -EFAULT replaces it.
  if (file && cmd.flags & IORING_NOP.FIXED_BUFFER) {
    if (!findBufNode(req, req.bufIndex, issueFlags)) ret = -ERRNO.EFAULT;
  }
  if (ret < 0) reqSetFail(req);
  req.res = ret;
  req.cflags = cmd.flags & IORING_NOP.CQE32 && req.ctx.flags & S.CQE_MIXED ? IORING_CQE_F['32'] : 0;
  if (!(cmd.flags & IORING_NOP.CQE32)) reqSetCqe32Extra(req, 0, 0, 0, 0);
  if (cmd.flags & IORING_NOP.TW) {
    taskWorkAdd(req.ctx, () => completeDefer(req));
    return IOU_ISSUE_SKIP_COMPLETE;
  }
  return IOU_COMPLETE;
}

export const NOP: OpDef = { opcode: IORING_OP.NOP, name: 'NOP', ...opFlags('NOP'), prep: nopPrep, issue: nopIssue };
export const NOP128: OpDef = { opcode: IORING_OP.NOP128, name: 'NOP128', ...opFlags('NOP128'), prep: nopPrep, issue: nopIssue };
