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

/** Slots a generated step names: the low ones RING_FDS fills first, the last one, and one past the table. */
const SLOTS = [0, 1, 2, 15, 16] as const;

/**
 * The task's registered ring table: RING_FDS and UNREGISTER_RING_FDS (1 to 3 entries, live
 * rings' fds, -1U or a slot; rarely a bad entry, count or fd), and enter/register through a
 * slot. Fds are names, or numbers open in neither executor (their fd numbers differ).
 */
export const ringFdsFuzz: NamedFuzz = {
  name: 'ring_fds',
  weight: 3,
  generate(c, env) {
    const rings = env.liveRings();
    if (!rings.length) return undefined;
    const ring = c.pick(rings).name;
    const n = 1 + c.int(3);
    // Registering twice as often as anything else, so that the other three find slots taken.
    switch (c.pick([0, 0, 1, 2, 3])) {
      case 0: {
        const entries = Array.from({ length: n }, () => {
          const e: Record<string, unknown> = { fd: c.pick(rings).name };
          if (c.bool()) e.offset = c.pick(SLOTS.slice(0, 4));
          if (c.rare(12)) e.offset = c.pick([16, 0x7fffffff]);
          if (c.rare(12)) e.resv = 1;
          if (c.rare(10)) {
            const other = env.openFds();
            e.fd = other.length && c.bool() ? c.pick(other).name : c.pick([999, -1]);
          }
          return e;
        });
        const step: Record<string, unknown> = { op: 'ring_fds', ring, entries };
        if (c.rare(10)) step.nr_args = c.pick([0, 17]);
        if (c.rare(8)) step.registered = c.pick(SLOTS);
        return [step];
      }
      case 1: {
        const entries = Array.from({ length: n }, () => {
          const e: Record<string, unknown> = { offset: c.pick(SLOTS.slice(0, 4)) };
          if (c.rare(10)) e.offset = 16;
          if (c.rare(10)) e.data = 1;
          return e;
        });
        const step: Record<string, unknown> = { op: 'ring_fds', ring, unregister: true, entries };
        if (c.rare(10)) step.nr_args = c.pick([0, 17]);
        return [step];
      }
      case 2: {
        // Nothing is submitted through a slot: the SQ the slot's ring has is not the named ring's.
        const step: Record<string, unknown> = { op: 'enter', ring, to_submit: 0, registered: c.pick(SLOTS) };
        if (c.bool() || env.boundWait) {
          step.min_complete = 1;
          step.flags = ['GETEVENTS'];
          if (env.boundWait) {
            step.flags = ['GETEVENTS', 'EXT_ARG'];
            step.ext_arg = { timeout_ns: BOUND_WAIT_NS };
          }
        }
        return [step];
      }
      default: {
        const registered = c.pick(SLOTS);
        if (c.bool()) return [{ op: 'register', ring, opcode: 'ENABLE_RINGS', nr_args: 0, registered }];
        return [{ op: 'register', ring, opcode: 'PROBE', nr_args: 4, registered, arg: { struct: 'io_uring_probe', fields: {}, extra: 32 } }];
      }
    }
  },
};
