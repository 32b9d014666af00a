// The read opcodes (io_uring/rw.c: io_read(), __io_read(), io_read_fixed(), io_iter_do_read()):
// READ, READV, READ_FIXED and READV_FIXED share one issue path and differ in what they import.
// A provided buffer is selected before the read is tried, so a read that must wait on a pipe
// already holds it: a legacy buffer stays with the request until it completes, while a ring
// buffer is recycled (its head not advanced) and chosen again later. Pollable files return
// -EAGAIN and get poll-armed; regular files complete inline; O_DIRECT block I/O completes after
// the device latency, through task_work or, on an IOPOLL ring, when the ring is polled.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_ISSUE_SKIP_COMPLETE, ISSUE_F, REQ_F, type Req } from '../core/req.js';
import { doBufferSelect, kbufRecycle } from '../core/kbuf.js';
import { isBlockDevice, RegularFile } from '../files/regular.js';
import { isSocket } from '../files/stream.js';
import { rwCmd } from './cmd.js';
import { rwFixedPrep, rwPrep, rwvFixedPrep, rwvPrep } from './prep.js';
import { importRwBuffer, type BrSel } from './import.js';
import { initRwFixed, rwImportRegVec } from './fixed.js';
import { rwInitFile } from './init-file.js';
import { updatePos } from './pos.js';
import { copyToIter } from './iter.js';
import { blkdevDirect } from './direct.js';
import { EIOCBQUEUED, kiocbDone, rwFail } from './done.js';

const C_COPY = counter('copy', 'rw_bytes');

/** io_iter_do_read() -> ->read_iter(): bytes, -EAGAIN (nothing there yet), EIOCBQUEUED or -errno. */
function iterDoRead(req: Req, pos: number | undefined): number {
  const file = req.file!;
  const k = req.ctx.kernel;
  const it = rwCmd(req).iter!;
  if (isBlockDevice(file) && file.odirect) return blkdevDirect(req, file, 'in', pos ?? file.pos);
  // sock_read_iter() takes no offset.
  if (isSocket(file) && pos) return -ERRNO.ESPIPE;
  const r = file.read(it.count, file.stream ? undefined : pos);
  if (r.res <= 0 || !r.data) return r.res;
  const n = copyToIter(k.memory, it, r.data);
  if (n > 0) k.costs.add(C_COPY, n);
  // filemap_read(): ki_pos moves by what reached the user, so a copy that faulted leaves the
  // rest of the file position where it was (f_pos for offset -1, via kiocb_done()).
  if (n < r.res && !file.stream && pos === undefined) file.pos -= r.res - n;
  // A stream keeps what did not land (pipe_read(), unix_stream_read_generic()).
  if (n < r.res && file.stream) file.unread?.(r.data.subarray(n));
  return n === r.res ? n : n > 0 ? n : -ERRNO.EFAULT;
}

/** __io_read(): the read attempt; >= 0 bytes, IOU_ISSUE_SKIP_COMPLETE, or -errno (-EAGAIN retries). */
export function ioReadAttempt(req: Req, sel: BrSel, issueFlags: number): number {
  if (req.flags & REQ_F.IMPORT_BUFFER) {
    const ret = rwImportRegVec(req, 'in', issueFlags);
    if (ret) return ret;
  } else if (doBufferSelect(req)) {
    const ret = importRwBuffer(req, sel, issueFlags);
    if (ret < 0) return ret;
  }
  const init = rwInitFile(req, 'in');
  if (init) return init;
  // req->cqe.res: what a full read returns; anything else is short.
  req.res = rwCmd(req).iter!.count;
  // A file without FMODE_NOWAIT that cannot be polled: the nonblocking attempt is -EAGAIN before
  // anything is read (a tmpfs file; io-wq reads it).
  const file = req.file!;
  if (issueFlags & ISSUE_F.NONBLOCK && file instanceof RegularFile && !file.nowait) return -ERRNO.EAGAIN;
  const ret = iterDoRead(req, updatePos(req));
  // -EAGAIN: a pollable file waits through poll (or, on an io-wq worker, by sleeping). The
  // model's other files never run dry, so the kernel's page-cache retry is never needed.
  if (ret === -ERRNO.EAGAIN) return ret;
  if (ret === EIOCBQUEUED) return IOU_ISSUE_SKIP_COMPLETE;
  // A short read of a regular file or block device would be retried for the rest; the model's
  // files return everything up to EOF at once, so the retry would find nothing more.
  return ret;
}

/** io_read() */
export function ioRead(req: Req, issueFlags: number): number {
  const sel: BrSel = { list: null };
  const ret = ioReadAttempt(req, sel, issueFlags);
  if (ret >= 0) return kiocbDone(req, ret, sel, issueFlags);
  // A ring buffer not yet committed goes back unconsumed; a legacy buffer stays with the request.
  if (req.flags & REQ_F.BUFFERS_COMMIT) kbufRecycle(req, sel.list, issueFlags);
  return ret;
}

/** io_read_fixed(): the registered range first, then the common read. */
function ioReadFixed(req: Req, issueFlags: number): number {
  const ret = initRwFixed(req, 'in', issueFlags);
  if (ret) return ret;
  return ioRead(req, issueFlags);
}

const cold = { fail: rwFail };

export const READ: OpDef = { opcode: IORING_OP.READ, name: 'READ', ...opFlags('READ'), prep: rwPrep, issue: ioRead, ...cold };
export const READV: OpDef = { opcode: IORING_OP.READV, name: 'READV', ...opFlags('READV'), prep: rwvPrep, issue: ioRead, ...cold };
export const READ_FIXED: OpDef = {
  opcode: IORING_OP.READ_FIXED, name: 'READ_FIXED', ...opFlags('READ_FIXED'), prep: rwFixedPrep, issue: ioReadFixed, ...cold,
};
export const READV_FIXED: OpDef = {
  opcode: IORING_OP.READV_FIXED, name: 'READV_FIXED', ...opFlags('READV_FIXED'), prep: rwvFixedPrep, issue: ioRead, ...cold,
};
