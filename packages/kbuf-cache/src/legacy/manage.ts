// IORING_OP_PROVIDE_BUFFERS and IORING_OP_REMOVE_BUFFERS (io_uring/kbuf.c): the prep checks in the
// kernel's order, then io_manage_buffers_legacy() under uring_lock.

import {
  ERRNO, IORING_OP, IOU_COMPLETE, MAX_RW_COUNT, TASK_SIZE, opFlags, reqSetFail, type OpDef, type Req, type SqeReader,
} from '@uringlab/ring/extend';
import { kbufCtx, type KbufCtx } from '../state.js';
import { BufferList } from '../types.js';

/** MAX_BIDS_PER_BGID: bids are the 16 high bits of cqe->flags. */
export const MAX_BIDS_PER_BGID = 1 << 16;
/** MAX_RW_COUNT is the core's (INT_MAX rounded down to a page). */
export { MAX_RW_COUNT };
const U64_MAX = (1n << 64n) - 1n;

interface ProvideCmd {
  nbufs: number;
  addr: number;
  len: number;
  bgid: number;
  bid: number;
}

/** READ_ONCE(sqe->fd) into a u64: a negative fd becomes a huge count. */
function fdAsCount(sqe: SqeReader): bigint {
  return BigInt.asUintN(64, BigInt(sqe.s32(4)));
}

/** io_provide_buffers_prep() */
function provideBuffersPrep(req: Req, sqe: SqeReader): number {
  if (sqe.u32(28) || sqe.s32(44)) return -ERRNO.EINVAL;
  const nbufs = fdAsCount(sqe);
  if (nbufs === 0n || nbufs > BigInt(MAX_BIDS_PER_BGID)) return -ERRNO.E2BIG;
  const addr = sqe.u64(16);
  const len = sqe.u32(24);
  if (!len) return -ERRNO.EINVAL;
  // check_mul_overflow cannot trip on 64-bit (u32 * at most 2^16); the add can.
  const size = BigInt(len) * nbufs;
  if (addr + size > U64_MAX) return -ERRNO.EOVERFLOW;
  if (addr + size > BigInt(TASK_SIZE)) return -ERRNO.EFAULT;
  const bid = sqe.u64(8);
  if (bid > 0xffffn) return -ERRNO.E2BIG;
  if (bid + nbufs > BigInt(MAX_BIDS_PER_BGID)) return -ERRNO.EINVAL;
  const cmd: ProvideCmd = { nbufs: Number(nbufs), addr: Number(addr), len, bgid: sqe.u16(40), bid: Number(bid) };
  req.cmd = cmd as unknown as Record<string, unknown>;
  return 0;
}

/** io_remove_buffers_prep() */
function removeBuffersPrep(req: Req, sqe: SqeReader): number {
  if (sqe.u32(28) || sqe.u64n(16) || sqe.u32(24) || sqe.u64n(8) || sqe.s32(44)) return -ERRNO.EINVAL;
  const nbufs = fdAsCount(sqe);
  if (nbufs === 0n || nbufs > BigInt(MAX_BIDS_PER_BGID)) return -ERRNO.EINVAL;
  const cmd: ProvideCmd = { nbufs: Number(nbufs), addr: 0, len: 0, bgid: sqe.u16(40), bid: 0 };
  req.cmd = cmd as unknown as Record<string, unknown>;
  return 0;
}

/** io_add_buffers(): 0 if at least one buffer went in, else why the first did not. */
export function addBuffers(k: KbufCtx, p: ProvideCmd, bl: BufferList): number {
  let ret = -ERRNO.ENOMEM;
  let i = 0;
  for (; i < p.nbufs; i++) {
    if (bl.nbufs === k.knobs.maxBufsPerList) {
      ret = -ERRNO.EOVERFLOW;
      break;
    }
    const buf = k.alloc.alloc();
    if (!buf) break;
    buf.addr = p.addr + i * p.len;
    buf.len = Math.min(p.len, MAX_RW_COUNT);
    buf.bid = p.bid + i;
    buf.bgid = p.bgid;
    bl.bufs.pushBack(buf);
  }
  return i ? 0 : ret;
}

/** io_remove_buffers_legacy(): frees up to nbufs buffers, oldest first; returns how many. */
export function removeBuffersLegacy(k: KbufCtx, bl: BufferList, nbufs: number): number {
  let i = 0;
  for (; i < nbufs && bl.nbufs > 0; i++) k.alloc.release(bl.bufs.popFront()!, false);
  return i;
}

/** __io_manage_buffers_legacy() */
function manageBuffers(req: Req, k: KbufCtx, p: ProvideCmd): number {
  let bl = k.lists.get(p.bgid);
  if (!bl) {
    if (req.opcode !== IORING_OP.PROVIDE_BUFFERS) return -ERRNO.ENOENT;
    bl = new BufferList(p.bgid);
    k.lists.set(p.bgid, bl);
  }
  if (bl.isRing) return -ERRNO.EINVAL;
  if (req.opcode === IORING_OP.PROVIDE_BUFFERS) return addBuffers(k, p, bl);
  return removeBuffersLegacy(k, bl, p.nbufs);
}

/** io_manage_buffers_legacy() */
function manageBuffersIssue(req: Req): number {
  const ret = manageBuffers(req, kbufCtx(req.ctx), req.cmd as unknown as ProvideCmd);
  if (ret < 0) reqSetFail(req);
  req.res = ret;
  req.cflags = 0;
  return IOU_COMPLETE;
}

export const PROVIDE_BUFFERS: OpDef = {
  opcode: IORING_OP.PROVIDE_BUFFERS, name: 'PROVIDE_BUFFERS', ...opFlags('PROVIDE_BUFFERS'),
  prep: provideBuffersPrep, issue: manageBuffersIssue,
};

export const REMOVE_BUFFERS: OpDef = {
  opcode: IORING_OP.REMOVE_BUFFERS, name: 'REMOVE_BUFFERS', ...opFlags('REMOVE_BUFFERS'),
  prep: removeBuffersPrep, issue: manageBuffersIssue,
};
