// The shapes of the one public extension API. A package plugs into the core with an Extension:
// opcodes the core does not implement, register opcodes, buffer importers the core's request
// pipeline calls (provided buffers, registered buffers), hooks at the kernel's own points,
// per-ring and kernel-wide state, and scenario steps that compile to the same primitives.

import type { z } from 'zod';
import type { OpDef } from '../core/opdef.js';
import type { RingCtx } from '../core/ctx.js';
import type { Req } from '../core/req.js';
import type { Kernel } from '../kernel.js';
import type { StructDef } from '../uapi/layout.js';
import type { MappedRegion } from '../core/memmap.js';
import type { ProgramOp } from '../scenario/program.js';
import type { CompileContext } from '../scenario/compile-context.js';
import type { CoreStamp } from '../version.js';
import type { CostModel } from '../cost.js';
import type { StepFuzz } from '../fuzz/types.js';

export interface RegisterOpDef {
  readonly opcode: number;
  readonly name: string;
  /** Runs under uring_lock; returns the syscall result (>= 0) or a negative errno. */
  handler(ctx: RingCtx, arg: number, nrArgs: number): number;
  /** Struct the argument points to, so traces can show what the kernel wrote back. */
  readonly argStruct?: StructDef;
}

/** One contiguous piece of user memory a transfer reads or fills (an iovec). */
export interface Seg {
  addr: number;
  len: number;
}

/** A provided buffer picked for a request (struct io_br_sel): where, how long, and its list. */
export interface BufferSel {
  addr: number;
  len: number;
  /** The list to commit at completion (sel.buf_list), or null when already committed. */
  list: unknown;
}

/** struct buf_sel_arg, for bundles: fill `iovs` with up to nrIovs buffers covering maxLen. */
export interface BufSelArg {
  iovs: Seg[];
  outLen: number;
  maxLen: number;
  nrIovs: number;
  /** KBUF_MODE_EXPAND | KBUF_MODE_FREE */
  mode: number;
  bufGroup: number;
  partialMap: boolean;
  /** The iovec array was replaced by a bigger one (KBUF_MODE_EXPAND). */
  expanded: boolean;
}

export const KBUF_MODE = { EXPAND: 1, FREE: 2 } as const;

export function bufSelArg(bufGroup: number, nrIovs: number, mode: number, maxLen: number): BufSelArg {
  return { iovs: [], outLen: 0, maxLen, nrIovs, mode, bufGroup, partialMap: false, expanded: false };
}

/**
 * The provided-buffer importer (io_uring/kbuf.c's entry points), chosen for IOSQE_BUFFER_SELECT.
 * Without one loaded the core behaves as a kernel with no buffer groups: selection finds no
 * group (-ENOBUFS), a bundle peek finds no list (-ENOENT).
 */
export interface BufferProvider {
  /** io_buffer_select(): one buffer from group `bgid`, or undefined (the caller fails -ENOBUFS). */
  select(req: Req, len: number, bgid: number, issueFlags: number): BufferSel | undefined;
  /** io_buffers_peek(): buffers for a receive bundle, committed later; the count or -errno, and the list. */
  peek(req: Req, arg: BufSelArg, issueFlags: number): { ret: number; list: unknown };
  /**
   * io_buffers_select(): buffers for a send, consumed at once (ring groups move the head, a
   * legacy group hands out its next buffer whole); the count or -errno, and the list.
   */
  selectBuffers(req: Req, arg: BufSelArg, issueFlags: number): { ret: number; list: unknown };
  /** io_kbuf_commit(): consume `len` bytes over `nr` buffers now (a partial transfer). */
  commit(req: Req, list: unknown, len: number, nr: number): boolean;
  /** io_put_kbufs(): the request is done with its buffers; the CQE flags to add. */
  put(req: Req, len: number, list: unknown, nbufs: number, issueFlags: number): number;
  /** io_kbuf_recycle(): give the buffer back unconsumed (the request will retry). */
  recycle(req: Req, list: unknown, issueFlags: number): boolean;
  /** Whether a list consumes buffers incrementally (IOBL_INC). */
  isIncremental(list: unknown): boolean;
}

/**
 * The registered-buffer importer (io_uring/rsrc.c), chosen for READ_FIXED/WRITE_FIXED,
 * READV_FIXED/WRITEV_FIXED, IORING_RECVSEND_FIXED_BUF and NOP's IORING_NOP_FIXED_BUFFER. Without
 * one the ring has no buffer table and every lookup fails with -EFAULT.
 */
