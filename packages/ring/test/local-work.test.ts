// __io_run_local_work() (io_uring/tw.c) on a DEFER_TASKRUN ring: passes bounded by max_events,
// the rest left on retry_llist, and IORING_SQ_TASKRUN lowered once per run but raised by any
// push onto an empty work_llist, during a run too. The testbed's taskwork-defer-taskrun-flag-*
// scenarios show the observable cases on the kernels; these pin the parts they cannot reach.

import { describe, expect, it } from 'vitest';
import { IORING_SETUP as S, IORING_SQ, Kernel, UserRing, localWorkPending, runLocalWork, taskWorkAdd } from '../src/extend.js';

function deferRing() {
  const k = new Kernel();
  const ring = new UserRing(k, 8, { flags: S.SINGLE_ISSUER | S.DEFER_TASKRUN | S.TASKRUN_FLAG });
  return ring.ctx;
}

describe('local task_work runs', () => {
  it('runs at most max_events a pass and keeps the rest on the retry list, oldest first', () => {
    const ctx = deferRing();
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) taskWorkAdd(ctx, () => ran.push(i));
    expect(runLocalWork(ctx, 1, 2)).toBe(2);
    expect(ran).toEqual([0, 1]);
    expect(ctx.localWork.length).toBe(0);
    expect(ctx.retryWork.length).toBe(3);
    expect(localWorkPending(ctx)).toBe(true);
    // Stopping with work left raises the flag (io_run_local_work_continue()).
    expect(ctx.sqFlags & IORING_SQ.TASKRUN).toBe(IORING_SQ.TASKRUN);
    // The next run takes the retry list first, then what was queued meanwhile.
    taskWorkAdd(ctx, () => ran.push(5));
    runLocalWork(ctx, 10, 10);
    expect(ran).toEqual([0, 1, 2, 3, 4, 5]);
    expect(localWorkPending(ctx)).toBe(false);
    expect(ctx.sqFlags & IORING_SQ.TASKRUN).toBe(0);
  });

  it('raises IORING_SQ_TASKRUN for work queued during a run, and leaves it up after the run', () => {
    const ctx = deferRing();
    let again = true;
    const requeue = (): void => {
      if (again) taskWorkAdd(ctx, requeue);
      again = false;
    };
    taskWorkAdd(ctx, requeue);
    expect(ctx.sqFlags & IORING_SQ.TASKRUN).toBe(IORING_SQ.TASKRUN);
    // min_events 2: the run goes again for the requeued item and ends with nothing pending.
    expect(runLocalWork(ctx, 2)).toBe(1);
    expect(localWorkPending(ctx)).toBe(false);
    expect(ctx.sqFlags & IORING_SQ.TASKRUN).toBe(IORING_SQ.TASKRUN);
  });

  it('signals "list was empty" for work_llist alone: a push with only retry work left raises the flag', () => {
    const ctx = deferRing();
    for (let i = 0; i < 3; i++) taskWorkAdd(ctx, () => undefined);
    runLocalWork(ctx, 0, 1);
    ctx.sqFlags &= ~IORING_SQ.TASKRUN;
    taskWorkAdd(ctx, () => undefined);
    expect(ctx.sqFlags & IORING_SQ.TASKRUN).toBe(IORING_SQ.TASKRUN);
  });
});
