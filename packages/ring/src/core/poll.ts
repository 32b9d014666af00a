// io_arm_poll_handler() (io_uring/poll.c), for requests that got -EAGAIN on a pollable file:
// wait for readiness, then retry the issue from task context.

import { counter } from '../cost.js';
import { REQ_F, type Req } from './req.js';
import { TWQ, reqTaskQueue } from './tw.js';

export const APOLL = { OK: 0, ABORTED: 1, READY: 2 } as const;
export type ApollResult = (typeof APOLL)[keyof typeof APOLL];

const C_APOLL = counter('alloc', 'apoll_cache:async_poll');

export function armPollHandler(req: Req): ApollResult {
  const def = req.ctx.kernel.opdef(req.opcode);
  const file = req.file;
  if (!file || !file.pollable || !(def.pollin || def.pollout)) return APOLL.ABORTED;
  const dir = def.pollin ? 'in' : 'out';
  if (file.ready(dir)) return APOLL.READY;
  req.ctx.kernel.costs.add(C_APOLL);
  req.flags |= REQ_F.POLLED;
  // __io_queue_proc(): add_wait_queue() puts the entry at the head, so the newest poll wakes first.
  req.pollCancel = file.waitOnce(dir, () => {
    req.pollCancel = null;
    // io_poll_wake() -> task_work (IOU_F_TWQ_IN_WAKE) -> io_poll_task_func() -> io_req_task_submit()
    reqTaskQueue(req, TWQ.IN_WAKE);
  }, { head: true });
  return APOLL.OK;
}
