// IORING_OP_FADVISE (io_uring/advise.c): io_fadvise_prep() and io_fadvise(), over the core's
// files. Advice that may block (WILLNEED, DONTNEED, NOREUSE) is forced to io-wq at prep, so its
// CQE comes from a worker; the others run inline.

import {
  ERRNO, IORING_OP, IOU_COMPLETE, REQ_F, opFlags, reqSetFail, type OpDef, type Req, type SqeReader,
} from '@uringlab/ring/extend';

/** include/uapi/linux/fadvise.h */
export const POSIX_FADV = { NORMAL: 0, RANDOM: 1, SEQUENTIAL: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;

interface FadviseCmd {
  offset: number;
  len: number;
  advice: number;
}

/** io_fadvise_force_async(): only the three pure hints can run without blocking. */
function forceAsync(advice: number): boolean {
  return advice !== POSIX_FADV.NORMAL && advice !== POSIX_FADV.RANDOM && advice !== POSIX_FADV.SEQUENTIAL;
}

/**
 * io_fadvise_prep(): buf_index and splice_fd_in must be zero. The 7.3 and 6.18 kernels the
 * testbed runs accept any sqe->addr (example-fadvise-prep); newer sources also reject it.
 */
function prep(req: Req, sqe: SqeReader): number {
  if (sqe.u16(40) || sqe.u32(44)) return -ERRNO.EINVAL;
  const cmd: FadviseCmd = { offset: sqe.u64n(8), len: sqe.u32(24), advice: sqe.u32(28) };
  if (forceAsync(cmd.advice)) req.flags |= REQ_F.FORCE_ASYNC;
  req.cmd = cmd as unknown as Record<string, unknown>;
  return 0;
}

/** generic_fadvise(), for the files the core models: pipes are ESPIPE, bad advice EINVAL. */
function vfsFadvise(req: Req, cmd: FadviseCmd): number {
  const kind = req.file!.kind;
  if (kind === 'pipe-r' || kind === 'pipe-w') return -ERRNO.ESPIPE;
  if (cmd.advice > POSIX_FADV.NOREUSE) return -ERRNO.EINVAL;
  return 0;
}

/** io_fadvise() */
function issue(req: Req): number {
  const ret = vfsFadvise(req, req.cmd as unknown as FadviseCmd);
  if (ret < 0) reqSetFail(req);
  req.res = ret;
  req.cflags = 0;
  return IOU_COMPLETE;
}

export const FADVISE: OpDef = { opcode: IORING_OP.FADVISE, name: 'FADVISE', ...opFlags('FADVISE'), prep, issue };
