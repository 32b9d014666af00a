// IORING_OP_SEND and IORING_OP_RECV on stream sockets (io_uring/net.c): io_sendmsg_prep()/
// io_send(), io_recvmsg_prep()/io_recv(). A recv that finds no data recycles a provided buffer
// before poll is armed (net.c: io_kbuf_recycle() on -EAGAIN).

import { ERRNO } from '../uapi/errno.js';
import { IORING_CQE_F, IORING_OP, IORING_RECVSEND } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, ISSUE_F, REQ_F, reqSetFail, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { StreamEnd } from '../files/stream.js';
import { counter } from '../cost.js';

const MSG_DONTWAIT = 0x40;
const MSG_WAITALL = 0x100;
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
  // Multishot and bundles are modelled with provided buffers (@uringlab/kbuf-cache).
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
  req.cflags = req.ctx.kernel.putKbuf(req, res, 0);
  return IOU_COMPLETE;
}

function socketOf(req: Req): StreamEnd | undefined {
  const f = req.file;
  return f instanceof StreamEnd && f.isSocket ? f : undefined;
}

function pollFirst(cmd: NetCmd, issueFlags: number): boolean {
  if (cmd.ioprio & IORING_RECVSEND.POLL_FIRST && !cmd.pollFirstDone && issueFlags & ISSUE_F.NONBLOCK) {
    cmd.pollFirstDone = true;
    return true;
  }
  return false;
}

function recvIssue(req: Req, issueFlags: number): number {
  const cmd = req.cmd as unknown as NetCmd;
  const sock = socketOf(req);
  const k = req.ctx.kernel;
  if (!sock) return done(req, -ERRNO.ENOTSOCK);
  if (pollFirst(cmd, issueFlags)) return -ERRNO.EAGAIN;
  // io_recv(): the buffer is selected before sock_recvmsg(), so an empty group fails at once.
  let addr = cmd.addr;
  let len = cmd.len;
  if (req.flags & REQ_F.BUFFER_SELECT) {
    const sel = k.selectBuffer(req, cmd.len, issueFlags);
    if (!sel) return done(req, -ERRNO.ENOBUFS);
    addr = sel.addr;
    len = sel.len;
  }
  if (!sock.readable() && (issueFlags & ISSUE_F.NONBLOCK || req.flags & REQ_F.NOWAIT)) {
    k.recycleBuffer(req, issueFlags, 'net');
    return -ERRNO.EAGAIN;
  }
  if (!k.memory.accessOk(addr, len)) return done(req, -ERRNO.EFAULT);
  const r = sock.read(len);
  if (r.res === -ERRNO.EAGAIN) {
    k.recycleBuffer(req, issueFlags, 'net');
    return -ERRNO.EAGAIN;
  }
  if (r.res > 0 && r.data) {
    if (!k.memory.write(addr, r.data)) return done(req, -ERRNO.EFAULT);
    k.costs.add(C_COPY, r.res);
  }
  void MSG_WAITALL;
  done(req, r.res);
  // io_recv_finish(): msg_inq > 0 tells the application more data is already queued.
  if (r.res >= 0 && sock.inq() > 0) req.cflags |= IORING_CQE_F.SOCK_NONEMPTY;
  return IOU_COMPLETE;
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

export const RECV: OpDef = { opcode: IORING_OP.RECV, name: 'RECV', ...opFlags('RECV'), prep: netPrep, issue: recvIssue };
export const SEND: OpDef = { opcode: IORING_OP.SEND, name: 'SEND', ...opFlags('SEND'), prep: netPrep, issue: sendIssue };
