// IORING_OP_FSYNC (io_uring/sync.c): io_fsync_prep() and io_fsync(). fsync always blocks, so
// the prep marks the request REQ_F_FORCE_ASYNC and it goes straight to an io-wq worker, without
// an inline attempt; the result is what vfs_fsync_range() gives for the file: 0 where ->fsync
// exists, -EINVAL where it does not. The file is looked up on the worker too
// (io_wq_submit_work() -> io_assign_file()), so a bad fd fails there, through task_work.

import { ERRNO } from '../uapi/errno.js';
import { IORING_FSYNC, IORING_OP } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, ISSUE_F, REQ_F, reqSetRes, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import type { FileObj } from '../files/file.js';
import { isBlockDevice } from '../files/regular.js';

interface SyncCmd {
  flags: number;
  off: bigint;
  len: number;
}

/** io_fsync_prep() */
function fsyncPrep(req: Req, sqe: SqeReader): number {
  // addr, buf_index and splice_fd_in must be zero.
  if (sqe.u64(16) || sqe.u16(40) || sqe.u32(44)) return -ERRNO.EINVAL;
  const flags = sqe.u32(28);
  if (flags & ~IORING_FSYNC.DATASYNC) return -ERRNO.EINVAL;
  const cmd: SyncCmd = { flags, off: sqe.u64(8), len: sqe.u32(24) };
  req.cmd = cmd as unknown as Record<string, unknown>;
  // Always io-wq: io_submit_sqe() sends it to io_queue_sqe_fallback(), never to an inline issue.
  req.flags |= REQ_F.FORCE_ASYNC;
  return 0;
}

/**
 * vfs_fsync_range(): -EINVAL for a file without ->fsync (pipes, sockets, eventfds, io_uring
 * fds); tmpfs (noop_fsync) and block devices (blkdev_fsync) succeed for any range.
 */
export function vfsFsyncRange(file: FileObj): number {
  if (file.isReg || isBlockDevice(file)) return 0;
  return -ERRNO.EINVAL;
}

/** io_fsync() */
function fsyncIssue(req: Req, issueFlags: number): number {
  // fsync needs a blocking context; FORCE_ASYNC keeps nonblocking issues from reaching here.
  if (issueFlags & ISSUE_F.NONBLOCK) return -ERRNO.EAGAIN;
  // off + len past LLONG_MAX (a negative end) means "to the end"; no model file sees the range.
  // io_req_set_res() only: a failed fsync does not mark the request failed (no req_set_fail()),
  // so the requests linked after it still run.
  reqSetRes(req, vfsFsyncRange(req.file!), 0);
  return IOU_COMPLETE;
}

export const FSYNC: OpDef = { opcode: IORING_OP.FSYNC, name: 'FSYNC', ...opFlags('FSYNC'), prep: fsyncPrep, issue: fsyncIssue };
