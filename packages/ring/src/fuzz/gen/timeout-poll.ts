// Generators for TIMEOUT, TIMEOUT_REMOVE, LINK_TIMEOUT, POLL_ADD, POLL_REMOVE and ASYNC_CANCEL.
// Timers that could fire during a case are either waited for alone (sqe.timeout's short ones)
// or far beyond any case (1000 s): a real kernel's clock then never races the runner. The
// user_data of what they make is kept in the case's scratch, so removals and cancellations
// mostly find something, and sometimes do not (-ENOENT).

import { EPOLL, IORING_ASYNC_CANCEL as C, IORING_OP, IORING_POLL as P, IORING_TIMEOUT as T } from '../../uapi/constants.js';
import { avoids } from '../exclusions.js';
import type { FuzzChoices, FuzzEnv, NamedFuzz } from '../types.js';
import { quietRing, ringWithRoom, targetFd, TMPFS_FILE, waitForOne } from './common.js';

type Step = Record<string, unknown>;

/** A far timeout (1000 s) and short ones (1 ms, and 0: already expired), written once per case. */
function timespec(env: FuzzEnv, which: 'far' | 'short' | 'zero', out: Step[]): { region: string; offset: number } {
  const made = env.scratch('timeo.ts', () => ({ name: '' }));
  if (!made.name) {
    const r = env.region(48);
    out.push(...r.steps);
    made.name = r.name;
    out.push(
      { op: 'write_mem', region: r.name, offset: 0, struct: '__kernel_timespec', fields: { tv_sec: 1000, tv_nsec: 0 } },
      { op: 'write_mem', region: r.name, offset: 16, struct: '__kernel_timespec', fields: { tv_sec: 0, tv_nsec: 1_000_000 } },
      { op: 'write_mem', region: r.name, offset: 32, struct: '__kernel_timespec', fields: { tv_sec: 0, tv_nsec: 0 } },
    );
  }
  return { region: made.name, offset: which === 'far' ? 0 : which === 'short' ? 16 : 32 };
}

/** user_data of the timeouts and polls this case made, for removals and cancellations. */
function targets(env: FuzzEnv): number[] {
  return env.scratch('timeo.targets', () => [] as number[]);
}

function target(c: FuzzChoices, env: FuzzEnv): number {
  const t = targets(env);
  return t.length && !c.rare(5) ? c.pick(t) : 999;
}

function farTimeout(c: FuzzChoices, env: FuzzEnv, out: Step[]): Step {
  const ud = env.userData();
  targets(env).push(ud);
  const sqe: Step = { opcode: 'TIMEOUT', user_data: ud, addr: timespec(env, 'far', out), len: 1, off: c.pick([0, 1, 2, 3]) };
  const flags = c.pick([0, T.ETIME_SUCCESS, T.MULTISHOT, T.BOOTTIME, T.REALTIME, T.BOOTTIME | T.REALTIME, 1 << 12]);
  if (flags) sqe.op_flags = flags;
  if (c.rare(10)) sqe.len = c.pick([0, 2]);
  if (c.rare(12)) sqe.addr = 4096;
  return sqe;
}

function pollSqe(c: FuzzChoices, env: FuzzEnv, out: Step[]): Step {
  const ud = env.userData();
  targets(env).push(ud);
  const fd = targetFd(c, env, ['pipe-r', 'pipe-w', 'unix', 'eventfd', 'file'], out);
  const sqe: Step = { opcode: 'POLL_ADD', user_data: ud, fd, op_flags: c.pick([EPOLL.IN, EPOLL.OUT, EPOLL.IN | EPOLL.OUT, EPOLL.PRI, EPOLL.IN | EPOLL.RDHUP]) };
  if (c.bool()) sqe.len = P.ADD_MULTI;
  if (c.rare(15)) sqe.len = 8;
  return sqe;
}

const step = (ring: string, sqe: Step): Step => ({ op: 'sqe', ring, sqe });

/** TIMEOUT: a far one (pending, or completed by its count) or a short one waited for alone. */
export const timeoutFuzz: NamedFuzz = {
  name: 'sqe.timeout',
  weight: 2,
  generate(c, env) {
    const steps: Step[] = [];
    if (c.bool()) {
      const ring = quietRing(env);
      if (!ring) return undefined;
      const sqe: Step = { opcode: 'TIMEOUT', user_data: env.userData(), addr: timespec(env, c.pick(['short', 'zero'] as const), steps), len: 1 };
      if (c.rare(3)) sqe.op_flags = T.ETIME_SUCCESS;
      steps.push(step(ring.name, sqe), waitForOne(ring));
      return steps;
    }
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    steps.push(step(ring.name, farTimeout(c, env, steps)));
    return steps;
  },
};

