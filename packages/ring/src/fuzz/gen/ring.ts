// Steps on a ring: io_uring_enter() with every flag, min_complete and ext_arg form; reaping;
// observing the ring header; io_uring_register() PROBE and ENABLE_RINGS (and an opcode that
// does not exist).

import { IORING_ENTER } from '../../uapi/constants.js';
import type { NamedFuzz } from '../types.js';
import { anyLiveRing, flagsValue } from './common.js';

/** A timed wait's timeout when the model found an untimed one would block: 1 ms. */
export const BOUND_WAIT_NS = 1_000_000;

export const enterFuzz: NamedFuzz = {
  name: 'enter',
  weight: 8,
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    if (!ring) return undefined;
    const p = ring.pending;
    const step: Record<string, unknown> = {
      op: 'enter', ring: ring.name,
      // All of the SQ or none of it: a part could end inside a chain (see exclusions.ts).
      to_submit: c.pick([p, 0, p + 2, 4096]),
      min_complete: c.pick([0, 1, p, 2, 8]),
    };
    const names: string[] = [];
    if ((step.min_complete as number) > 0 ? !c.rare(8) : c.rare(2)) names.push('GETEVENTS');
    names.push(...c.subset(['SQ_WAKEUP', 'SQ_WAIT', 'NO_IOWAIT', 'ABS_TIMER'] as const, 16));
    const bad = c.rare(25) ? 1 << 12 : 0; // no such enter flag: -EINVAL
    if (c.rare(5)) {
      names.push('EXT_ARG');
      step.ext_arg = c.rare(6)
        ? c.pick([{ argsz: 8 }, { ts: 4096 }, { argsz: 0 }]) // wrong size, unmapped timespec
        : { timeout_ns: c.pick([BOUND_WAIT_NS, 0, 100_000]) };
    }
    if (env.boundWait) {
      // The model says this wait blocks until the runner's watchdog: make it a 1 ms timed wait.
      if (!names.includes('GETEVENTS')) names.push('GETEVENTS');
      if (!names.includes('EXT_ARG')) names.push('EXT_ARG');
      const i = names.indexOf('ABS_TIMER');
      if (i >= 0) names.splice(i, 1);
      step.ext_arg = { timeout_ns: BOUND_WAIT_NS };
    }
    const flags = flagsValue(names, IORING_ENTER, bad);
    if (typeof flags === 'number' || flags.length) step.flags = flags;
    return [step];
  },
};

export const reapFuzz: NamedFuzz = {
  name: 'reap',
  weight: 4,
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    return ring ? [{ op: 'reap', ring: ring.name, max: c.pick([0, 1, 2, 4]) }] : undefined;
  },
};

export const observeFuzz: NamedFuzz = {
  name: 'observe',
  weight: 1,
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    return ring ? [{ op: 'observe', ring: ring.name }] : undefined;
  },
};

export const registerFuzz: NamedFuzz = {
  name: 'register',
  weight: 1,
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    if (!ring) return undefined;
    switch (c.int(4)) {
      case 0: {
        // IORING_REGISTER_PROBE with room for nr_args ops (256 at most).
        const nr = c.pick([256, 4, 0, 1, 257]);
        const arg = c.rare(8) ? null : { struct: 'io_uring_probe', fields: {}, extra: 8 * Math.min(nr, 256) };
        return [{ op: 'register', ring: ring.name, opcode: 'PROBE', nr_args: nr, arg }];
      }
      case 1:
        return [{ op: 'register', ring: ring.name, opcode: 'ENABLE_RINGS', nr_args: c.pick([0, 1]) }];
      case 2:
        return [{ op: 'register', ring: ring.name, opcode: c.pick([200, 255, 64]), nr_args: 0 }];
      default:
        return [{ op: 'register', ring: ring.name, opcode: 'ENABLE_RINGS', nr_args: 0 }];
    }
  },
};
