// IORING_REGISTER_BUFFERS (0), IORING_UNREGISTER_BUFFERS (1), IORING_REGISTER_BUFFERS2 (15) and
// IORING_REGISTER_BUFFERS_UPDATE (16), as __io_uring_register() dispatches them and rsrc.c
// carries them out, each check in the kernel's order. IORING_REGISTER_CLONE_BUFFERS is clone.ts.

import { ERRNO, IORING_REGISTER, IORING_RSRC_REGISTER_SPARSE, type RegisterOpDef, type RingCtx } from '@uringlab/ring/extend';
import { bufferRegister, clearTableTags, putRsrcNode, rsrcDataFree, type LastHpage, type UserIovec } from './node.js';
import { rsrcRing, type RsrcNode } from './state.js';
import { copyFromUser, getU64, iovecFromUser } from './uaccess.js';
import { registerCloneBuffers } from './clone.js';
import { IORING_MAX_REG_BUFFERS } from './limits.js';

const IOVEC_SIZE = 16;
const RSRC_REGISTER_SIZE = 32;
const RSRC_UPDATE2_SIZE = 32;

/**
 * io_sqe_buffers_register(): a new table of `nr` slots from the iovecs at `arg` (NULL: every slot
 * sparse) and their `tags`. Any failure tears the half-built table down without posting tags.
 */
export function sqeBuffersRegister(ctx: RingCtx, arg: bigint, nr: number, tags: bigint): number {
  const rs = rsrcRing(ctx);
  if (rs.table.length) return -ERRNO.EBUSY;
  if (!nr || nr > IORING_MAX_REG_BUFFERS) return -ERRNO.EINVAL;
  const data: (RsrcNode | null)[] = new Array<RsrcNode | null>(nr).fill(null);
  const last: LastHpage = { head: null };
  let ret = 0;
  for (let i = 0; i < nr; i++) {
    let iov: UserIovec = { base: 0n, len: 0n };
    if (arg) {
      const v = iovecFromUser(ctx.kernel, arg + BigInt(i * IOVEC_SIZE));
      if (typeof v === 'number') {
        ret = v;
        break;
      }
      iov = v;
    }
    let tag = 0n;
    if (tags) {
      const t = getU64(ctx.kernel, tags + BigInt(i * 8));
      if (typeof t === 'number') {
        ret = -ERRNO.EFAULT;
        break;
      }
      tag = t;
    }
    const node = bufferRegister(ctx, iov, last);
    if (typeof node === 'number') {
      ret = node;
      break;
    }
    if (tag) {
      if (!node) {
        ret = -ERRNO.EINVAL;
        break;
      }
      node.tag = tag;
    }
    data[i] = node;
  }
  rs.table = data;
  if (ret) {
    clearTableTags(rs.table);
    sqeBuffersUnregister(ctx);
  }
  return ret;
}

/** io_sqe_buffers_unregister(): -ENXIO without a table. */
export function sqeBuffersUnregister(ctx: RingCtx): number {
  const rs = rsrcRing(ctx);
  if (!rs.table.length) return -ERRNO.ENXIO;
  rsrcDataFree(ctx, rs.table);
  return 0;
}

interface RsrcUpdate2 {
  offset: number;
  resv: number;
  data: bigint;
  tags: bigint;
  nr: number;
  resv2: number;
}

/**
 * __io_sqe_buffers_update(): replace slots [offset, offset + nr) one by one; the old node of a
 * slot is put after its replacement registered. Returns how many were replaced, or the error
 * when none were.
 */
function sqeBuffersUpdate(ctx: RingCtx, up: RsrcUpdate2, nrArgs: number): number {
  const rs = rsrcRing(ctx);
  if (!rs.table.length) return -ERRNO.ENXIO;
  if (up.offset + nrArgs > rs.table.length) return -ERRNO.EINVAL;
  let userData = up.data;
  const last: LastHpage = { head: null };
  let done = 0;
  let err = 0;
  for (; done < nrArgs; done++) {
    const iov = iovecFromUser(ctx.kernel, userData);
    if (typeof iov === 'number') {
      err = iov;
      break;
    }
    let tag = 0n;
    if (up.tags) {
      const t = getU64(ctx.kernel, up.tags + BigInt(done * 8));
      if (typeof t === 'number') {
        err = -ERRNO.EFAULT;
        break;
      }
      tag = t;
    }
    const node = bufferRegister(ctx, iov, last);
    if (typeof node === 'number') {
      err = node;
      break;
    }
    if (tag) {
      if (!node) {
        err = -ERRNO.EINVAL;
        break;
      }
      node.tag = tag;
    }
    const i = up.offset + done;
    // io_reset_rsrc_node()
    const old = rs.table[i];
    if (old) putRsrcNode(ctx, old);
    rs.table[i] = node;
    userData += BigInt(IOVEC_SIZE);
  }
  return done ? done : err;
}

