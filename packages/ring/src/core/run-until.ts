// Letting the simulated system run in virtual time until a condition holds: what happens while a
// task sleeps in the kernel (io-wq workers, device completions, timers, RCU callbacks). This is a
// stand-in for Scheduler.runUntil(cond, limitNs) with the same contract, built on settle() and
// advance(), so callers switch by changing one import.

import { UringError } from '../errors.js';
import type { Scheduler } from '../sched.js';

/** Rounds of "run what is due, else jump to the next timer" before it counts as a livelock. */
export const RUN_UNTIL_MAX_ROUNDS = 100_000;

/**
 * Runs work and timers until cond() holds (true), or until nothing is left to run before
 * now + limitNs (false; the clock stays where the last event left it). cond() may itself make
 * progress (a waiting task runs its own task_work): it is asked again after every round, and
 * "nothing left" means a whole round in which neither cond() nor the scheduler ran anything new.
 */
export function runUntil(sched: Scheduler, cond: () => boolean, limitNs: number): boolean {
  const deadline = sched.now + Math.max(0, limitNs);
  let idle = false;
  for (let i = 0; i < RUN_UNTIL_MAX_ROUNDS; i++) {
    if (cond()) return true;
    if (sched.settle() || sched.advance(deadline)) {
      idle = false;
      continue;
    }
    if (idle) return false;
    idle = true;
  }
  throw new UringError('INTERNAL', `the model kept running work for ${RUN_UNTIL_MAX_ROUNDS} rounds without reaching its condition (a livelock in a model)`);
}