/** TIMEOUT_REMOVE of a timeout this case made (or of nothing), sometimes an update to another far time. */
export const timeoutRemoveFuzz: NamedFuzz = {
  name: 'sqe.timeout_remove',
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    const sqe: Step = { opcode: 'TIMEOUT_REMOVE', user_data: env.userData(), addr: target(c, env) };
    if (c.rare(3)) {
      sqe.op_flags = c.pick([T.UPDATE, T.UPDATE | T.LINK_TIMEOUT_UPDATE, T.UPDATE | T.BOOTTIME, T.ABS]);
      sqe.off = timespec(env, 'far', steps);
    }
    steps.push(step(ring.name, sqe));
    return steps;
  },
};

/** POLL_ADD on a pipe end, a socket, an eventfd or a tmpfile; POLL_REMOVE of one. */
export const pollFuzz: NamedFuzz = {
  name: 'sqe.poll',
  weight: 2,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    if (c.rare(3)) {
      const sqe: Step = { opcode: 'POLL_REMOVE', user_data: env.userData(), addr: target(c, env) };
      if (c.rare(4)) {
        sqe.len = P.UPDATE_USER_DATA;
        const ud = env.userData();
        targets(env).push(ud);
        sqe.off = ud;
      } else if (c.rare(3)) {
        // IORING_POLL_UPDATE_EVENTS (ADD_MULTI beside it changes nothing of an armed poll).
        sqe.len = c.pick([P.UPDATE_EVENTS, P.UPDATE_EVENTS | P.ADD_MULTI]);
        sqe.op_flags = c.pick([EPOLL.IN, EPOLL.OUT, EPOLL.IN | EPOLL.OUT]);
      }
      steps.push(step(ring.name, sqe));
      return steps;
    }
    steps.push(step(ring.name, pollSqe(c, env, steps)));
    return steps;
  },
};

/** ASYNC_CANCEL by user_data, ALL, ANY, FD or OP. */
export const cancelFuzz: NamedFuzz = {
  name: 'sqe.cancel',
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    const sqe: Step = { opcode: 'ASYNC_CANCEL', user_data: env.userData(), addr: target(c, env) };
    const flags = c.pick([0, C.ALL, C.ANY, C.FD, C.FD | C.ALL, C.OP | C.ALL, C.FD | C.FD_FIXED, C.FD | C.ANY, 1 << 9]);
    if (flags) sqe.op_flags = flags;
    if (flags & C.FD) sqe.fd = targetFd(c, env, ['pipe-r', 'pipe-w', 'unix', 'eventfd'], steps);
    if (flags & C.OP) sqe.len = c.pick([IORING_OP.POLL_ADD, IORING_OP.TIMEOUT, IORING_OP.READ]);
    steps.push(step(ring.name, sqe));
    return steps;
  },
};

/** A request (NOP, READ of a pipe, POLL_ADD) with a far LINK_TIMEOUT after it, or a LINK_TIMEOUT alone (-EINVAL). */
export const linkTimeoutFuzz: NamedFuzz = {
  name: 'sqe.link_timeout',
  generate(c, env) {
    const ring = ringWithRoom(c, env, 2);
    if (!ring) return undefined;
    const steps: Step[] = [];
    const lt: Step = { opcode: 'LINK_TIMEOUT', user_data: env.userData(), addr: timespec(env, 'far', steps), len: 1 };
    if (c.rare(8)) {
      steps.push(step(ring.name, lt));
      return steps;
    }
    let head: Step;
    const what = c.int(3);
    if (what === 1) {
      const r = env.region(64);
      steps.push(...r.steps);
      head = { opcode: 'READ', user_data: env.userData(), fd: targetFd(c, env, ['pipe-r'], steps, avoids('regular-file-read') ? [TMPFS_FILE] : []), addr: { region: r.name, offset: 0 }, len: 16, off: '18446744073709551615' };
    } else if (what === 2) {
      head = pollSqe(c, env, steps);
    } else {
      head = { opcode: 'NOP', user_data: env.userData() };
    }
    head.flags = c.rare(4) ? ['IO_LINK', 'CQE_SKIP_SUCCESS'] : ['IO_LINK'];
    if (c.rare(4)) lt.flags = ['CQE_SKIP_SUCCESS'];
    targets(env).push(Number(lt.user_data));
    steps.push(step(ring.name, head), step(ring.name, lt));
    return steps;
  },
};

export const TIMEOUT_POLL_FUZZ: readonly NamedFuzz[] = [timeoutFuzz, timeoutRemoveFuzz, pollFuzz, cancelFuzz, linkTimeoutFuzz];
