// The task's io_uring context (struct io_uring_task, io_uring/tctx.c), reduced to what user space
// can observe: the registered ring table (IORING_REGISTER_RING_FDS), which the ring fd lookups of
// io_uring_enter(), io_uring_register() and CLONE_BUFFERS' SRC_REGISTERED read. Each slot holds a
// file reference of its own, so a ring whose fd is closed lives on until its slot is emptied.

import { ERRNO } from '../uapi/errno.js';
import { UringError } from '../errors.js';
import type { FileObj } from '../files/file.js';
import { isRingFile, type RingFile } from './ring-file.js';
import type { RingCtx } from './ctx.js';
import type { IoHost } from './host.js';

/** IO_RINGFD_REG_MAX: slots in the task's registered ring table. */
export const IO_RINGFD_REG_MAX = 16;
/** sizeof(struct io_uring_rsrc_update): { u32 offset; u32 resv; u64 data; }. */
const RSRC_UPDATE_SIZE = 16;
const NO_OFFSET = 0xffffffff;

/** struct io_uring_task: allocated the first time the task uses a ring (io_uring_alloc_task_context()). */
export class IoUringTask {
  /** tctx->registered_rings[] */
  readonly registeredRings: (RingFile | null)[] = new Array<RingFile | null>(IO_RINGFD_REG_MAX).fill(null);
}

/** io_ring_add_registered_file(): the first free slot in [start, end), taking over the reference. */
export function ringAddRegisteredFile(tctx: IoUringTask, file: RingFile, start: number, end: number): number {
  for (let idx = start; idx < end; idx++) {
    if (tctx.registeredRings[idx]) continue;
    tctx.registeredRings[idx] = file;
    return idx;
  }
  return -ERRNO.EBUSY;
}

/** io_ring_add_registered_fd(): fget() the fd (an int), which must be an io_uring. */
function ringAddRegisteredFd(host: IoHost, tctx: IoUringTask, fd: number, start: number, end: number): number {
  const f: FileObj | undefined = host.fget(fd);
  if (!f) return -ERRNO.EBADF;
  if (!isRingFile(f)) return -ERRNO.EOPNOTSUPP;
  const file = f.get();
  const off = ringAddRegisteredFile(tctx, file, start, end);
  if (off < 0) file.put();
  return off;
}

/**
 * io_ringfd_register(): one io_uring_rsrc_update per entry, `offset` a slot or -1U for any free
 * one (written back), `data` the ring fd. Stops at the first bad entry; returns how many were
 * registered, or the error when none were.
 */
export function ringfdRegister(ctx: RingCtx, arg: number, nrArgs: number): number {
  if (!nrArgs || nrArgs > IO_RINGFD_REG_MAX) return -ERRNO.EINVAL;
  const host = ctx.kernel;
  // __io_uring_add_tctx_node(): the task has had a context since it created its first ring.
  const tctx = host.tctx;
  if (!tctx) throw new UringError('INTERNAL', 'a ring exists but the task has no io_uring context');
  let ret = 0;
  let i = 0;
  for (; i < nrArgs; i++) {
    const at = arg + i * RSRC_UPDATE_SIZE;
    const raw = host.memory.read(at, RSRC_UPDATE_SIZE);
    if (!raw) {
      ret = -ERRNO.EFAULT;
      break;
    }
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const offset = dv.getUint32(0, true);
    if (dv.getUint32(4, true)) {
      ret = -ERRNO.EINVAL;
      break;
    }
    let start: number;
    let end: number;
    if (offset === NO_OFFSET) {
      start = 0;
      end = IO_RINGFD_REG_MAX;
    } else {
      if (offset >= IO_RINGFD_REG_MAX) {
        ret = -ERRNO.EINVAL;
        break;
      }
      start = offset;
      end = start + 1;
    }
    // reg.data is a u64 passed as an int fd.
    const fd = Number(BigInt.asIntN(32, dv.getBigUint64(8, true)));
    ret = ringAddRegisteredFd(host, tctx, fd, start, end);
    if (ret < 0) break;
    dv.setUint32(0, ret, true);
    if (!host.memory.write(at, raw)) {
      tctx.registeredRings[ret]!.put();
      tctx.registeredRings[ret] = null;
      ret = -ERRNO.EFAULT;
      break;
    }
  }
  return i ? i : ret;
}

/** io_ringfd_unregister(): entries name slots (`data` and `resv` must be 0); an empty slot is no error. */
export function ringfdUnregister(ctx: RingCtx, arg: number, nrArgs: number): number {
  if (!nrArgs || nrArgs > IO_RINGFD_REG_MAX) return -ERRNO.EINVAL;
  const host = ctx.kernel;
  const tctx = host.tctx;
  if (!tctx) return 0;
  let ret = 0;
  let i = 0;
  for (; i < nrArgs; i++) {
    const raw = host.memory.read(arg + i * RSRC_UPDATE_SIZE, RSRC_UPDATE_SIZE);
    if (!raw) {
      ret = -ERRNO.EFAULT;
      break;
    }
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const offset = dv.getUint32(0, true);
    if (dv.getUint32(4, true) || dv.getBigUint64(8, true) || offset >= IO_RINGFD_REG_MAX) {
      ret = -ERRNO.EINVAL;
      break;
    }
    const f = tctx.registeredRings[offset];
    if (f) {
      tctx.registeredRings[offset] = null;
      f.put();
    }
  }
  return i ? i : ret;
}

/** io_uring_unreg_ringfd(): the task exits (or execs); every slot lets go of its ring. */
export function unregRingfd(tctx: IoUringTask): void {
  for (let i = 0; i < IO_RINGFD_REG_MAX; i++) {
    const f = tctx.registeredRings[i];
    if (f) {
      tctx.registeredRings[i] = null;
      f.put();
    }
  }
}

/**
 * io_uring_register_get_file(): the ring behind `fd`, a registered index when `registered`
 * (-EINVAL past the table or without a task context, -EBADF for an empty slot), else an fd
 * (-EBADF when not open, -EOPNOTSUPP when not an io_uring). No reference is kept: the model's
 * callers finish with the file inside the system call.
 */
export function registerGetFile(host: IoHost, fd: number, registered: boolean): RingFile | number {
  let file: FileObj | null | undefined;
  if (registered) {
    const tctx = host.tctx;
    if (!tctx || fd >>> 0 >= IO_RINGFD_REG_MAX) return -ERRNO.EINVAL;
    file = tctx.registeredRings[fd >>> 0];
  } else {
    file = host.fget(fd | 0);
  }
  if (!file) return -ERRNO.EBADF;
  if (isRingFile(file)) return file;
  return -ERRNO.EOPNOTSUPP;
}

/**
 * io_uring_enter()'s ring lookup: with IORING_ENTER_REGISTERED_RING the index is read from the
 * table (-EINVAL past it, -EBADF for an empty slot; the slot always holds a ring), else the fd.
 */
export function enterGetFile(host: IoHost, fd: number, registered: boolean): RingFile | number {
  if (registered) {
    const tctx = host.tctx;
    if (!tctx || fd >>> 0 >= IO_RINGFD_REG_MAX) return -ERRNO.EINVAL;
    return tctx.registeredRings[fd >>> 0] ?? -ERRNO.EBADF;
  }
  return registerGetFile(host, fd, false);
}
