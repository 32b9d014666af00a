// struct io_ring_ctx: the ring memory shared with user space plus the kernel-private state
// that decides what user space sees (cached head/tail, overflow backlog, drain and link state).

import { IORING_SETUP as S } from '../uapi/constants.js';
import { RINGS, type RingLayout } from './setup.js';
import { Req } from './req.js';
import type { IoHost } from './host.js';
import { MappedRegion } from './memmap.js';
import type { RingStateKey } from '../extension/define.js';
import type { ApollState } from './poll.js';
import type { IoWqWork } from './io-wq.js';

/** ctx->check_cq bits. */
export const CHECK_CQ = { OVERFLOW: 1, DROPPED: 2 } as const;
/** ctx->int_flags bits used by drain and skip. */
export const INT_F = { DRAIN_DISABLED: 1, DRAIN_ACTIVE: 2, DRAIN_NEXT: 4 } as const;

export interface OverflowCqe {
  udLo: number;
  udHi: number;
  res: number;
  flags: number;
  /** big_cqe[0] and big_cqe[1] as four u32 words, low word first (see Req.big0). */
  big0: number;
  big1: number;
  big2: number;
  big3: number;
  is32: boolean;
}

export class RingCtx {
  /** The simulated kernel, seen through the core's host interface. */
  readonly kernel: IoHost;
  readonly flags: number;
  readonly sqEntries: number;
  readonly cqEntries: number;
  readonly layout: RingLayout;
  /** The io_rings region (header, CQEs, SQ array), shared with user space. */
  readonly rings: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  /** The SQE array, shared with user space. */
  readonly sqes: Uint8Array;
  readonly sqeU32: Uint32Array;
  fd = -1;
  /** percpu_ref_is_dying(&ctx->refs): the ring was closed; its task_work now runs in cancel mode. */
  dead = false;
  /** io_ring_ctx_free() has run: every request is gone and the extensions freed their state. */
  freed = false;
  /** io_ring_exit_work, once the ring is closed: kicked when its last request goes or local work arrives. */
  exitWork: { kick(): void } | null = null;
  /** ctx->cancel_table: poll-armed requests, where cancellation finds them. */
  readonly cancelTable = new Map<Req, ApollState>();
  /** This ring's io-wq work that has not finished (queued, or a worker asleep in it). */
  readonly iowqWork = new Set<IoWqWork>();
  /** IORING_SETUP_R_DISABLED until IORING_REGISTER_ENABLE_RINGS clears it. */
  disabled: boolean;

  cachedSqHead = 0;
  cachedCqTail = 0;
  /**
   * ctx->cqe_cached/cqe_sentinel as a CQ entry index and the entries left before the sentinel;
   * used only by profiles with the `cqeCacheOutlivesFailedRefill` quirk (core/cqe.ts).
   */
  cqeCacheOff = 0;
  cqeCacheLeft = 0;
  readonly overflow: OverflowCqe[] = [];
  checkCq = 0;
  intFlags = 0;
  /** Overflow entries whose allocation should fail (fault injection; the kernel's kzalloc). */
  failOverflowAllocs = 0;

  linkHead: Req | null = null;
  linkLast: Req | null = null;
  complReqs: Req[] = [];
  /** submit_state.cq_flush: an aux CQE was filled; the next flush commits it. */
  cqFlush = false;
  private readonly reqCache: Req[] = [];
  nrReqAllocated = 0;
  /** Requests not yet freed (allocated from the cache and still alive). */
  inflight = 0;
  readonly deferList: Req[] = [];
  nrDrained = 0;
  drainReq: Req | null = null;
  /** DEFER_TASKRUN: ctx->work_llist, run only by the submitter waiting on this ring. */
  readonly localWork: (() => void)[] = [];
  /** ctx->retry_llist: what a run taken off work_llist left over past its max_events, oldest first. */
  readonly retryWork: (() => void)[] = [];
  /** IOPOLL: issued requests whose completion must be polled for (ctx->iopoll_list). */
  iopollList: Req[] = [];
  /** ctx->poll_multi_queue: the iopoll list spans more than one file, so polls do not spin. */
  pollMultiQueue = false;
  private readonly ext = new Map<RingStateKey<unknown>, unknown>();
  /** ctx->param_region: IORING_REGISTER_MEM_REGION's region (core/memmap.ts). */
  readonly paramRegion = new MappedRegion();
  /** Address of the mapped rings in the user's address space. */
  ringsAddr = 0;
  sqesAddr = 0;
  seqCounter = 0;
  /**
   * ctx->off_timeout_used: set by the first TIMEOUT with a count, whose io_flush_timeouts()
   * (core/timeout.ts) every CQ commit then runs. A function, so cqe.ts needs no import of it.
   */
  offTimeoutFlush: ((ctx: RingCtx) => void) | null = null;
  /** ctx->cancel_seq: bumped by every ASYNC_CANCEL, so ALL/ANY match each request once. */
  cancelSeq = 0;

