// The objects of io_uring/rsrc.h the model keeps: struct io_mapped_ubuf (imu), shared by every
// node that points at it, also across rings; struct io_rsrc_node, one per table slot of one
// ring, with that ring's reference count and tag; and each ring's buffer table (ctx->buf_table)
// with the user it charges (ctx->user).

import { rsrcKnobs } from './profile.js';
import { defineKernelState, defineRingState, memAccounting, type IoHost, type MemAccounting, type RingCtx } from '@uringlab/ring/extend';

/** IO_IMU_DEST / IO_IMU_SOURCE: which transfer directions a buffer allows. */
export const IO_IMU = { DEST: 1 << 0, SOURCE: 1 << 1 } as const;

/** struct io_mapped_ubuf: the pinned pages of one registered buffer. */
export class Imu {
  /** refcount_t refs: one per node (in any ring) that points here. */
  refs = 1;
  constructor(
    /** imu->ubuf: the user address the buffer was registered at. */
    readonly ubuf: number,
    /** imu->len */
    readonly len: number,
    /** Pages pinned (imu->nr_bvecs before coalescing): what is unpinned with the last reference. */
    readonly nrPages: number,
    /** imu->acct_pages: what the registration charged (memlock and pinned_vm). */
    readonly acctPages: number,
    readonly dir: number = IO_IMU.DEST | IO_IMU.SOURCE,
    /** Head addresses of the compound (huge) pages the buffer's pages belong to. */
    readonly heads: ReadonlySet<number> = new Set(),
    /** 7.3: the ring whose huge-page counts this buffer holds (hpageRingRefs), and the page size. */
    readonly hpageOwner: RsrcRing | null = null,
    readonly hugePages = 0,
  ) {}
}

/** struct io_rsrc_node of type IORING_RSRC_BUFFER. */
export class RsrcNode {
  /** node->refs: the table's reference plus one per request that looked it up. */
  refs = 1;
  /** node->tag: posted as a CQE's user_data when the node is freed (0: none). */
  tag = 0n;
  constructor(readonly buf: Imu) {}
}

/** The per-ring side: ctx->buf_table and ctx->user. */
export class RsrcRing {
  /** ctx->buf_table.nodes; its length is buf_table.nr (0: no table). */
  table: (RsrcNode | null)[] = [];
  /** ctx->user: the user the ring charges, null when its creator had CAP_IPC_LOCK. */
  user: MemAccounting | null = null;
  /** ctx->mm_account is set: the ring's buffers count in the process's pinned_vm (VmPin). */
  mmAccount = false;
  /** 7.3: buffers of this ring using each huge page (by head address); the first charged it. */
  readonly hpageRefs = new Map<number, number>();
  constructor(readonly ctx: RingCtx) {}
}

export const RSRC_RING = defineRingState('rsrc:buf_table', (ctx) => new RsrcRing(ctx));

/** What the kernel holds in all: live imus and nodes (for tests and the bench, not the kernel's). */
export class RsrcStats {
  imus = 0;
  nodes = 0;
  /** Tag CQEs posted. */
  tags = 0;
}

export const RSRC_STATS = defineKernelState('rsrc:stats', () => new RsrcStats());

export function rsrcRing(ctx: RingCtx): RsrcRing {
  return ctx.state(RSRC_RING);
}

export function rsrcStats(host: IoHost): RsrcStats {
  return host.state(RSRC_STATS);
}

/**
 * io_uring_create(): ctx->user is the creator's user unless it has CAP_IPC_LOCK; ctx->mm_account
 * the creator's mm, always on 6.18 and only with ctx->user on 7.3.
 */
export function captureUser(ctx: RingCtx): void {
  const acct = memAccounting(ctx.kernel);
  const rs = rsrcRing(ctx);
  rs.user = acct.capIpcLock ? null : acct;
  rs.mmAccount = rs.user !== null || rsrcKnobs(ctx.kernel.profile).mmAccountPrivileged;
}
