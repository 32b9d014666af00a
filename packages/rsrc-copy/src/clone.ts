// IORING_REGISTER_CLONE_BUFFERS (io_register_clone_buffers(), io_clone_buffers()): give a ring
// nodes of its own that share another ring's buffers. Nothing is pinned or charged again; the
// pages stay pinned until the last node of any ring lets go of them.

import { ERRNO, IORING_REGISTER_SRC_REGISTERED, registerGetFile, counter, type RingCtx } from '@uringlab/ring/extend';
import { rsrcDataFree, shareNode } from './node.js';
import { rsrcRing, type RsrcNode } from './state.js';
import { copyFromUser } from './uaccess.js';
import { IORING_MAX_REG_BUFFERS } from './limits.js';
import { rsrcKnobs } from './profile.js';

export const IORING_REGISTER_DST_REPLACE = 1 << 1;
const CLONE_SIZE = 32;
const INT_MAX = 0x7fffffff;
const U32_MAX = 0xffffffff;

const C_TABLE_ALLOC = counter('alloc', 'kvmalloc:io_rsrc_data');
const C_NODE_REF = counter('atomic', 'node->refs');

/** struct io_uring_clone_buffers */
export interface CloneArg {
  srcFd: number;
  flags: number;
  srcOff: number;
  dstOff: number;
  nr: number;
  pad: readonly number[];
}

/**
 * io_uring_register_get_file() (the core's, through the extension API): the source ring, from
 * the task's registered ring table with IORING_REGISTER_SRC_REGISTERED (-EINVAL past its 16
 * slots, -EBADF for an empty one), else from the fd table (-EBADF, or -EOPNOTSUPP for a file
 * that is no io_uring). A registered ring whose fd was closed is still found.
 */
function registerGetRing(ctx: RingCtx, fd: number, registered: boolean): RingCtx | number {
  const f = registerGetFile(ctx.kernel, fd, registered);
  return typeof f === 'number' ? f : f.ctx;
}

/** io_clone_buffers(): both rings are locked. */
export function cloneBuffers(ctx: RingCtx, src: RingCtx, arg: CloneArg): number {
  const dst = rsrcRing(ctx);
  const from = rsrcRing(src);
  // The two rings will share charged pages: they must be charged to the same user and mm.
  if (rsrcKnobs(ctx.kernel.profile).cloneChecksAccount && (dst.user !== from.user || dst.mmAccount !== from.mmAccount)) return -ERRNO.EINVAL;
  if (!arg.nr && (arg.dstOff || arg.srcOff)) return -ERRNO.EINVAL;
  if (dst.table.length && !(arg.flags & IORING_REGISTER_DST_REPLACE)) return -ERRNO.EBUSY;
  const srcNr = from.table.length;
  if (!srcNr) return -ERRNO.ENXIO;
  let nr = arg.nr;
  if (!nr) nr = srcNr;
  else if (nr > srcNr) return -ERRNO.EINVAL;
  else if (nr > IORING_MAX_REG_BUFFERS) return -ERRNO.EINVAL;
  // check_add_overflow() into an int, then the source's size.
  const srcEnd = nr + arg.srcOff;
  if (srcEnd > INT_MAX || srcEnd > srcNr) return -ERRNO.EOVERFLOW;
  const nbufs = nr + arg.dstOff;
  if (nbufs > U32_MAX) return -ERRNO.EOVERFLOW;
  if (nbufs > IORING_MAX_REG_BUFFERS) return -ERRNO.EINVAL;

  ctx.kernel.costs.add(C_TABLE_ALLOC);
  const old = dst.table;
  const data: (RsrcNode | null)[] = new Array<RsrcNode | null>(Math.max(nbufs, old.length)).fill(null);
  // The old nodes before the cloned range stay, with one more reference each.
  for (let i = 0; i < Math.min(arg.dstOff, old.length); i++) {
    const n = old[i];
    if (n) {
      ctx.kernel.costs.add(C_NODE_REF);
      n.refs++;
      data[i] = n;
    }
  }
  for (let k = 0; k < nr; k++) {
    const s = from.table[arg.srcOff + k] ?? null;
    data[arg.dstOff + k] = s ? shareNode(ctx, s) : null;
  }
  // And those after it.
  for (let i = nbufs; i < old.length; i++) {
    const n = old[i];
    if (n) {
      ctx.kernel.costs.add(C_NODE_REF);
      n.refs++;
      data[i] = n;
    }
  }
  // REPLACE puts the old table: kept nodes live on in the new one, replaced ones go (tags post).
  if (arg.flags & IORING_REGISTER_DST_REPLACE) rsrcDataFree(ctx, old);
  dst.table = data;
  return 0;
}

/** io_register_clone_buffers(): the argument's checks, then the source ring, then the clone. */
export function registerCloneBuffers(ctx: RingCtx, argAddr: number): number {
  const dv = copyFromUser(ctx.kernel, argAddr, CLONE_SIZE);
  if (typeof dv === 'number') return -ERRNO.EFAULT;
  const arg: CloneArg = {
    srcFd: dv.getUint32(0, true), flags: dv.getUint32(4, true), srcOff: dv.getUint32(8, true),
    dstOff: dv.getUint32(12, true), nr: dv.getUint32(16, true),
    pad: [dv.getUint32(20, true), dv.getUint32(24, true), dv.getUint32(28, true)],
  };
  if (arg.flags & ~(IORING_REGISTER_SRC_REGISTERED | IORING_REGISTER_DST_REPLACE)) return -ERRNO.EINVAL;
  if (!(arg.flags & IORING_REGISTER_DST_REPLACE) && rsrcRing(ctx).table.length) return -ERRNO.EBUSY;
  if (arg.pad.some((p) => p !== 0)) return -ERRNO.EINVAL;
  const src = registerGetRing(ctx, arg.srcFd, (arg.flags & IORING_REGISTER_SRC_REGISTERED) !== 0);
  if (typeof src === 'number') return src;
  return cloneBuffers(ctx, src, arg);
}
