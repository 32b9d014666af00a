// Generators of eventfd steps for the differential fuzzer (a step's `fuzz`, read by the fuzzer
// of `pnpm testbed --fuzz`; scripts/fuzz.ts drives them on their own). Each turns integer
// choices and what the case holds so far into steps, and is deterministic in both.
//
// The counter is read only after a settle: a poll(2) of a quiet eventfd for SETTLE_MS, so that
// signals deferred by a grace period (inside an eventfd wakeup, and on 7.3 from poll wakeups of
// DEFER_TASKRUN rings) have landed on the kernel as in the model. A settle is made only while the
// live model has RCU callbacks pending. Two io-wq completions committing
// at once may share one signal on a real kernel: cases must wait for each IOSQE_ASYNC CQE alone.

import { anyLiveRing, ringPicker } from '@uringlab/ring/extend';

/** The integer choices a generator reads (the fuzzer's FuzzChoices, as far as these use it). */
export interface EventfdFuzzChoices {
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  rare(n: number): boolean;
  bool(): boolean;
}

/** What a case holds so far (the fuzzer's FuzzEnv, as far as these use it). */
export interface EventfdFuzzEnv {
  liveRings(): readonly { name: string }[];
  openFds(kinds?: readonly ('pipe-r' | 'pipe-w' | 'tcp' | 'unix' | 'file' | 'eventfd')[]): readonly { name: string; kind: string }[];
  fresh(prefix: string): string;
  scratch<T>(key: string, init: () => T): T;
  /** RCU callbacks the live model has not run yet (absent: settle every time). */
  rcuPending?(): number;
}

export interface EventfdStepFuzz {
  readonly weight?: number;
  generate(c: EventfdFuzzChoices, env: EventfdFuzzEnv): Record<string, unknown>[] | undefined;
}

/** How long a settle sleeps: several grace periods on the testbed's slowest machine (TCG). */
export const SETTLE_MS = 200;

const U64_MAX = '18446744073709551615';
const VALUES = [1, 2, 7, '18446744073709551614', U64_MAX, 0] as const;

interface Made {
  /** Eventfds these generators created (the ones register and read pick from). */
  efds: string[];
  /** The quiet eventfd settles poll: never registered, never written. */
  quiet: string | null;
}

const made = (env: EventfdFuzzEnv) => env.scratch<Made>('eventfd', () => ({ efds: [], quiet: null }));

function openEfds(env: EventfdFuzzEnv): string[] {
  const open = new Set(env.openFds(['eventfd']).map((f) => f.name));
  return made(env).efds.filter((n) => open.has(n));
}

/** An eventfd of ours: an open one, or the steps that make a new one (NONBLOCK, rarely SEMAPHORE). */
function efd(c: EventfdFuzzChoices, env: EventfdFuzzEnv, out: Record<string, unknown>[]): string {
  const open = openEfds(env);
  if (open.length && !c.rare(4)) return c.pick(open);
  const name = env.fresh('ev');
  out.push({ op: 'eventfd', name, flags: c.rare(4) ? ['NONBLOCK', 'SEMAPHORE'] : ['NONBLOCK'] });
  made(env).efds.push(name);
  return name;
}

function settle(env: EventfdFuzzEnv, out: Record<string, unknown>[]): void {
  // Nothing deferred in the model: nothing to wait for on the kernel either (a signal the model
  // failed to defer still shows, as a count that differs). Each settle costs SETTLE_MS of a run.
  if (env.rcuPending && env.rcuPending() === 0) return;
  const m = made(env);
  if (!m.quiet) {
    m.quiet = env.fresh('quiet');
    out.push({ op: 'eventfd', name: m.quiet, flags: ['NONBLOCK'] });
  }
  out.push({ op: 'poll', fd: m.quiet, events: ['IN'], timeout_ms: SETTLE_MS });
}

export const registerFuzz: EventfdStepFuzz = {
  weight: 3,
  generate(c, env) {
    const ring = anyLiveRing(c, env)?.name;
    if (!ring) return undefined;
    const out: Record<string, unknown>[] = [];
    let fd: string | number | null;
    if (c.rare(6)) {
      // The errno paths: no such fd, a NULL argument, an fd that is not an eventfd.
      const other = env.openFds(['pipe-r', 'pipe-w', 'file']);
      fd = c.pick<string | number | null>([-1, null, ...(other.length ? [other[0]!.name] : [])]);
    } else {
      fd = efd(c, env, out);
    }
    const step: Record<string, unknown> = { op: 'eventfd.register', ring, fd };
    // The core's waited regular-file I/O may finish inline or from io-wq on the host; the count
    // of a registered eventfd would show which (IOWQ_OBSERVED in the core's fuzz types).
    env.scratch('iowq-observed', () => ({ value: false })).value = true;
    if (c.rare(3)) step.async = true;
    if (c.rare(8)) step.nr_args = c.pick([0, 2]);
    out.push(step);
    return out;
  },
};

export const unregisterFuzz: EventfdStepFuzz = {
  weight: 2,
  generate(c, env) {
    const ring = anyLiveRing(c, env);
    if (!ring) return undefined;
    const step: Record<string, unknown> = { op: 'eventfd.unregister', ring: ring.name };
    if (c.rare(8)) step.nr_args = 1;
    return [step];
  },
};

export const cycleFuzz: EventfdStepFuzz = {
  generate(c, env) {
    const ring = ringPicker(env);
    if (!ring) return undefined;
    const out: Record<string, unknown>[] = [];
    const fd = efd(c, env, out);
    out.push({ op: 'eventfd.cycle', ring: ring(c).name, fd, count: 1 + c.int(3), timed: false });
    return out;
  },
};

export const toggleFuzz: EventfdStepFuzz = {
  generate(c, env) {
    const ring = ringPicker(env);
    if (!ring) return undefined;
    return [{ op: c.bool() ? 'eventfd.disable' : 'eventfd.enable', ring: ring(c).name }];
  },
};

export const readFuzz: EventfdStepFuzz = {
  weight: 3,
  generate(c, env) {
    const open = openEfds(env);
    if (!open.length) return undefined;
    const out: Record<string, unknown>[] = [];
    settle(env, out);
    const step: Record<string, unknown> = { op: 'eventfd.read', fd: c.pick(open) };
    if (c.rare(8)) step.len = c.pick([4, 16]);
    out.push(step);
    return out;
  },
};

export const writeFuzz: EventfdStepFuzz = {
  generate(c, env) {
    const open = openEfds(env);
    if (!open.length) return undefined;
    const value = c.pick(VALUES);
    const out: Record<string, unknown>[] = [];
    // Whether a value near ULLONG_MAX fits depends on signals still in flight: settle first.
    if (typeof value === 'string') settle(env, out);
    const step: Record<string, unknown> = { op: 'eventfd.write', fd: c.pick(open), value };
    if (c.rare(8)) step.len = c.pick([4, 16]);
    out.push(step);
    return out;
  },
};
