// The shapes of the differential fuzzer. A case is an array of small templates; each template
// picks a step generator and carries the integer choices that generator reads. Realising the
// templates against the state built so far (env) gives a valid scenario, so any sub-array of
// templates, or any template with smaller choices, realises to a valid scenario too: that is
// what makes shrinking safe.

import type { KernelId } from '../profile.js';

/** One step template: `g` selects a generator (by weight), `c` are its choices, in order. */
export interface FuzzTemplate {
  g: number;
  c: number[];
}

/**
 * The integer choices a generator reads. Each read takes the next integer of the template (0
 * once they run out) modulo the number of options, so shrinking a choice to 0 always picks the
 * first option: generators list the simplest option first.
 */
export interface FuzzChoices {
  /** An integer in [0, n). */
  int(n: number): number;
  /** One of `xs`, the first when the choice is 0. */
  pick<T>(xs: readonly T[]): T;
  /** True one time in `n` (never for choice 0): for rare options. */
  rare(n: number): boolean;
  /** True or false, false for choice 0. */
  bool(): boolean;
  /** A subset of `names`, each included one time in `oneIn` (none when the choices are 0). */
  subset<T>(names: readonly T[], oneIn: number): T[];
}

/** A ring as the fuzzer sees it: its setup flags, and (from the live model) its SQ state. */
export interface FuzzRing {
  name: string;
  /** IORING_SETUP_* flags the setup step asked for. */
  flags: number;
  /** The model's setup succeeded and the ring is not closed. */
  live: boolean;
  sqEntries: number;
  cqEntries: number;
  /** SQEs written and not yet consumed by the kernel (the model's view). */
  pending: number;
  /** SQ slots free for new SQEs (the model's view). */
  sqFree: number;
  /** Requests of this ring in flight: submitted and not yet completed (the model's view). */
  inflight: number;
  /** CQEs the application could reap now, plus those in the overflow backlog (the model's view). */
  cqReady: number;
  /** CQEs in the overflow backlog, counted in cqReady too (the model's view). */
  backlog: number;
}

export type FuzzFdKind = 'pipe-r' | 'pipe-w' | 'tcp' | 'unix' | 'file' | 'eventfd';

export interface FuzzFd {
  name: string;
  kind: FuzzFdKind;
  /** Not closed by a close step. */
  open: boolean;
  /** The model says read(2) would not block: data queued, EOF, or a regular file. */
  readable: boolean;
  /** A socket whose peer end, or a pipe write end whose read end, is closed (the model's view). */
  peerClosed: boolean;
  /** The model says write(2) of `len` bytes would not block. */
  writable(len: number): boolean;
  /** One end of a connected UDP pair (its kind says 'unix': a connected socket). */
  udp?: boolean;
  /** A regular file's filesystem (the tmpfile step's `fs`). */
  fs?: 'tmpfs' | 'ext4';
}

export interface FuzzRegion {
  name: string;
  size: number;
}

/** What exists so far in the scenario being built: names to refer to, and their state. */
export interface FuzzEnv {
  readonly profile: KernelId;
  readonly rings: readonly FuzzRing[];
  readonly fds: readonly FuzzFd[];
  readonly regions: readonly FuzzRegion[];
  /** Rings whose model setup succeeded and that are still open. */
  liveRings(): FuzzRing[];
  openFds(kinds?: readonly FuzzFdKind[]): FuzzFd[];
  /** A fresh name with this prefix (`p` gives p0, p1, ...). */
  fresh(prefix: string): string;
  /** A fresh user_data value (1, 2, 3, ... per case), so every CQE can be told apart. */
  userData(): number;
  /** A region of at least `size` bytes: an existing one, or a step that maps one is emitted first. */
  region(size: number): { name: string; steps: Record<string, unknown>[] };
  /**
   * RCU callbacks the live model has queued and not yet run (call_rcu(): deferred eventfd
   * signals, frees): a generator that must wait for them to land on the kernel waits only then.
   */
  rcuPending(): number;
  /**
   * State a generator keeps across the templates of one case (say, registered buffer groups).
   * One key is shared: `IOWQ_OBSERVED` (a generator made io-wq completions visible, e.g. an
   * eventfd registered on a ring), which generators of I/O that may or may not go to io-wq read.
   */
  scratch<T>(key: string, init: () => T): T;
  /** The scenario needs this from the machine (tcp for TCP socket pairs). */
  require(what: 'tcp' | 'root' | 'nvme'): void;
  /**
   * Set while realising a template whose wait the model found blocking until the runner's
   * watchdog: a generator of waits bounds it (a timed wait) instead of waiting for nothing.
   */
  readonly boundWait: boolean;
}

/** The scratch key generators share: `{ value: true }` once io-wq completions are observable. */
export const IOWQ_OBSERVED = 'iowq-observed';

/**
 * A step generator: the steps one template becomes, or undefined when it does not apply in this
 * env (no ring yet, no socket, a full SQ). Generators must be deterministic in (choices, env).
 */
export interface StepFuzz {
  /** Relative frequency among all generators (default 1). */
  readonly weight?: number;
  generate(c: FuzzChoices, env: FuzzEnv): Record<string, unknown>[] | undefined;
}

/** A named generator, as the realiser lists them (core ones and each extension step's). */
export interface NamedFuzz extends StepFuzz {
  readonly name: string;
}
