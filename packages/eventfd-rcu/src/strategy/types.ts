// A design for registering and unregistering an eventfd, as a strategy of the extension. Both
// run the same signalling code; they differ in what register/unregister wait for, how the old
// io_ev_fd is freed, and whether signallers need an RCU read-side section to be safe.

import type { IoHost, RingCtx } from '@uringlab/ring/extend';

export type StrategyName = 'rcu' | 'quiesce';

export interface EventfdStrategy {
  readonly name: StrategyName;
  /** One line: which kernels used it and what it costs. */
  readonly summary: string;
  /**
   * Runs before the register or unregister (in __io_uring_register(), before the opcode's own
   * checks): 0, or -errno when the wait was interrupted.
   */
  before(ctx: RingCtx): number;
  /** Runs after it, successful or not (percpu_ref_reinit() for quiesce). */
  after(ctx: RingCtx): void;
  /** The last reference to an io_ev_fd went: free it now or after a grace period. */
  release(host: IoHost, free: () => void): void;
  /** Signallers read ctx->io_ev_fd under rcu_read_lock() (the seed) or rely on the quiesce. */
  readonly rcuReaders: boolean;
}
