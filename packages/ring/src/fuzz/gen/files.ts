// Files the requests work on, and the plain system calls on them: pipes, socket pairs (AF_UNIX
// and TCP over loopback), regular files, write(2), read(2) and close(2). read(2) and write(2)
// are only made where the model says they would not block, so no case waits on the watchdog.

import type { NamedFuzz } from '../types.js';
import { MAX_FDS, openFlags, tmpfileFs } from './common.js';
import { avoids } from '../exclusions.js';

export const pipeFuzz: NamedFuzz = {
  name: 'pipe',
  weight: 1,
  generate(_c, env) {
    if (env.fds.length + 2 > MAX_FDS) return undefined;
    const p = env.fresh('p');
    return [{ op: 'pipe', read: `${p}r`, write: `${p}w` }];
  },
};

export const socketFuzz: NamedFuzz = {
  name: 'socketpair',
  weight: 1,
  generate(c, env) {
    if (env.fds.length + 2 > MAX_FDS) return undefined;
    // A UDP pair counts as a 'unix' fd for the other generators (a connected socket).
    const kind = c.rare(3) ? 'udp' : avoids('tcp') ? 'unix' : c.pick(['unix', 'tcp'] as const);
    if (kind === 'tcp') env.require('tcp');
    const s = env.fresh('s');
    // Now and then the UDP sockets stay unconnected: sends without an address, -EDESTADDRREQ.
    return [{ op: 'socketpair', a: `${s}a`, b: `${s}b`, kind, ...(kind === 'udp' && c.rare(4) ? { connect: false } : {}) }];
  },
};

export const tmpfileFuzz: NamedFuzz = {
  name: 'tmpfile',
  weight: 1,
  generate(c, env) {
    if (env.fds.length + 1 > MAX_FDS) return undefined;
    return [{ op: 'tmpfile', name: env.fresh('f'), size: c.pick([4096, 0, 100, 10000]), seed: c.int(256), ...openFlags(c), fs: tmpfileFs(c) }];
  },
};

export const writeFuzz: NamedFuzz = {
  name: 'write',
  weight: 2,
  generate(c, env) {
    const len = c.pick([16, 1, 100, 4096]);
    const room = (f: { kind: string; writable(n: number): boolean }) => f.writable(len);
    const fds = env.openFds(['pipe-w', 'tcp', 'unix', 'file']).filter(room).filter((f) => !(f.udp && f.peerClosed && avoids('udp-after-peer-close')));
    if (!fds.length) return undefined;
    return [{ op: 'write', fd: c.pick(fds).name, len, seed: c.int(256) }];
  },
};

export const readFuzz: NamedFuzz = {
  name: 'read',
  weight: 1,
  generate(c, env) {
    const fds = env.openFds(['pipe-r', 'tcp', 'unix', 'file']).filter((f) => f.readable);
    if (!fds.length) return undefined;
    return [{ op: 'read', fd: c.pick(fds).name, len: c.pick([16, 1, 100, 4096, 0]) }];
  },
};

/** fstat(2) of a tmpfile: its size and position, after whatever wrote it (a faulting WRITE grows it). */
export const fstatFuzz: NamedFuzz = {
  name: 'fstat',
  weight: 1,
  generate(c, env) {
    // Not while a request is in flight: an io-wq WRITE may not have landed yet on the kernel.
    if (env.liveRings().some((r) => r.inflight > 0)) return undefined;
    const fds = env.openFds(['file']);
    if (!fds.length) return undefined;
    return [{ op: 'fstat', fd: c.pick(fds).name }];
  },
};

export const closeFuzz: NamedFuzz = {
  name: 'close',
  weight: 1,
  generate(c, env) {
    // Not under an unsubmitted SQE: the kernel looks its fd up at submission, and the runner's fd
    // numbers after a close differ from the model's (a TCP pair's listening socket takes one).
    if (env.liveRings().some((r) => r.pending > 0)) return undefined;
    const names = [...env.openFds().map((f) => f.name), ...env.liveRings().map((r) => r.name)];
    return names.length ? [{ op: 'close', fd: c.pick(names) }] : undefined;
  },
};
