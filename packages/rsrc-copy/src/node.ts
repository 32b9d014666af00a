// Nodes and their buffers (io_uring/rsrc.c): registering one iovec (pin, charge, build the imu),
// and the puts that free a node when its ring's last reference goes, posting its tag, and unpin
// and uncharge the buffer when the last node of any ring pointing at it goes.

import {
  ERRNO, counter, ioAccountMem, ioUnaccountMem, pinPages, postAuxCqe,
  type RingCtx,
} from '@uringlab/ring/extend';
import { Imu, RsrcNode, rsrcRing, rsrcStats, type RsrcRing } from './state.js';
import { rsrcKnobs } from './profile.js';

const PAGE = 4096n;
const U64_MAX = (1n << 64n) - 1n;

const C_NODE_ALLOC = counter('alloc', 'io_rsrc_node_alloc');
const C_NODE_FREE = counter('free', 'io_cache_free:node');
const C_IMU_ALLOC = counter('alloc', 'io_alloc_imu');
const C_IMU_FREE = counter('free', 'io_free_imu');
const C_UNPIN = counter('unpin', 'unpin_user_folio:io_release_ubuf');
const C_IMU_REF = counter('atomic', 'imu->refs');

/** The last compound head accounted within one register or update call (*last_hpage). */
export interface LastHpage {
  head: number | null;
}

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
export function bufferRegister(ctx: RingCtx, iov: UserIovec, last: LastHpage = { head: null }): RsrcNode | null | number {
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
  const heads = compoundHeads(ctx, Number(iov.base), pinned.nrPages);
  const ringRefs = rsrcKnobs(host.profile).hpageRingRefs;
  const hugePages = hugePagesOf(ctx, heads);
  const rs = rsrcRing(ctx);
  const acct = ringRefs ? ringHpageAccountPages(rs, heads, hugePages) : bufferAccountPages(ctx, heads, last, hugePages);
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
  const headSet = new Set<number>();
  for (const h of heads) if (h !== null) headSet.add(h);
  if (ringRefs) for (const h of headSet) rs.hpageRefs.set(h, (rs.hpageRefs.get(h) ?? 0) + 1);
  return new RsrcNode(new Imu(Number(iov.base), Number(iov.len), pinned.nrPages, acct, undefined, headSet, ringRefs ? rs : null, hugePages));
}

/** Pages in one compound page of the mapping the buffer lies in (0: ordinary pages). */
function hugePagesOf(ctx: RingCtx, heads: readonly (number | null)[]): number {
  const h = heads.find((x) => x !== null);
  if (h === undefined || h === null) return 0;
  return (ctx.kernel.memory.find(h, 1)?.m.hugePageSize ?? 0) / 4096;
}

/**
 * 7.3's per-ring huge-page counts: ordinary pages count once each; a huge page counts whole
 * only when no buffer of this ring uses it yet.
 */
function ringHpageAccountPages(rs: RsrcRing, heads: readonly (number | null)[], hugePages: number): number {
  let acct = 0;
  const seen = new Set<number>();
  for (const h of heads) {
    if (h === null) acct++;
    else if (!seen.has(h)) {
      seen.add(h);
      if (!rs.hpageRefs.get(h)) acct += hugePages;
    }
  }
  return acct;
}

/**
 * The compound head of each pinned page (null for an ordinary 4 KiB page): a huge-page mapping's
 * pages belong to the huge page their address falls in.
 */
function compoundHeads(ctx: RingCtx, base: number, nrPages: number): (number | null)[] {
  const start = Math.floor(base / 4096) * 4096;
  const hit = ctx.kernel.memory.find(start, nrPages * 4096);
  const huge = hit?.m.hugePageSize;
  return Array.from({ length: nrPages }, (_, i) => (huge ? Math.floor((start + i * 4096) / huge) * huge : null));
}

/**
 * io_buffer_account_pin(): each ordinary page counts once; a compound page counts whole
 * (page_size(hpage)), once: not again for the head accounted last in this call (*last_hpage),
 * for an earlier page of this buffer, or for a buffer already in this ring's table
 * (headpage_already_acct()).
 */
function bufferAccountPages(ctx: RingCtx, heads: readonly (number | null)[], last: LastHpage, hugePages: number): number {
  let acct = 0;
  for (let i = 0; i < heads.length; i++) {
    const h = heads[i]!;
    if (h === null) {
      acct++;
      continue;
    }
    if (h === last.head) continue;
    last.head = h;
    if (heads.slice(0, i).includes(h) || rsrcRing(ctx).table.some((n) => n?.buf.heads.has(h))) continue;
    acct += hugePages;
  }
  return acct;
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
  const rs = rsrcRing(ctx);
  let unacct = imu.acctPages;
  if (imu.hpageOwner) {
    // 7.3: the buffer's huge pages are uncharged by the last buffer of the ring using them.
    // A buffer lies in one mapping: all its pages are ordinary, or all are in huge pages.
    unacct = imu.heads.size ? 0 : imu.acctPages;
    for (const h of imu.heads) {
      const n = (imu.hpageOwner.hpageRefs.get(h) ?? 1) - 1;
      if (n) imu.hpageOwner.hpageRefs.set(h, n);
      else {
        imu.hpageOwner.hpageRefs.delete(h);
        unacct += imu.hugePages;
      }
    }
  }
  if (unacct) ioUnaccountMem(host, rs.user, rs.mmAccount, unacct);
  host.costs.add(C_UNPIN, imu.nrPages);
  host.costs.add(C_IMU_FREE);
  rsrcStats(host).imus--;
}

/** io_free_rsrc_node(): post the tag, release the buffer, free the node. */
function freeRsrcNode(ctx: RingCtx, node: RsrcNode): void {
  if (node.tag) {
    postAuxCqe(ctx, Number(node.tag & 0xffffffffn), Number(node.tag >> 32n), 0, 0);
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
