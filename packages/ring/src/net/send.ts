// IORING_OP_SEND on stream sockets (io_uring/net.c): io_sendmsg_prep() and io_send().

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { putKbufIfSelected } from '../core/complete.js';
import { IOU_COMPLETE, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { isSocket, type StreamEnd } from '../files/stream.js';
import { counter } from '../cost.js';

const MSG_DONTWAIT = 0x40;
const C_COPY = counter('copy', 'net_bytes');

interface NetCmd {
  addr: number;
  len: number;
  msgFlags: number;
  ioprio: number;
  pollFirstDone: boolean;
}

function netPrep(req: Req, sqe: SqeReader): number {
  const ioprio = sqe.u16(2);
  if (ioprio & ~(IORING_RECVSEND.POLL_FIRST)) return -ERRNO.EINVAL;
  if (sqe.u64n(8)) return -ERRNO.EINVAL;
  const cmd: NetCmd = { addr: sqe.u64n(16), len: sqe.u32(24), msgFlags: sqe.u32(28), ioprio, pollFirstDone: false };
  if (cmd.msgFlags & MSG_DONTWAIT) req.flags |= REQ_F.NOWAIT;
  req.cmd = cmd as unknown as Record<string, unknown>;
  return 0;
}

function done(req: Req, res: number): number {
  if (res < 0) reqSetFail(req);
  req.res = res;
  req.cflags = putKbufIfSelected(req, res);
  return IOU_COMPLETE;
}

function socketOf(req: Req): StreamEnd | undefined {
  const f = req.file;
  return isSocket(f) ? f : undefined;
}

function pollFirst(cmd: NetCmd, issueFlags: number): boolean {
  if (cmd.ioprio & IORING_RECVSEND.POLL_FIRST && !cmd.pollFirstDone && issueFlags & ISSUE_F.NONBLOCK) {
    cmd.pollFirstDone = true;
    return true;
  }
  return false;
}

function sendIssue(req: Req, issueFlags: number): number {
  const cmd = req.cmd as unknown as NetCmd;
  const sock = socketOf(req);
  const k = req.ctx.kernel;
  if (!sock) return done(req, -ERRNO.ENOTSOCK);
  if (pollFirst(cmd, issueFlags)) return -ERRNO.EAGAIN;
  const data = k.memory.read(cmd.addr, cmd.len);
  if (!data) return done(req, -ERRNO.EFAULT);
  const res = sock.write(data);
  if (res === -ERRNO.EAGAIN && (issueFlags & ISSUE_F.NONBLOCK || req.flags & REQ_F.NOWAIT)) return -ERRNO.EAGAIN;
  if (res > 0) k.costs.add(C_COPY, res);
  return done(req, res);
}

export const SEND: OpDef = { opcode: IORING_OP.SEND, name: 'SEND', ...opFlags('SEND'), prep: netPrep, issue: sendIssue };
