// The small host interface the ring core runs against (a leaf module: types only). RingCtx and
// the request paths see the simulated kernel only through this, never through kernel.ts, so
// the core has no import cycle. taskSubmit/queueIowq are what the kernel reaches through
// function pointers (req->io_task_work.func = io_req_task_submit, io_wq_submit_work).

import type { Costs } from '../cost.js';
import type { Scheduler } from '../sched.js';
import type { UserMemory } from '../memory.js';
import type { KernelProfile } from '../profile.js';
import type { FileObj } from '../files/file.js';
import type { OpDef } from './opdef.js';
import type { Req } from './req.js';
import type { RingCtx } from './ctx.js';
import type { SqeReader } from './sqe.js';
import type { IoUringTask } from './tctx.js';
import type { BufferProvider, FixedBufferImporter } from '../extension/types.js';
import type { KernelStateKey } from '../extension/define.js';

/** The task's task_work list (tctx->task_list). */
export interface TaskWorkQueue {
  readonly pending: boolean;
  add(ctx: RingCtx, fn: () => void): void;
  run(): void;
}

/** The hook points extensions attach to, fanned out in load order. */
export interface HookBus {
  /** io_commit_cqring_flush(): the CQ tail was published after a batch of postings. */
  cqCommit(ctx: RingCtx): void;
  /** io_req_local_work_add(): work was queued on a DEFER_TASKRUN ring (IOU_F_TWQ_* flags). */
  localWorkQueued(ctx: RingCtx, twqFlags: number): void;
  /** io_free_batch_list() / io_free_req(): the request's resources are being put. */
  reqFree(req: Req): void;
  /** io_uring_try_cancel_requests(): a closed ring's extensions cancel what they keep in flight. */
  ringCancel(ctx: RingCtx): void;
  /** io_ring_ctx_free(): the closed ring's last request is gone; extensions free their state. */
  ringFree(ctx: RingCtx): void;
}

export interface IoHost {
  readonly profile: KernelProfile;
  readonly sched: Scheduler;
  readonly costs: Costs;
  readonly memory: UserMemory;
  readonly task: TaskWorkQueue;
  /** current->io_uring: the task's io_uring context, null until it creates its first ring. */
  readonly tctx: IoUringTask | null;
  readonly hooks: HookBus;
  /** IOSQE_BUFFER_SELECT: the provided-buffer importer (a null one answers like an empty xarray). */
  readonly providedBuffers: BufferProvider;
  /** *_FIXED and IORING_RECVSEND_FIXED_BUF: the registered-buffer importer (null: no table). */
  readonly fixedBuffers: FixedBufferImporter;
  /** Kernel-wide extension state (defineKernelState), shared by every ring. */
  state<T>(key: KernelStateKey<T>): T;
  opdef(opcode: number): OpDef;
  fget(fd: number): FileObj | undefined;
  sqeReader(ctx: RingCtx): SqeReader;
  /** io_req_task_submit(): (re)issue a request from task context. */
  taskSubmit(req: Req): void;
  /** io_queue_iowq(): hand a request to an io-wq worker. */
  queueIowq(req: Req): void;
}
