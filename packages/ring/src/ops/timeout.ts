// IORING_OP_TIMEOUT and IORING_OP_TIMEOUT_REMOVE (io_uring/timeout.c): io_timeout_prep(),
// io_timeout(), io_timeout_remove_prep(), io_timeout_remove(). The timer, the count and the
// lists are the core's (core/timeout.ts).

import { ERRNO } from '../uapi/errno.js';
import {
  IORING_OP, IORING_TIMEOUT as T, IORING_TIMEOUT_CLOCK_MASK, IORING_TIMEOUT_UPDATE_MASK,
} from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, REQ_F, reqSetFail, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import { HrTimer } from '../core/hrtimer.js';
import type { TimeoutCmd } from '../core/timeout-state.js';
import { linkedTimeoutUpdate, timeoutCancel, timeoutFn, timeoutIssue, timeoutUpdate, useOffTimeouts } from '../core/timeout.js';
import { linkTimeoutFn } from '../core/link-timeout.js';
import type { IoHost } from '../core/host.js';

const TIMEOUT_FLAGS = T.ABS | IORING_TIMEOUT_CLOCK_MASK | T.ETIME_SUCCESS | T.MULTISHOT;

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x; x &= x - 1) n++;
  return n;
}

/** get_timespec64() from user memory: the timespec as {sec, nsec}, or null when it cannot be read. */
export function getTimespec(k: IoHost, addr: number): { sec: bigint; nsec: bigint } | null {
  const raw = k.memory.read(addr, 16);
  if (!raw) return null;
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return { sec: dv.getBigInt64(0, true), nsec: dv.getBigInt64(8, true) };
}

/** KTIME_SEC_MAX: timespec64_to_ktime() saturates at KTIME_MAX from here on. */
const KTIME_SEC_MAX = 9223372036n;

/** timespec64_to_ktime(), in ns as a JS number (saturating, like KTIME_MAX). */
export function tsToNs(ts: { sec: bigint; nsec: bigint }): number {
  if (ts.sec >= KTIME_SEC_MAX) return Number.MAX_SAFE_INTEGER;
  return Number(ts.sec * 1_000_000_000n + ts.nsec);
}

/** __io_timeout_prep(): TIMEOUT and LINK_TIMEOUT, checks in the kernel's order. */
export function timeoutPrep(req: Req, sqe: SqeReader, isLink: boolean): number {
  const off = sqe.u32(8);
  if (sqe.u16(40) || sqe.u32(24) !== 1 || sqe.s32(44)) return -ERRNO.EINVAL;
  if (off && isLink) return -ERRNO.EINVAL;
  const flags = sqe.u32(28);
  if (flags & ~TIMEOUT_FLAGS) return -ERRNO.EINVAL;
  // More than one clock is invalid; multishot takes relative times only.
  if (popcount(flags & IORING_TIMEOUT_CLOCK_MASK) > 1) return -ERRNO.EINVAL;
  if ((flags & (T.MULTISHOT | T.ABS)) === (T.MULTISHOT | T.ABS)) return -ERRNO.EINVAL;
  if (off) useOffTimeouts(req.ctx);
  const k = req.ctx.kernel;
  const t: TimeoutCmd = {
    off,
    targetSeq: 0,
    repeats: flags & T.MULTISHOT && off > 0 ? off : 0,
    flags,
    tsNs: 0,
    abs: (flags & T.ABS) !== 0,
    timer: new HrTimer(k.sched, () => (isLink ? linkTimeoutFn(req) : timeoutFn(req))),
    head: null,
    prev: null,
  };
  req.cmd = t as unknown as Record<string, unknown>;
  const ts = getTimespec(k, sqe.u64n(16));
  if (!ts) return -ERRNO.EFAULT;
  if (ts.sec < 0n || ts.nsec < 0n) return -ERRNO.EINVAL;
  t.tsNs = tsToNs(ts);
  if (isLink) {
    const ctx = req.ctx;
    if (!ctx.linkHead) return -ERRNO.EINVAL;
    if (ctx.linkLast!.opcode === IORING_OP.LINK_TIMEOUT) return -ERRNO.EINVAL;
    t.head = ctx.linkLast;
    ctx.linkLast!.flags |= REQ_F.ARM_LTIMEOUT;
  }
  return 0;
}