/** io_register_rsrc_update() for IORING_RSRC_BUFFER; `size` is nr_args. */
function registerRsrcUpdate(ctx: RingCtx, arg: number, size: number): number {
  if (size !== RSRC_UPDATE2_SIZE) return -ERRNO.EINVAL;
  const dv = copyFromUser(ctx.kernel, arg, RSRC_UPDATE2_SIZE);
  if (typeof dv === 'number') return -ERRNO.EFAULT;
  const up: RsrcUpdate2 = {
    offset: dv.getUint32(0, true), resv: dv.getUint32(4, true), data: dv.getBigUint64(8, true),
    tags: dv.getBigUint64(16, true), nr: dv.getUint32(24, true), resv2: dv.getUint32(28, true),
  };
  if (!up.nr || up.resv || up.resv2) return -ERRNO.EINVAL;
  // __io_register_rsrc_update(): check_add_overflow() on two u32s.
  if (up.offset + up.nr > 0xffffffff) return -ERRNO.EOVERFLOW;
  return sqeBuffersUpdate(ctx, up, up.nr);
}

/** io_register_rsrc() for IORING_RSRC_BUFFER; `size` is nr_args. */
function registerRsrc(ctx: RingCtx, arg: number, size: number): number {
  if (size !== RSRC_REGISTER_SIZE) return -ERRNO.EINVAL;
  const dv = copyFromUser(ctx.kernel, arg, RSRC_REGISTER_SIZE);
  if (typeof dv === 'number') return -ERRNO.EFAULT;
  const nr = dv.getUint32(0, true);
  const flags = dv.getUint32(4, true);
  const resv2 = dv.getBigUint64(8, true);
  const data = dv.getBigUint64(16, true);
  const tags = dv.getBigUint64(24, true);
  if (!nr || resv2) return -ERRNO.EINVAL;
  if (flags & ~IORING_RSRC_REGISTER_SPARSE) return -ERRNO.EINVAL;
  if (flags & IORING_RSRC_REGISTER_SPARSE && data) return -ERRNO.EINVAL;
  return sqeBuffersRegister(ctx, data, nr, tags);
}

export const REGISTER_BUFFERS: RegisterOpDef = {
  opcode: IORING_REGISTER.BUFFERS,
  name: 'BUFFERS',
  handler: (ctx, arg, nrArgs) => (!arg ? -ERRNO.EFAULT : sqeBuffersRegister(ctx, BigInt(arg), nrArgs, 0n)),
};

export const UNREGISTER_BUFFERS: RegisterOpDef = {
  opcode: IORING_REGISTER.UNREGISTER_BUFFERS,
  name: 'UNREGISTER_BUFFERS',
  handler: (ctx, arg, nrArgs) => (arg || nrArgs ? -ERRNO.EINVAL : sqeBuffersUnregister(ctx)),
};

export const REGISTER_BUFFERS2: RegisterOpDef = {
  opcode: IORING_REGISTER.BUFFERS2,
  name: 'BUFFERS2',
  handler: (ctx, arg, nrArgs) => registerRsrc(ctx, arg, nrArgs),
};

export const REGISTER_BUFFERS_UPDATE: RegisterOpDef = {
  opcode: IORING_REGISTER.BUFFERS_UPDATE,
  name: 'BUFFERS_UPDATE',
  handler: (ctx, arg, nrArgs) => registerRsrcUpdate(ctx, arg, nrArgs),
};

export const REGISTER_CLONE_BUFFERS: RegisterOpDef = {
  opcode: IORING_REGISTER.CLONE_BUFFERS,
  name: 'CLONE_BUFFERS',
  handler: (ctx, arg, nrArgs) => (!arg || nrArgs !== 1 ? -ERRNO.EINVAL : registerCloneBuffers(ctx, arg)),
};

export const RSRC_REGISTER_OPS: readonly RegisterOpDef[] = [
  REGISTER_BUFFERS, UNREGISTER_BUFFERS, REGISTER_BUFFERS2, REGISTER_BUFFERS_UPDATE, REGISTER_CLONE_BUFFERS,
];
