// io_uring_setup(): valid flag sets, and deliberately bad entries, flags, sizes and resv words
// (each checked in the kernel's order by io_uring_sanitise_params() and friends).

import { IORING_SETUP } from '../../uapi/constants.js';
import type { NamedFuzz } from '../types.js';
import { flagsValue } from './common.js';

/**
 * Flags a valid setup may combine. Left out on purpose (see EXCLUSIONS): SQPOLL (a kernel thread
 * consumes the SQ on its own schedule), IOPOLL (needs a polled block device to mean anything),
 * NO_MMAP (the rings live in memory the scenario must place), ATTACH_WQ.
 */
export const SETUP_FLAGS = [
  'SUBMIT_ALL', 'COOP_TASKRUN', 'TASKRUN_FLAG', 'SINGLE_ISSUER', 'DEFER_TASKRUN', 'NO_SQARRAY',
  'SQE128', 'CQE32', 'CQE_MIXED', 'R_DISABLED', 'CLAMP', 'CQSIZE', 'SQE_MIXED', 'SQ_REWIND',
] as const;

export const setupFuzz: NamedFuzz = {
  name: 'setup',
  weight: 1,
  generate(c, env) {
    if (env.rings.length >= 3) return undefined;
    const ring = env.fresh('r');
    const entries = c.pick([4, 8, 2, 1, 16, 3, 32]);
    const step: Record<string, unknown> = { op: 'setup', ring, entries };
    if (!c.rare(8)) {
      // A valid-looking combination; rules between flags (DEFER_TASKRUN needs SINGLE_ISSUER,
      // TASKRUN_FLAG needs COOP or DEFER, CQE32 with CQE_MIXED) still fail some of them.
      // Up to three flags by index, read at fixed positions: a subset test per flag would need
      // more choices than a template has (10), and the flags after the eighth were never drawn.
      const n = c.int(4);
      const picked = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const f = c.pick(SETUP_FLAGS);
        if (i < n) picked.add(f);
      }
      const flags: string[] = SETUP_FLAGS.filter((f) => picked.has(f));
      if (c.rare(3) && !flags.includes('DEFER_TASKRUN')) flags.push('SINGLE_ISSUER', 'DEFER_TASKRUN');
      if (flags.length) step.flags = flags;
      if (flags.includes('CQSIZE')) step.cq_entries = c.pick([16, 8, 4, 2, 0, 5, 1 << 20]);
      return [step];
    }
    // Deliberately bad: one thing wrong each.
    switch (c.int(8)) {
      case 0: step.entries = 0; break;
      case 1: step.entries = c.pick([32769, 65536, 0xffffffff]); break;
      case 2: step.flags = flagsValue([], IORING_SETUP, 1 << c.pick([21, 25, 31])); break;
      case 3: step.resv = [0, 0, 1]; break;
      case 4: step.flags = ['SQ_AFF']; break;
      case 5: step.flags = ['REGISTERED_FD_ONLY']; break;
      case 6: step.flags = ['HYBRID_IOPOLL']; break;
      default: step.flags = ['TASKRUN_FLAG']; break;
    }
    return [step];
  },
};
