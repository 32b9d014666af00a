// Nodes and their buffers (io_uring/rsrc.c): registering one iovec (pin, charge, build the imu),
// and the puts that free a node when its ring's last reference goes, posting its tag, and unpin
// and uncharge the buffer when the last node of any ring pointing at it goes.

import {
  ERRNO, counter, commitCqringFlush, ioAccountMem, ioUnaccountMem, pinPages, postCqe,
  type RingCtx,
} from '@uringlab/ring/extend';
import { Imu, RsrcNode, rsrcRing, rsrcStats } from './state.js';
import { rsrcKnobs } from './profile.js';

const PAGE = 4096n;
const U64_MAX = (1n << 64n) - 1n;

const C_NODE_ALLOC = counter('alloc', 'io_rsrc_node_alloc');
const C_NODE_FREE = counter('free', 'io_cache_free:node');
const C_IMU_ALLOC = counter('alloc', 'io_alloc_imu');
const C_IMU_FREE = counter('free', 'io_free_imu');
const C_UNPIN = counter('unpin', 'unpin_user_folio:io_release_ubuf');
const C_IMU_REF = counter('atomic', 'imu->refs');

/** A user iovec as the kernel read it (u64 fields). */
export interface UserIovec {
  base: bigint;
  len: bigint;
}

/**
 * io_validate_user_buf_range(): a nonzero length up to the profile's cap (-EFAULT for 0; past
 * the cap -EFAULT on 6.18, -EINVAL on 7.3), and base + PAGE_ALIGN(len) must not wrap.
 */
export function validateUserBufRange(ctx: RingCtx, base: bigint, len: bigint): number {
  const k = rsrcKnobs(ctx.kernel.profile);
  if (!len) return -ERRNO.EFAULT;
  if (len > k.maxBufLen) return k.overLenErrno;
  const acctLen = (len + PAGE - 1n) & ~(PAGE - 1n);
  if (base + acctLen > U64_MAX) return -ERRNO.EOVERFLOW;
  return 0;
}

/**
 * io_sqe_buffer_register(): a node for one iovec, null for a NULL base with length 0 (a sparse
 * slot), or -errno: -EFAULT for a NULL base with a length, the range checks, a range that is not
 * wholly mapped (io_pin_pages()), -ENOMEM past RLIMIT_MEMLOCK. Nothing stays pinned or charged
 * on failure.
 */
export function bufferRegister(ctx: RingCtx, iov: UserIovec): RsrcNode | null | number {
  if (!iov.base) return iov.len ? -ERRNO.EFAULT : null;
  const ret = validateUserBufRange(ctx, iov.base, iov.len);
  if (ret) return ret;
  const host = ctx.kernel;
  host.costs.add(C_NODE_ALLOC);
  const pinned = pinPages(host, iov.base, iov.len);
  if (typeof pinned === 'number') {
    host.costs.add(C_NODE_FREE);
    return pinned;
  }
  host.costs.add(C_IMU_ALLOC);
  // io_buffer_account_pin(): every page is its own folio in the model (no compound pages), so
  // each counts once.
  const acct = pinned.nrPages;
  const rs = rsrcRing(ctx);
  const err = ioAccountMem(host, rs.user, rs.mmAccount, acct);
  if (err) {
    host.costs.add(C_IMU_FREE);
    host.costs.add(C_UNPIN, pinned.nrPages);
    host.costs.add(C_NODE_FREE);
    return err;
  }
  const stats = rsrcStats(host);
  stats.imus++;
  stats.nodes++;
  return new RsrcNode(new Imu(Number(iov.base), Number(iov.len), pinned.nrPages, acct));
}

/** A new node of `ctx` sharing `imu` (io_clone_buffers(): refcount_inc(&src_node->buf->refs)). */
export function shareNode(ctx: RingCtx, src: RsrcNode): RsrcNode {
  ctx.kernel.costs.add(C_NODE_ALLOC);
  ctx.kernel.costs.add(C_IMU_REF);
  src.buf.refs++;
  rsrcStats(ctx.kernel).nodes++;
  return new RsrcNode(src.buf);
}

/**
 * io_post_aux_cqe(): a CQE of its own, outside any request, that overflows rather than being
 * dropped, committed at once (io_cq_unlock_post()).
 */
function postAuxCqe(ctx: RingCtx, userData: bigint, res: number, cflags: number): void {
  postCqe(ctx, Number(userData & 0xffffffffn), Number(userData >> 32n), res, cflags);
  commitCqringFlush(ctx);
}

/**
 * io_buffer_unmap(): drop one reference on the buffer; the last one uncharges it (to the user of
 * the ring that drops it, which io_clone_buffers() made sure is the registering one) and unpins.
 */
function bufferUnmap(ctx: RingCtx, imu: Imu): void {
  const host = ctx.kernel;
  if (imu.refs > 1) {
    host.costs.add(C_IMU_REF);
    if (--imu.refs) return;
  }
  imu.refs = 0;
  if (imu.acctPages) {
    const rs = rsrcRing(ctx);
    ioUnaccountMem(host, rs.user, rs.mmAccount, imu.acctPages);
  }
  host.costs.add(C_UNPIN, imu.nrPages);
  host.costs.add(C_IMU_FREE);
  rsrcStats(host).imus--;
}

/** io_free_rsrc_node(): post the tag, release the buffer, free the node. */
function freeRsrcNode(ctx: RingCtx, node: RsrcNode): void {
  if (node.tag) {
    postAuxCqe(ctx, node.tag, 0, 0);
    rsrcStats(ctx.kernel).tags++;
  }
  bufferUnmap(ctx, node.buf);
  ctx.kernel.costs.add(C_NODE_FREE);
  rsrcStats(ctx.kernel).nodes--;
}

/** io_put_rsrc_node(): the last reference of this ring's node frees it. */
export function putRsrcNode(ctx: RingCtx, node: RsrcNode): void {
  if (node.refs <= 0) throw new Error('io_put_rsrc_node() of a freed node');
  if (!--node.refs) freeRsrcNode(ctx, node);
}

/** io_rsrc_data_free(): put every node, from the last slot to the first, and drop the table. */
export function rsrcDataFree(ctx: RingCtx, table: (RsrcNode | null)[]): void {
  for (let i = table.length - 1; i >= 0; i--) {
    const n = table[i];
    if (n) putRsrcNode(ctx, n);
  }
  table.length = 0;
}

/** io_clear_table_tags(): a table torn down after a failed registration posts no tags. */
export function clearTableTags(table: readonly (RsrcNode | null)[]): void {
  for (const n of table) if (n) n.tag = 0n;
}
