// Random eventfd cases for a differential run (scripts/fuzz.ts writes them for `pnpm testbed
// --scenarios DIR`): rings (plain and DEFER_TASKRUN), NOP batches, waited IOSQE_ASYNC NOPs, reads
// armed on pipes and on the eventfds, pipe writes, GETEVENTS, and the eventfd step generators of
// steps/fuzz.ts. Each case ends by settling, reading every eventfd and reaping every ring.
// Deterministic in (seed, index).

import { Rng } from '@uringlab/ring/extend';
import { EVENTFD_FUZZ } from './steps/index.js';
import { SETTLE_MS, type EventfdFuzzChoices, type EventfdFuzzEnv } from './steps/fuzz.js';

type Kind = 'pipe-r' | 'pipe-w' | 'tcp' | 'unix' | 'file' | 'eventfd';

class Choices implements EventfdFuzzChoices {
  constructor(private readonly rng: Rng) {}
  int(n: number): number {
    return n <= 1 ? 0 : this.rng.below(n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  rare(n: number): boolean {
    return this.int(n) === 1 % n;
  }
  bool(): boolean {
    return this.int(2) === 1;
  }
}

interface RingInfo {
  name: string;
  defer: boolean;
  /** SQEs submitted whose CQE has not been reaped yet (a bound on what fits the CQ). */
  outstanding: number;
}

class Env implements EventfdFuzzEnv {
  readonly rings: RingInfo[] = [];
  readonly fds: { name: string; kind: Kind }[] = [];
  private n = 0;
  private readonly scratchpad = new Map<string, unknown>();
  liveRings(): readonly RingInfo[] {
    return this.rings;
  }
  openFds(kinds?: readonly Kind[]): readonly { name: string; kind: Kind }[] {
    return kinds ? this.fds.filter((f) => kinds.includes(f.kind)) : this.fds;
  }
  fresh(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
  scratch<T>(key: string, init: () => T): T {
    if (!this.scratchpad.has(key)) this.scratchpad.set(key, init());
    return this.scratchpad.get(key) as T;
  }
}

export interface FuzzCase {
  name: string;
  pins: string;
  steps: Record<string, unknown>[];
}

const RING_ENTRIES = 16;

/** One case: `seed` and `index` pick everything. */
export function eventfdCase(seed: number, index: number, length = 16): FuzzCase {
  const rng = new Rng((seed * 1_000_003 + index * 7919 + 1) >>> 0);
  const c = new Choices(rng);
  const env = new Env();
  const steps: Record<string, unknown>[] = [];
  let ud = 1;
  let buf: string | null = null;
  const region = (): string => {
    if (!buf) {
      buf = env.fresh('buf');
      steps.push({ op: 'region', name: buf, size: 4096 });
    }
    return buf;
  };
  let quiet: string | null = null;
  const settle = () => {
    if (!quiet) {
      quiet = env.fresh('settle');
      steps.push({ op: 'eventfd', name: quiet, flags: ['NONBLOCK'] });
    }
    steps.push({ op: 'poll', fd: quiet, events: ['IN'], timeout_ms: SETTLE_MS });
  };
  const room = (r: RingInfo, n: number) => r.outstanding + n <= RING_ENTRIES;
  // An io-wq worker wakes the waiter before it signals (io_cq_unlock_post), and on DEFER_TASKRUN
  // the waiter may run its task work before the worker's signal adds more: a READ armed on an
  // eventfd that a worker signals completes at a time the runner cannot control. A case has
  // IOSQE_ASYNC NOPs or READs of eventfds, never both.
  const asyncCase = c.bool();
  const addRing = () => {
    const name = env.fresh('r');
    const defer = c.bool();
    steps.push({ op: 'setup', ring: name, entries: RING_ENTRIES, ...(defer ? { flags: ['SINGLE_ISSUER', 'DEFER_TASKRUN'] } : {}) });
    env.rings.push({ name, defer, outstanding: 0 });
  };
  const pipes: { r: string; w: string }[] = [];
  const core: (() => boolean)[] = [
    // A batch of NOPs in one submit (some skipped).
    () => {
      const r = c.pick(env.rings);
      const n = 1 + c.int(4);
      if (!room(r, n)) return false;
      steps.push({ op: 'sqe', ring: r.name, sqe: { opcode: 'NOP', user_data: ud, ...(c.rare(3) ? { flags: ['CQE_SKIP_SUCCESS'] } : {}) }, repeat: n });
      ud += n;
      steps.push({ op: 'enter', ring: r.name, to_submit: n });
      r.outstanding += n;
      return true;
    },
    // An IOSQE_ASYNC NOP, waited for alone: the CQ is drained and pending task work run first,
    // so the one CQE the wait can see is this NOP's (io-wq commits never race each other).
    () => {
      const r = c.pick(env.rings);
      if (!asyncCase || !room(r, 1)) return false;
      steps.push({ op: 'enter', ring: r.name, min_complete: 0, flags: ['GETEVENTS'] }, { op: 'reap', ring: r.name });
      steps.push({ op: 'sqe', ring: r.name, sqe: { opcode: 'NOP', user_data: ud++, flags: ['ASYNC'] } });
      steps.push({ op: 'enter', ring: r.name, to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] });
      steps.push({ op: 'reap', ring: r.name });
      r.outstanding = 0;
      return true;
    },
    // A READ armed on a pipe (made here) or on one of the eventfds.
    () => {
      const r = c.pick(env.rings);
      if (!room(r, 1)) return false;
      const efds = env.openFds(['eventfd']).filter((f) => f.name !== quiet && !f.name.startsWith('quiet'));
      let fd: string;
      if (!asyncCase && efds.length && c.bool()) {
        fd = c.pick(efds).name;
      } else {
        if (!pipes.length || c.rare(4)) {
          const p = { r: env.fresh('pr'), w: env.fresh('pw') };
          steps.push({ op: 'pipe', read: p.r, write: p.w });
          pipes.push(p);
          env.fds.push({ name: p.r, kind: 'pipe-r' }, { name: p.w, kind: 'pipe-w' });
        }
        fd = c.pick(pipes).r;
      }
      steps.push({ op: 'sqe', ring: r.name, sqe: { opcode: 'READ', fd, addr: { region: region(), offset: 8 * (ud % 64) }, len: 8, user_data: ud++ } });
      steps.push({ op: 'enter', ring: r.name, to_submit: 1 });
      r.outstanding += 1;
      return true;
    },
    // Data for the reads armed on a pipe.
    () => {
      if (!pipes.length) return false;
      steps.push({ op: 'write', fd: c.pick(pipes).w, len: 8 * (1 + c.int(2)), seed: c.int(200) });
      return true;
    },
    // GETEVENTS (runs a DEFER_TASKRUN ring's task work) after a settle, then reap.
    () => {
      const r = c.pick(env.rings);
      settle();
      steps.push({ op: 'enter', ring: r.name, min_complete: 0, flags: ['GETEVENTS'] }, { op: 'reap', ring: r.name });
      r.outstanding = 0;
      return true;
    },
  ];
  const eventfd = Object.values(EVENTFD_FUZZ);
  addRing();
  for (let i = 0; i < length; i++) {
    if (env.rings.length < 2 && c.rare(5)) addRing();
    if (c.int(2) === 0) {
      if (!c.pick(core)()) continue;
    } else {
      const out = c.pick(eventfd).generate(c, env);
      if (!out) continue;
      for (const s of out) {
        if (s.op === 'eventfd') env.fds.push({ name: String(s.name), kind: 'eventfd' });
        steps.push(s);
      }
    }
  }
  // Epilogue: let deferred signals land, see every counter, reap everything.
  settle();
  for (const r of env.rings) steps.push({ op: 'enter', ring: r.name, min_complete: 0, flags: ['GETEVENTS'] }, { op: 'reap', ring: r.name }, { op: 'observe', ring: r.name });
  settle();
  for (const f of env.openFds(['eventfd'])) steps.push({ op: 'eventfd.read', fd: f.name });
  return { name: `fuzz-eventfd-${seed}-${index}`, pins: `random eventfd case ${index} of seed ${seed}`, steps };
}
