// Where the eventfd model keeps its state: per ring, ctx->io_ev_fd (an RCU-protected pointer to
// struct io_ev_fd) and IO_RING_F_HAS_EVFD; per kernel, the design (strategy) every ring uses, the
// kernel's knobs and counts of what happened. The eventfd_ctx itself is the core's EventFd, one
// object however many rings register it.

import { defineKernelState, defineRingState, type EventFd, type IoHost, type RingCtx } from '@uringlab/ring/extend';
import { eventfdKnobs, type EventfdKnobs } from './profile.js';
import type { EventfdStrategy } from './strategy/types.js';
import { RCU_STRATEGY } from './strategy/rcu.js';

/** struct io_ev_fd */
export class IoEvFd {
  /** protected by ->completion_lock: the cached CQ tail at the last CQE-path signal. */
  lastCqTail: number;
  /** refcount_t refs: the registration's reference plus one per signaller in progress. */
  refs = 1;
  /** atomic_t ops: IO_EVENTFD_OP_SIGNAL_BIT while a deferred signal is queued. */
  ops = 0;
  /** kfree()d: anything that reaches it now is a use after free. */
  freed = false;

  constructor(
    /** cq_ev_fd */
    readonly evfd: EventFd,
    /** eventfd_async: signal only from io-wq workers. */
    readonly async: boolean,
    lastCqTail: number,
    /** The ring that registered it (reports only). */
    readonly ringFd: number,
  ) {
    this.lastCqTail = lastCqTail;
  }
}

export const IO_EVENTFD_OP_SIGNAL_BIT = 1 << 0;

/** The eventfd fields of struct io_ring_ctx. */
export class EvfdRing {
  /** ctx->io_ev_fd: read under rcu_read_lock(), written under uring_lock. */
  ioEvFd: IoEvFd | null = null;
  /** IO_RING_F_HAS_EVFD: lets the commit and task-work paths skip the call entirely. */
  hasEvfd = false;
}

export const EVFD = defineRingState('eventfd', () => new EvfdRing());

/** What happened, kernel-wide (tests, the benchmark and the fuzzer read it). */
export interface EventfdStats {
  /** eventfd_signal_mask() calls made by io_uring. */
  signals: number;
  /** Signals queued through call_rcu_hurry(). */
  deferred: number;
  /** Deferred signals dropped because one was already queued (IO_EVENTFD_OP_SIGNAL_BIT set). */
  coalesced: number;
  /** CQE-path signals skipped because the tail had not moved since the last one. */
  skippedNoTailMove: number;
  /** io_ev_fd objects allocated and freed. */
  allocated: number;
  freed: number;
  /** Virtual ns spent waiting in register/unregister (quiesce), summed. */
  waitedNs: number;
}

export interface EventfdConfig {
  strategy: EventfdStrategy;
  knobs: EventfdKnobs;
  stats: EventfdStats;
}

function freshStats(): EventfdStats {
  return { signals: 0, deferred: 0, coalesced: 0, skippedNoTailMove: 0, allocated: 0, freed: 0, waitedNs: 0 };
}

const CONFIG = defineKernelState<EventfdConfig>('eventfd:config', (k) => ({
  strategy: RCU_STRATEGY,
  knobs: eventfdKnobs(k.profile),
  stats: freshStats(),
}));

export function configure(kernel: IoHost, strategy: EventfdStrategy): void {
  kernel.state(CONFIG).strategy = strategy;
}

export function configOf(kernel: IoHost): EventfdConfig {
  return kernel.state(CONFIG);
}

export function statsOf(kernel: IoHost): EventfdStats {
  return kernel.state(CONFIG).stats;
}

export function evfdRing(ctx: RingCtx): EvfdRing {
  return ctx.state(EVFD);
}
