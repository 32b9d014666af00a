// Generators for the kbuf steps (`pnpm testbed --fuzz`): legacy groups provided and removed,
// buffer rings registered, filled, queried and unregistered, and reads and receives that select
// from them. Groups are drawn from a few bgids, so selections often find what earlier steps made.

import { anyLiveRing, avoids, isUdp, makeFd, ringWithRoom, type FuzzChoices, type FuzzEnv, type FuzzFdKind, type StepFuzz } from '@uringlab/ring/extend';

/** Buffer rings that kbuf.register steps of this case made (ring, bgid, entries). */
interface Groups {
  rings: { ring: string; bgid: number; entries: number }[];
}

const groups = (env: FuzzEnv) => env.scratch<Groups>('kbuf', () => ({ rings: [] }));
const BGIDS = [0, 1, 2] as const;

/** A bgid: mostly one that a buffer ring of this ring uses, else one of the few fixed ones. */
function bgid(c: FuzzChoices, env: FuzzEnv, ring: string): number {
  const mine = groups(env).rings.filter((g) => g.ring === ring);
  return mine.length && !c.rare(3) ? c.pick(mine).bgid : c.pick(BGIDS);
}

function fd(c: FuzzChoices, env: FuzzEnv, kinds: readonly FuzzFdKind[], out: Record<string, unknown>[]): string {
  const open = env.openFds(kinds);
  if (open.length) return c.pick(open).name;
  const made = makeFd(c, env, c.pick(kinds));
  out.push(...made.steps);
  return made.name;
}

export const provideFuzz: StepFuzz = {
  weight: 2,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const nbufs = c.pick([1, 2, 4, 0, -1, 65537]);
    const len = c.pick([64, 16, 4096, 0]);
    const r = env.region(Math.max(1, Math.min(nbufs, 8) * len));
    return [
      ...r.steps,
      {
        op: 'kbuf.provide', ring: ring.name, bgid: c.pick(BGIDS), nbufs, len, addr: { region: r.name },
        bid: c.pick([0, 10, 65535]), user_data: env.userData(),
      },
    ];
  },
};

export const removeFuzz: StepFuzz = {
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    return [{ op: 'kbuf.remove', ring: ring.name, bgid: bgid(c, env, ring.name), nbufs: c.pick([1, 2, 0, 100]), user_data: env.userData() }];
  },
};

export const registerFuzz: StepFuzz = {
  weight: 2,
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    if (!ring) return undefined;
    const id = c.pick(BGIDS);
    const entries = c.pick([4, 8, 1, 2, 3, 0, 65536]);
    const step: Record<string, unknown> = { op: 'kbuf.register', ring: ring.name, bgid: id, entries, region: env.fresh('k') };
    if (c.rare(3)) step.flags = ['INC'];
    // The compiler tracks the ring for kbuf.add whatever the kernel answers; so do we.
    const g = groups(env);
    g.rings = g.rings.filter((x) => !(x.ring === ring.name && x.bgid === id));
    if (entries > 0 && entries <= 32768) g.rings.push({ ring: ring.name, bgid: id, entries });
    return [step];
  },
};

export const addFuzz: StepFuzz = {
  weight: 4,
  generate(c, env) {
    const live = new Set(env.liveRings().map((r) => r.name));
    const mine = groups(env).rings.filter((g) => live.has(g.ring));
    if (!mine.length) return undefined;
    const g = c.pick(mine);
    const count = 1 + c.int(Math.min(g.entries, 4));
    const len = c.pick([64, 16, 4096, 1]);
    const r = env.region(count * len);
    return [
      ...r.steps,
      { op: 'kbuf.add', ring: g.ring, bgid: g.bgid, count, addr: { region: r.name }, len, bid: c.pick([0, 5, 100]), publish: !c.rare(8) },
    ];
  },
};

export const recvFuzz: StepFuzz = {
  weight: 2,
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Record<string, unknown>[] = [];
    const sock = fd(c, env, ['unix', 'tcp'], steps);
    const recv: Record<string, unknown> = {
      op: 'kbuf.recv', ring: ring.name, fd: sock, bgid: bgid(c, env, ring.name), len: c.pick([0, 64, 16, 4096]),
      multishot: c.rare(3), bundle: c.rare(4), user_data: env.userData(),
    };
    // MSG_TRUNC on UDP: the full datagram length, and (6.18) a commit of it to an incremental ring.
    // MSG_WAITALL: a short receive retries (or, into an incremental buffer on 7.3, completes).
    const flags = (isUdp(env, sock, steps) && c.rare(3) ? 0x20 : 0) | (c.rare(4) ? 0x100 : 0);
    if (flags) recv.msg_flags = flags;
    steps.push(recv);
    return steps;
  },
};

export const readFuzz: StepFuzz = {
  generate(c, env) {
    const ring = ringWithRoom(c, env);
    if (!ring) return undefined;
    const steps: Record<string, unknown>[] = [];
    // Regular-file reads complete from io-wq on some kernels (see the core's exclusions.ts).
    const f = fd(c, env, avoids('regular-file-read', env.profile) ? ['pipe-r'] : ['pipe-r', 'file'], steps);
    steps.push({ op: 'kbuf.read', ring: ring.name, fd: f, bgid: bgid(c, env, ring.name), len: c.pick([0, 64, 16, 4096]), user_data: env.userData() });
    return steps;
  },
};

export const statusFuzz: StepFuzz = {
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    if (!ring) return undefined;
    return [{ op: 'kbuf.status', ring: ring.name, bgid: bgid(c, env, ring.name) }];
  },
};

export const unregisterFuzz: StepFuzz = {
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    if (!ring) return undefined;
    return [{ op: 'kbuf.unregister', ring: ring.name, bgid: bgid(c, env, ring.name) }];
  },
};
