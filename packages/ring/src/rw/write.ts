// The write opcodes (io_uring/rw.c: io_write(), io_write_fixed()): WRITE, WRITEV, WRITE_FIXED
// and WRITEV_FIXED share one issue path and differ in what they import. The user buffer was
// imported at prep (READ_FIXED's twin at issue). Pollable files wait for room through poll,
// regular files complete inline, O_DIRECT block I/O completes after the device latency. Unlike
// a read, a write that the file itself fails (-EPIPE, -EFAULT, a misaligned O_DIRECT write)
// completes through kiocb_done() and task_work, so its CQE follows the batch it was submitted in.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP } from '../uapi/constants.js';
import { counter } from '../cost.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { ISSUE_F, REQ_F, type Req } from '../core/req.js';
import { isBlockDevice, RegularFile } from '../files/regular.js';
import { isSocket, PipeQueue, StreamEnd } from '../files/stream.js';
import { rwCmd } from './cmd.js';
import { rwFixedPrep, rwPrep, rwvFixedPrep, rwvPrep } from './prep.js';
import { initRwFixed, rwImportRegVec } from './fixed.js';
import { rwInitFile } from './init-file.js';
import { updatePos } from './pos.js';
import { copyFromIter } from './iter.js';
import { blkdevDirect } from './direct.js';
import { kiocbDone, rwFail } from './done.js';

const C_COPY = counter('copy', 'rw_bytes');

/**
 * loop_rw_iter(): a file with ->write but no ->write_iter (eventfd) is written one segment at a
 * time, stopping at the first error or short write; an empty iter never calls ->write, so a
 * 0-byte WRITE completes inline with 0.
 */
function loopRwIter(req: Req): number {
  const file = req.file!;
  const k = req.ctx.kernel;
  const it = rwCmd(req).iter!;
  // The kernel's IOCB_NOWAIT check (-EAGAIN without O_NONBLOCK, then poll and io-wq) is left
  // out: the model's nonblocking attempt takes the room an eventfd has, as before.
  let ret = 0;
  for (const seg of it.segs) {
    if (seg.len === 0) continue;
    const data = copyFromIter(k.memory, { segs: [seg], count: seg.len });
    // ->write() checks the length before it copies (eventfd_write(): count != 8 is -EINVAL, then
    // copy_from_user() faults): a segment that faulted is passed on whole only for that check.
    const whole = data.byteLength === seg.len;
    const nr = whole ? file.write(data, undefined) : seg.len === 8 ? -ERRNO.EFAULT : file.write(new Uint8Array(seg.len), undefined);
    if (nr < 0) return ret || nr;
    ret += nr;
    if (nr > 0) k.costs.add(C_COPY, nr);
    if (nr !== seg.len) break;
  }
  return ret;
}

/** ->write_iter(): bytes, -EAGAIN (no room), EIOCBQUEUED or -errno. */
function iterDoWrite(req: Req, pos: number | undefined): number {
  const file = req.file!;
  const k = req.ctx.kernel;
  const it = rwCmd(req).iter!;
  if (!file.writeIter) return loopRwIter(req);
  if (isBlockDevice(file) && file.odirect) return blkdevDirect(req, file, 'out', pos ?? file.pos);
  // sock_write_iter() takes no offset.
  if (isSocket(file) && pos) return -ERRNO.ESPIPE;
  const data = copyFromIter(k.memory, it);
  // copy_page_from_iter() faulting before the first byte. pipe_write() and the socket send paths
  // check the other end (-EPIPE, a reset's error) before they copy, so that answer comes first.
  if (data.byteLength === 0 && it.count > 0) {
    if (file instanceof RegularFile) return file.faultedWrite(pos, rwCmd(req).append);
    if (!(file instanceof StreamEnd)) return -ERRNO.EFAULT;
    // udp_sendmsg() checks the length, the address and a pending error before the copy too
    // (a 64 KiB write from a bad address is -EMSGSIZE; fuzz-226241858-6777).
    const err = file.sendError(it.count);
    if (err) return err;
    if (file.tx instanceof PipeQueue) file.tx.faultedWrite();
    return -ERRNO.EFAULT;
  }
  // IOCB_APPEND: a regular file's write_iter (generic_write_checks()) goes to the end of the file.
  if (file instanceof RegularFile) {
    const fpos = file.pos;
    const res = file.write(data, pos, rwCmd(req).append);
    if (res > 0) k.costs.add(C_COPY, res);
    // A short write (the copy faulted part way) goes back for the rest (need_complete_io()); the
    // retry starts again at f_pos (io_kiocb_update_pos()), faults at once, and kiocb_done() sees
    // -EFAULT, so it never stores ki_pos: f_pos stays where it was, though the bytes landed.
    if (pos === undefined && res < it.count) file.pos = fpos;
    return res;
  }
  const res = file.write(data, file.stream ? undefined : pos);
  if (res > 0) k.costs.add(C_COPY, res);
  return res;
}