  constructor(kernel: IoHost, layout: RingLayout) {
    this.kernel = kernel;
    this.flags = layout.flags;
    this.sqEntries = layout.sq_entries;
    this.cqEntries = layout.cq_entries;
    this.layout = layout;
    this.disabled = (layout.flags & S.R_DISABLED) !== 0;
    this.rings = new Uint8Array(Math.ceil(layout.rings_size / 4096) * 4096);
    this.u32 = new Uint32Array(this.rings.buffer);
    this.i32 = new Int32Array(this.rings.buffer);
    this.sqes = new Uint8Array(Math.ceil(layout.sq_size / 4096) * 4096);
    this.sqeU32 = new Uint32Array(this.sqes.buffer);
    this.u32[RINGS.sq_ring_mask >> 2] = this.sqEntries - 1;
    this.u32[RINGS.cq_ring_mask >> 2] = this.cqEntries - 1;
    this.u32[RINGS.sq_ring_entries >> 2] = this.sqEntries;
    this.u32[RINGS.cq_ring_entries >> 2] = this.cqEntries;
  }

  get deferTaskrun(): boolean {
    return (this.flags & S.DEFER_TASKRUN) !== 0;
  }

  /** IO_RING_F_SYSCALL_IOPOLL: IOPOLL without SQPOLL, so io_uring_enter() polls for completions. */
  get syscallIopoll(): boolean {
    return (this.flags & (S.IOPOLL | S.SQPOLL)) === S.IOPOLL;
  }

  /** Per-ring state of an extension, created on first use. */
  state<T>(key: RingStateKey<T>): T {
    let v = this.ext.get(key as RingStateKey<unknown>);
    if (v === undefined) {
      v = key.init(this);
      this.ext.set(key as RingStateKey<unknown>, v);
    }
    return v as T;
  }

  hasState(key: RingStateKey<unknown>): boolean {
    return this.ext.has(key);
  }

  /** io_alloc_req(): from the ring's request cache, refilled in batches like the kernel. */
  allocReq(): Req {
    let req = this.reqCache.pop();
    if (!req) {
      req = new Req();
      req.ctx = this;
      this.nrReqAllocated++;
    }
    this.inflight++;
    return req;
  }

  /** io_req_add_to_cache() */
  freeReq(req: Req): void {
    req.reset();
    this.inflight--;
    this.reqCache.push(req);
    // The last request of a closed ring: ctx->refs reaches zero and completes ref_comp.
    if (this.inflight === 0) this.exitWork?.kick();
  }

  // Ring header words, read and written the way the kernel does (READ_ONCE/WRITE_ONCE).
  get sqHead(): number { return this.u32[RINGS.sq_head >> 2]!; }
  get sqTail(): number { return this.u32[RINGS.sq_tail >> 2]!; }
  get cqHead(): number { return this.u32[RINGS.cq_head >> 2]!; }
  get cqTail(): number { return this.u32[RINGS.cq_tail >> 2]!; }
  get sqFlags(): number { return this.u32[RINGS.sq_flags >> 2]!; }
  set sqFlags(v: number) { this.u32[RINGS.sq_flags >> 2] = v; }
  get cqFlags(): number { return this.u32[RINGS.cq_flags >> 2]!; }
  get sqDropped(): number { return this.u32[RINGS.sq_dropped >> 2]!; }
  set sqDropped(v: number) { this.u32[RINGS.sq_dropped >> 2] = v; }
  get cqOverflowCount(): number { return this.u32[RINGS.cq_overflow >> 2]!; }
  set cqOverflowCount(v: number) { this.u32[RINGS.cq_overflow >> 2] = v; }

  /** io_commit_cqring(): publish the cached tail. */
  commitCq(): void {
    this.u32[RINGS.cq_tail >> 2] = this.cachedCqTail;
  }

  /** io_commit_sqring(): publish the consumed head. */
  commitSq(): void {
    if (this.flags & S.SQ_REWIND) this.cachedSqHead = 0;
    else this.u32[RINGS.sq_head >> 2] = this.cachedSqHead;
  }

  /** __io_sqring_entries(): SQEs the application has published and the kernel not consumed. */
  sqringEntries(): number {
    const n = (this.sqTail - this.cachedSqHead) >>> 0;
    return n < this.sqEntries ? n : this.sqEntries;
  }

  /** __io_cqring_events_user(): CQEs visible to the application. */
  cqEventsUser(): number {
    return (this.cqTail - this.cqHead) >>> 0;
  }
}