/** io_timeout(): queued with its timer running; it completes later. */
function timeoutIssueOp(req: Req): number {
  timeoutIssue(req);
  return IOU_ISSUE_SKIP_COMPLETE;
}

interface TimeoutRemCmd {
  udLo: number;
  udHi: number;
  flags: number;
  ltimeout: boolean;
  tsNs: number;
}

/** io_timeout_remove_prep() */
function timeoutRemovePrep(req: Req, sqe: SqeReader): number {
  if (req.flags & (REQ_F.FIXED_FILE | REQ_F.BUFFER_SELECT)) return -ERRNO.EINVAL;
  if (sqe.u16(40) || sqe.u32(24) || sqe.s32(44)) return -ERRNO.EINVAL;
  const flags = sqe.u32(28);
  const tr: TimeoutRemCmd = { udLo: sqe.u32(16), udHi: sqe.u32(20), flags, ltimeout: false, tsNs: 0 };
  req.cmd = tr as unknown as Record<string, unknown>;
  if (flags & IORING_TIMEOUT_UPDATE_MASK) {
    if (popcount(flags & IORING_TIMEOUT_CLOCK_MASK) > 1) return -ERRNO.EINVAL;
    if (flags & T.LINK_TIMEOUT_UPDATE) tr.ltimeout = true;
    if (flags & ~(IORING_TIMEOUT_UPDATE_MASK | T.ABS)) return -ERRNO.EINVAL;
    const ts = getTimespec(req.ctx.kernel, sqe.u64n(8));
    if (!ts) return -ERRNO.EFAULT;
    if (ts.sec < 0n || ts.nsec < 0n) return -ERRNO.EINVAL;
    tr.tsNs = tsToNs(ts);
  } else if (flags) {
    return -ERRNO.EINVAL;
  }
  return 0;
}

/** io_timeout_remove(): cancel (-ECANCELED for the timeout) or update; 0, -ENOENT or -EALREADY. */
function timeoutRemove(req: Req): number {
  const tr = req.cmd as unknown as TimeoutRemCmd;
  const ctx = req.ctx;
  let ret: number;
  // Without IORING_TIMEOUT_UPDATE it is a removal, even with LINK_TIMEOUT_UPDATE set.
  if (!(tr.flags & T.UPDATE)) {
    ret = timeoutCancel(ctx, (r) => r.udLo === tr.udLo && r.udHi === tr.udHi);
  } else {
    const abs = (tr.flags & T.ABS) !== 0;
    ret = tr.ltimeout
      ? linkedTimeoutUpdate(ctx, tr.udLo, tr.udHi, tr.tsNs, abs)
      : timeoutUpdate(ctx, tr.udLo, tr.udHi, tr.tsNs, abs);
  }
  if (ret < 0) reqSetFail(req);
  req.res = ret;
  req.cflags = 0;
  return IOU_COMPLETE;
}

export const TIMEOUT: OpDef = {
  opcode: IORING_OP.TIMEOUT, name: 'TIMEOUT', ...opFlags('TIMEOUT'),
  prep: (req, sqe) => timeoutPrep(req, sqe, false),
  issue: timeoutIssueOp,
};

export const TIMEOUT_REMOVE: OpDef = {
  opcode: IORING_OP.TIMEOUT_REMOVE, name: 'TIMEOUT_REMOVE', ...opFlags('TIMEOUT_REMOVE'),
  prep: timeoutRemovePrep,
  issue: timeoutRemove,
};