/** io_write() */
export function ioWrite(req: Req, issueFlags: number): number {
  if (req.flags & REQ_F.IMPORT_BUFFER) {
    const ret = rwImportRegVec(req, 'out', issueFlags);
    if (ret) return ret;
  }
  const init = rwInitFile(req, 'out');
  if (init) return init;
  req.res = rwCmd(req).iter!.count;
  const nonblock = (issueFlags & ISSUE_F.NONBLOCK) !== 0;
  // No FMODE_NOWAIT (tmpfs), or a buffered write to a filesystem without FOP_BUFFER_WASYNC
  // (ext4): -EAGAIN before anything is written, so io-wq writes it (or, with RWF_NOWAIT, the
  // CQE says -EAGAIN).
  const f = req.file!;
  if (nonblock && f instanceof RegularFile && (!f.nowait || !f.bufferedWriteNowait)) return -ERRNO.EAGAIN;
  const ret2 = iterDoWrite(req, updatePos(req));
  // No retry for RWF_NOWAIT: -EAGAIN is the result.
  if (ret2 === -ERRNO.EAGAIN && req.flags & REQ_F.NOWAIT) return kiocbDone(req, ret2, null, issueFlags);
  if (ret2 === -ERRNO.EAGAIN) {
    // Nonblocking: poll for room (or io-wq). The model's files never sleep, so a blocking
    // write that would sleep on a full pipe also goes back to its io-wq worker, which waits.
    if (nonblock || req.file!.pollable || req.flags & REQ_F.IOPOLL) return -ERRNO.EAGAIN;
  }
  // A partial write to a regular file or block device would go on from io-wq; the model's
  // files take everything they have room for at once.
  return kiocbDone(req, ret2, null, issueFlags);
}

/** io_write_fixed(): the registered range first, then the common write. */
function ioWriteFixed(req: Req, issueFlags: number): number {
  const ret = initRwFixed(req, 'out', issueFlags);
  if (ret) return ret;
  return ioWrite(req, issueFlags);
}

const cold = { fail: rwFail };

export const WRITE: OpDef = { opcode: IORING_OP.WRITE, name: 'WRITE', ...opFlags('WRITE'), prep: rwPrep, issue: ioWrite, ...cold };
export const WRITEV: OpDef = { opcode: IORING_OP.WRITEV, name: 'WRITEV', ...opFlags('WRITEV'), prep: rwvPrep, issue: ioWrite, ...cold };
export const WRITE_FIXED: OpDef = {
  opcode: IORING_OP.WRITE_FIXED, name: 'WRITE_FIXED', ...opFlags('WRITE_FIXED'), prep: rwFixedPrep, issue: ioWriteFixed, ...cold,
};
export const WRITEV_FIXED: OpDef = {
  opcode: IORING_OP.WRITEV_FIXED, name: 'WRITEV_FIXED', ...opFlags('WRITEV_FIXED'), prep: rwvFixedPrep, issue: ioWrite, ...cold,
};