export interface FixedBufferImporter {
  /**
   * io_find_buf_node(): take a reference on the node at `index` for the request; false if none.
   * Called at most once per request (the core marks it REQ_F_BUF_NODE; retries reuse the node).
   */
  attach(req: Req, index: number, issueFlags: number): boolean;
  /**
   * io_import_reg_buf(): [addr, addr + len) of the attached buffer as segments, or -errno
   * (validate_fixed_range(), the buffer's direction). `dir` is 'in' when the transfer fills the
   * buffer (ITER_DEST: READ_FIXED, RECV) and 'out' when it is the source (ITER_SOURCE:
   * WRITE_FIXED, SEND). READV_FIXED/WRITEV_FIXED call it once per iovec.
   */
  import(req: Req, addr: number, len: number, dir: 'in' | 'out'): Seg[] | number;
}

/**
 * Stages of tearing a ring down, in the kernel's order (io_ring_ctx_wait_and_kill onwards). Both
 * run from the ring's exit work, after close(2) has returned.
 */
export interface RingExitHooks {
  /** io_uring_try_cancel_requests(): cancel what the extension keeps in flight (runs on every exit pass). */
  cancel?(ctx: RingCtx): void;
  /** io_ring_ctx_free(): free the extension's per-ring resources, once the last request is gone. */
  free?(ctx: RingCtx): void;
}

export interface ExtensionHooks {
  /** After setup succeeded. */
  ringCreated?(ctx: RingCtx): void;
  /**
   * io_commit_cqring_flush(): once per commit batch, after the tail store, not once per CQE (a
   * batch whose CQEs were all skipped commits too); eventfd signals here.
   */
  cqCommit?(ctx: RingCtx): void;
  /**
   * io_req_local_work_add(): work was queued on a DEFER_TASKRUN ring. `twqFlags` are the
   * IOU_F_TWQ_* bits (TWQ.IN_WAKE: queued from a wait-queue wakeup, such as a poll firing).
   */
  localWorkQueued?(ctx: RingCtx, twqFlags: number): void;
  /** The request is being freed: put what it holds (resource nodes). */
  reqFree?(req: Req): void;
  /** Ring teardown stages. */
  ringExit?: RingExitHooks;
  /**
   * io_mmap_get_region() for an mmap offset the core does not own (IORING_OFF_PBUF_RING |
   * bgid << IORING_OFF_PBUF_SHIFT, IORING_MAP_OFF_ZCRX_REGION | id << 16): the region there,
   * null when the extension owns the offset but has no region, or undefined when not its own.
   * The core validates (only kernel-allocated regions map) and maps it (core/memmap.ts).
   */
  mmapRegion?(ctx: RingCtx, offset: number): MappedRegion | null | undefined;
}

export interface StepDef<S extends z.ZodType = z.ZodType> {
  /** The step's `op` value in scenarios, namespaced like `kbuf.provide`. */
  readonly op: string;
  readonly schema: S;
  /** One-line description for docs and schema output. */
  readonly description: string;
  compile(step: z.infer<S>, cc: CompileContext): ProgramOp[];
  /**
   * Optional generator for the differential fuzzer (`pnpm testbed --fuzz`): steps of this op,
   * built from integer choices against what the scenario holds so far (see fuzz/types.ts).
   */
  readonly fuzz?: StepFuzz;
}

export interface ExtensionDef {
  /** The package name (`@uringlab/kbuf-cache`): conflicts and dependencies name it. */
  readonly name: string;
  /** Extensions that must be loaded with this one (the core is always there). */
  readonly requires?: readonly string[];
  /** Opcodes the core does not implement (replacing a modelled opcode is a conflict). */
  readonly ops?: readonly OpDef[];
  readonly registerOps?: readonly RegisterOpDef[];
  /** The IOSQE_BUFFER_SELECT importer. */
  readonly providedBuffers?: (kernel: Kernel) => BufferProvider;
  /** The registered-buffer importer. */
  readonly fixedBuffers?: (kernel: Kernel) => FixedBufferImporter;
  readonly hooks?: ExtensionHooks;
  readonly steps?: readonly StepDef[];
  /** Prices (ns) for the cost counters this extension adds, merged into the kernel's cost model. */
  readonly costModel?: CostModel;
  /** Runs once when the extension is attached to a kernel. */
  init?(kernel: Kernel): void;
}

/** An extension as defineExtension() returns it: frozen and stamped with its core copy. */
export interface Extension extends ExtensionDef {
  readonly core: CoreStamp;
}
