// Generators for the opcodes and steps users reach for beyond plain I/O: FSYNC and SHUTDOWN
// (always run on io-wq, so each is submitted alone and its CQE waited for, as sqe.waited does),
// READ_MULTISHOT (provided buffers only, pollable files only) and the shutdown(2) step.

import { IORING_FSYNC, IOSQE } from '../../uapi/constants.js';
import { avoids } from '../exclusions.js';
import type { FuzzFdKind, NamedFuzz } from '../types.js';
import { flagsValue, iowqCountRaces, isUdp, quietRing, ringWithRoom, targetFd, waitForOne } from './common.js';

type Step = Record<string, unknown>;
const ALL_KINDS: FuzzFdKind[] = ['pipe-r', 'pipe-w', 'file', 'tcp', 'unix', 'eventfd'];

/** One FSYNC or SHUTDOWN, alone in the SQ with nothing in flight, waited for by its enter. */
export const syncFuzz: NamedFuzz = {
  name: 'sqe.sync',
  weight: 1,
  generate(c, env) {
    const ring = quietRing(env);
    // FSYNC and SHUTDOWN are forced onto io-wq at prep.
    if (!ring || iowqCountRaces(env, ring)) return undefined;
    const steps: Step[] = [];
    const shutdown = c.bool();
    const fd = targetFd(c, env, shutdown ? ['unix', 'tcp'] : ['file', 'pipe-w', 'unix'], steps);
    const sqe: Step = { opcode: shutdown ? 'SHUTDOWN' : 'FSYNC', fd, user_data: env.userData() };
    if (shutdown) {
      sqe.len = c.pick([1, 0, 2, 3]); // SHUT_WR, SHUT_RD, SHUT_RDWR, no such how
      if (isUdp(env, fd, steps) && avoids('udp-shut-rd') && (sqe.len === 0 || sqe.len === 2)) sqe.len = 1;
    } else {
      if (c.bool()) sqe.op_flags = IORING_FSYNC.DATASYNC;
      if (c.rare(6)) sqe.op_flags = 2; // no such fsync flag: -EINVAL
      if (c.rare(4)) { sqe.off = c.pick([4096, 1]); sqe.len = c.pick([100, 0xffffffff]); }
    }
    if (c.rare(10)) sqe.buf_index = 1; // must be zero: -EINVAL
    steps.push({ op: 'sqe', ring: ring.name, sqe }, waitForOne(ring));
    return steps;
  },
};

/** READ_MULTISHOT of a pipe, an eventfd or a file (-EBADFD), mostly with IOSQE_BUFFER_SELECT. */
export const readMshotFuzz: NamedFuzz = {
  name: 'sqe.read_mshot',
  weight: 2,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Step[] = [];
    const fd = targetFd(c, env, ['pipe-r', 'eventfd', 'file'], steps);
    const sqe: Step = { opcode: 'READ_MULTISHOT', fd, user_data: env.userData() };
    const flags = c.rare(6) ? [] : ['BUFFER_SELECT'];
    if (flags.length) {
      sqe.flags = flagsValue(flags, IOSQE);
      sqe.buf_group = c.pick([0, 1]);
    }
    if (c.rare(8)) sqe.len = 16; // must be zero: -EINVAL
    steps.push({ op: 'sqe', ring: ring.name, sqe });
    return steps;
  },
};

/** shutdown(2) of a socket (or, rarely, of something that is not one, or with a bad how). */
export const shutdownFuzz: NamedFuzz = {
  name: 'shutdown',
  weight: 1,
  generate(c, env) {
    const fds = env.openFds(c.rare(8) ? ALL_KINDS : ['unix', 'tcp']);
    if (!fds.length) return undefined;
    const fd = c.pick(fds);
    const how = c.pick(['WR', 'RD', 'RDWR', 3] as const);
    return [{ op: 'shutdown', fd: fd.name, how: fd.udp && avoids('udp-shut-rd') && (how === 'RD' || how === 'RDWR') ? 'WR' : how }];
  },
};
