// IORING_REGISTER_EVENTFD (4), IORING_UNREGISTER_EVENTFD (5) and IORING_REGISTER_EVENTFD_ASYNC
// (7), as __io_uring_register() (io_uring/register.c) dispatches them: the design's wait first
// (the quiesce of old kernels; nothing with RCU), then the opcode's argument checks, then
// io_eventfd_register()/io_eventfd_unregister(). Everything runs under uring_lock.

import { ERRNO, IORING_REGISTER, counter, type RegisterOpDef, type RingCtx } from '@uringlab/ring/extend';
import { eventfdRegister, eventfdUnregister } from './evfd.js';
import { configOf } from './state.js';

const C_URING_LOCK = counter('lock', 'uring_lock');

/** The design's wait around the opcode; its time is added to the kernel's stats. */
function underDesign(ctx: RingCtx, op: () => number): number {
  const cfg = configOf(ctx.kernel);
  ctx.kernel.costs.add(C_URING_LOCK);
  const t0 = ctx.kernel.sched.now;
  const q = cfg.strategy.before(ctx);
  cfg.stats.waitedNs += ctx.kernel.sched.now - t0;
  if (q < 0) return q;
  try {
    return op();
  } finally {
    cfg.strategy.after(ctx);
  }
}

function registerOp(opcode: number, name: string, eventfdAsync: boolean): RegisterOpDef {
  return {
    opcode,
    name,
    handler: (ctx, arg, nrArgs) =>
      underDesign(ctx, () => (nrArgs !== 1 ? -ERRNO.EINVAL : eventfdRegister(ctx, arg, eventfdAsync))),
  };
}

export const REGISTER_EVENTFD = registerOp(IORING_REGISTER.EVENTFD, 'EVENTFD', false);
export const REGISTER_EVENTFD_ASYNC = registerOp(IORING_REGISTER.EVENTFD_ASYNC, 'EVENTFD_ASYNC', true);

export const UNREGISTER_EVENTFD: RegisterOpDef = {
  opcode: IORING_REGISTER.UNREGISTER_EVENTFD,
  name: 'UNREGISTER_EVENTFD',
  handler: (ctx, arg, nrArgs) => underDesign(ctx, () => (arg || nrArgs ? -ERRNO.EINVAL : eventfdUnregister(ctx))),
};

export const EVENTFD_REGISTER_OPS: readonly RegisterOpDef[] = [REGISTER_EVENTFD, UNREGISTER_EVENTFD, REGISTER_EVENTFD_ASYNC];
