// The seed's design (5.18, "avoid ring quiesce while registering/unregistering eventfd"), what
// 6.18 and 7.3 do: register and unregister only swap ctx->io_ev_fd under uring_lock; signallers
// take the pointer under rcu_read_lock() with refcount_inc_not_zero(); the old io_ev_fd is freed
// by call_rcu() once its last reference goes. Nothing waits for requests in flight.

import type { EventfdStrategy } from './types.js';

export const RCU_STRATEGY: EventfdStrategy = Object.freeze({
  name: 'rcu',
  summary: '5.18+ (6.18, 7.3): swap the RCU pointer, free after a grace period; never waits for requests',
  before: () => 0,
  after: () => {},
  release(host, free) {
    // io_eventfd_put(): call_rcu(&ev_fd->rcu, io_eventfd_free)
    host.sched.callRcu(free);
  },
  rcuReaders: true,
} satisfies EventfdStrategy);
