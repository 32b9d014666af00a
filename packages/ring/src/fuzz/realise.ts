// Templates -> scenario. Each template becomes the steps its generator makes against the state
// built so far; every step is parsed, compiled and run at once on a live model, so the next
// generator sees real names and the model's state (is a ring set up, how full is its SQ, would
// read(2) block). A wait the model finds blocking until the runner's watchdog is realised again
// as a 1 ms timed wait, so cases never sit on the watchdog.

import { isUringError } from '../errors.js';
import type { Extension } from '../extension/types.js';
import { resolveExtensions } from '../extension/registry.js';
import type { KernelId } from '../profile.js';
import { WATCHDOG_NS } from '../core/enter.js';
import { IORING_NOP, IORING_SETUP as S } from '../uapi/constants.js';
import { pageAlign } from '../memory.js';
import { stepCompiler } from '../scenario/compile.js';
import { ModelExecutor } from '../scenario/model-executor.js';
import { UDP_MODELLED_QUEUE, type StreamEnd } from '../files/stream.js';
import { RegularFile } from '../files/regular.js';
import { Choices } from './choices.js';
import { avoids } from './exclusions.js';
import { CORE_FUZZ } from './gen/index.js';
import type { FuzzEnv, FuzzFd, FuzzFdKind, FuzzRegion, FuzzRing, FuzzTemplate, NamedFuzz } from './types.js';

/** The generators a set of extensions gives: the core's, then each extension step's `fuzz`. */
export function fuzzGenerators(extensions: readonly Extension[]): NamedFuzz[] {
  const out: NamedFuzz[] = [...CORE_FUZZ];
  for (const ext of resolveExtensions(extensions)) {
    for (const s of ext.steps ?? []) if (s.fuzz) out.push({ name: s.op, ...s.fuzz });
  }
  return out;
}

export const totalWeight = (gens: readonly NamedFuzz[]) => gens.reduce((n, g) => n + (g.weight ?? 1), 0);

/** The generator a template's `g` selects: by cumulative weight, `g` modulo the total. */
export function generatorOf(gens: readonly NamedFuzz[], g: number): NamedFuzz {
  let at = Math.abs(Math.trunc(g)) % totalWeight(gens);
  for (const gen of gens) {
    at -= gen.weight ?? 1;
    if (at < 0) return gen;
  }
  return gens[0]!;
}

export interface RealiseOptions {
  name: string;
  profile: KernelId;
  /** Every extension the case may use (their steps' generators join the core's). */
  extensions: readonly Extension[];
  pins?: string;
  /** End with an enter, a reap and an observe of every live ring (default true). */
  epilogue?: boolean;
}

/** A scenario document, as the JSON files hold it. */
export interface ScenarioDoc {
  name: string;
  pins: string;
  description?: string;
  requires?: ('tcp' | 'root' | 'nvme')[];
  steps: Record<string, unknown>[];
}

export interface Realised {
  doc: ScenarioDoc;
  /** For each step, the template it came from. */
  origin: number[];
  /** Steps a generator made that did not compile or that the harness refused: generator bugs. */
  rejected: string[];
  /** The model threw while running a step (kept as the last step: the judge reports it). */
  modelFailed?: string;
}

/** Harness refusals of the model executor (a generator's mistake, not the model's). */
const HARNESS = /SQ of ring .* is full|128-byte SQE cannot start|^no region|^no fd|was not set up|past the end of region/;

class Env implements FuzzEnv {
  readonly rings: FuzzRing[] = [];
  readonly fds: FuzzFd[] = [];
  readonly regions: FuzzRegion[] = [];
  readonly requires = new Set<'tcp' | 'root' | 'nvme'>();
  boundWait = false;
  private readonly counters = new Map<string, number>();
  private readonly scratches = new Map<string, unknown>();
  private ud = 0;
  private readonly ringFlags = new Map<string, number>();
  private readonly fdKinds = new Map<string, FuzzFdKind>();
  private readonly closed = new Set<string>();

  constructor(readonly profile: KernelId, private readonly ex: ModelExecutor) {}

  /** Keeps the names that a step defines. */
  note(step: Record<string, unknown>): void {
    const t = (k: string) => String(step[k]);
    switch (step.op) {
      case 'setup': this.ringFlags.set(t('ring'), typeof step.flags === 'number' ? step.flags : flagBits(step.flags)); break;
      case 'pipe': this.fdKinds.set(t('read'), 'pipe-r'); this.fdKinds.set(t('write'), 'pipe-w'); break;
      case 'socketpair': {
        // A UDP pair is a connected socket like an AF_UNIX one to the generators.
        const kind = step.kind === 'tcp' ? 'tcp' : 'unix';
        this.fdKinds.set(t('a'), kind);
        this.fdKinds.set(t('b'), kind);
        break;
      }
      case 'tmpfile': this.fdKinds.set(t('name'), 'file'); break;
      case 'eventfd': this.fdKinds.set(t('name'), 'eventfd'); break;
      case 'region': this.regions.push({ name: t('name'), size: Number(step.size) }); break;
      case 'close': this.closed.add(t('fd')); break;
    }
  }

  /** Refreshes the rings' and fds' views from the live model. */
  refresh(): void {
    this.rings.length = 0;
    for (const [name, flags] of this.ringFlags) this.rings.push(this.ringView(name, flags));
    this.fds.length = 0;
    for (const [name, kind] of this.fdKinds) this.fds.push(this.fdView(name, kind));
  }

  private ringView(name: string, flags: number): FuzzRing {
    let u;
    try {
      u = this.closed.has(name) ? undefined : this.ex.ringUser(name);
    } catch {
      u = undefined;
    }
    if (!u) return { name, flags, live: false, sqEntries: 0, cqEntries: 0, pending: 0, sqFree: 0, cqReady: 0, backlog: 0, inflight: 0 };
    const ctx = u.ctx;
    const pending = ctx.flags & S.SQ_REWIND ? u.sqeTail : (u.sqeTail - ctx.sqHead) >>> 0;
    const cqReady = ((ctx.cqTail - ctx.cqHead) >>> 0) + ctx.overflow.length;
    // A ring still R_DISABLED takes no submission: SQEs written to it now would be submitted
    // unwaited once it is enabled (an io-wq FSYNC racing the runner, fuzz-207632085-5375), so it
    // has no room until ENABLE_RINGS.
    const sqFree = ctx.disabled ? 0 : Math.max(0, ctx.sqEntries - pending);
    return { name, flags, live: true, sqEntries: ctx.sqEntries, cqEntries: ctx.cqEntries, pending, sqFree, cqReady, backlog: ctx.overflow.length, inflight: ctx.inflight };
  }

  private fdView(name: string, kind: FuzzFdKind): FuzzFd {
    const open = !this.closed.has(name);
    let f: StreamEnd | undefined;
    try {
      f = open ? (this.ex.kernel.fget(this.ex.fdOf(name)) as StreamEnd | undefined) : undefined;
    } catch {
      f = undefined;
    }
    const stream = kind !== 'file' && kind !== 'eventfd';
    const readable = !!f && (!stream || f.readable());
    // A UDP receive queue stays well inside what the model keeps (UDP_MODELLED_QUEUE).
    const udpFits = (len: number) => f!.tx!.count < UDP_MODELLED_QUEUE.datagrams / 2 && f!.tx!.size + len <= UDP_MODELLED_QUEUE.bytes / 2;
    const fits = (len: number) => !f ? false : !stream ? true : f.kind === 'udp' ? udpFits(len) : f.tx ? f.tx.readerClosed || f.tx.fits(len) : len === 0;
    // A UDP socket's peer is gone only as far as its port is closed (nothing is mirrored).
    const udpPeerGone = !!f && f.kind === 'udp' && !!f.peer?.released;
    const peerClosed = !!f && (kind === 'tcp' || kind === 'unix' || kind === 'pipe-w') && (!!f.tx?.readerClosed || !!f.rx?.writerClosed || udpPeerGone);
    const fs = (f as unknown) instanceof RegularFile ? (f as unknown as RegularFile).fs : undefined;
    return { name, kind, open: open && !!f, readable, peerClosed, writable: fits, ...(f?.kind === 'udp' ? { udp: true } : {}), ...(fs ? { fs } : {}) };
  }

  liveRings(): FuzzRing[] {
    return this.rings.filter((r) => r.live);
  }

  openFds(kinds?: readonly FuzzFdKind[]): FuzzFd[] {
    return this.fds.filter((f) => f.open && (!kinds || kinds.includes(f.kind)));
  }

  fresh(prefix: string): string {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return `${prefix}${n}`;
  }

  userData(): number {
    return ++this.ud;
  }

  region(size: number): { name: string; steps: Record<string, unknown>[] } {
    const have = this.regions.find((r) => r.size >= size);
    if (have) return { name: have.name, steps: [] };
    const name = this.fresh('m');
    // Filled, so that what a WRITE or SEND moves is not all zeroes.
    return { name, steps: [{ op: 'region', name, size: pageAlign(Math.max(size, 4096)), fill: this.regions.length * 37 + 1 }] };
  }

  rcuPending(): number {
    return this.ex.kernel.sched.pendingRcuCallbacks;
  }

  scratch<T>(key: string, init: () => T): T {
    if (!this.scratches.has(key)) this.scratches.set(key, init());
    return this.scratches.get(key) as T;
  }

  require(what: 'tcp' | 'root' | 'nvme'): void {
    this.requires.add(what);
  }
}

function flagBits(v: unknown): number {
  if (!Array.isArray(v)) return 0;
  return v.reduce((n: number, f: unknown) => n | ((S as Record<string, number>)[String(f)] ?? 0), 0) >>> 0;
}

interface Pass extends Realised {
  /** Templates whose wait blocked in the model until the watchdog. */
  blocked: number[];
}

/**
 * 6.18 livelocks in io_cqring_wait() when a CQE_MIXED ring's overflow backlog holds a 32-byte CQE
 * that does not fit and the wait asks for more CQEs than the ring shows: the task spins in the
 * kernel, deaf to SIGKILL, until someone frees CQ slots (fuzz-21-2030 held a host core for 20
 * minutes). No watchdog can stop that, and which waits are safe depends on CQ timing, so on such
 * a kernel generated NOPs on CQE_MIXED rings post 16-byte CQEs only (exclusion cqe-mixed-big).
 */
function unhang(raw: Record<string, unknown>, env: Env, profile: KernelId): void {
  if (raw.op !== 'sqe' || !avoids('cqe-mixed-big', profile)) return;
  const sqe = raw.sqe as Record<string, unknown> | undefined;
  if (!sqe || (sqe.opcode !== 'NOP' && sqe.opcode !== 'NOP128') || !(Number(sqe.op_flags ?? 0) & IORING_NOP.CQE32)) return;
  const ring = env.rings.find((r) => r.name === raw.ring);
  if (!ring || !(ring.flags & S.CQE_MIXED)) return;
  const rest = Number(sqe.op_flags) & ~IORING_NOP.CQE32;
  if (rest) sqe.op_flags = rest;
  else delete sqe.op_flags;
}

function realiseOnce(templates: readonly FuzzTemplate[], o: RealiseOptions, gens: readonly NamedFuzz[], bound: ReadonlySet<number>): Pass {
  const ex = new ModelExecutor({ profile: o.profile, extensions: o.extensions });
  const sc = stepCompiler(o.name, o.extensions);
  const env = new Env(o.profile, ex);
  const steps: Record<string, unknown>[] = [];
  const origin: number[] = [];
  const rejected: string[] = [];
  const blocked: number[] = [];
  let modelFailed: string | undefined;
  // The epilogue (template -1): submit what is left, then reap and observe every live ring, so
  // each case ends by showing its CQEs and ring state.
  const epilogue = (): Record<string, unknown>[] =>
    env.liveRings().flatMap((r) => [
      { op: 'enter', ring: r.name, to_submit: r.pending, min_complete: 0, flags: ['GETEVENTS'] },
      { op: 'reap', ring: r.name, max: 0 },
      { op: 'observe', ring: r.name },
    ]);
  for (let t = 0; t <= templates.length && modelFailed === undefined; t++) {
    env.refresh();
    env.boundWait = bound.has(t);
    let made: Record<string, unknown>[] | undefined;
    let genName = 'epilogue';
    if (t === templates.length) {
      if (o.epilogue === false) break;
      made = epilogue();
    } else {
      const tpl = templates[t]!;
      const gen = generatorOf(gens, tpl.g);
      genName = gen.name;
      try {
        made = gen.generate(new Choices(tpl.c), env);
      } catch (e) {
        rejected.push(`${gen.name}: generator threw: ${(e as Error).message}`);
        continue;
      }
    }
    for (const raw of made ?? []) {
      unhang(raw, env, o.profile);
      const i = steps.length;
      let ops;
      try {
        ops = sc.compile(sc.parse(raw, i), i);
      } catch (e) {
        rejected.push(`${genName}: ${(e as Error).message}`);
        break;
      }
      const before = ex.kernel.sched.now;
      let failed: string | undefined;
      for (const { op } of ops) {
        try {
          ex.exec(op);
          ex.kernel.settle();
        } catch (e) {
          failed = isUringError(e) ? e.message : String((e as Error)?.stack ?? e);
          break;
        }
      }
      if (failed !== undefined && HARNESS.test(failed.replace(/^[^:]*: /, ''))) {
        rejected.push(`${genName}: ${failed}`);
        break;
      }
      steps.push(raw);
      origin.push(t === templates.length ? -1 : t);
      env.note(raw);
      if (failed !== undefined) {
        modelFailed = failed;
        break;
      }
      if (raw.op === 'enter' && ex.kernel.sched.now - before >= WATCHDOG_NS) blocked.push(t);
      env.refresh();
    }
  }
  // A scenario has at least one step; a case whose templates made none maps a page.
  if (!steps.length) {
    steps.push({ op: 'region', name: 'm0', size: 4096 });
    origin.push(-1);
  }
  const doc: ScenarioDoc = {
    name: o.name,
    pins: o.pins ?? 'a generated case of the differential fuzzer (pnpm testbed --fuzz)',
    ...(env.requires.size ? { requires: [...env.requires].sort() } : {}),
    steps,
  };
  return { doc, origin, rejected, blocked, ...(modelFailed === undefined ? {} : { modelFailed }) };
}

/**
 * Realises a case. A template whose wait blocked in the model is realised again as a bounded
 * wait (a few rounds: bounding one wait can change what a later one sees).
 */
export function realise(templates: readonly FuzzTemplate[], o: RealiseOptions): Realised {
  const gens = fuzzGenerators(o.extensions);
  const bound = new Set<number>();
  let r = realiseOnce(templates, o, gens, bound);
  for (let round = 0; round < 4 && r.blocked.some((t) => !bound.has(t)); round++) {
    for (const t of r.blocked) bound.add(t);
    r = realiseOnce(templates, o, gens, bound);
  }
  const { blocked: _b, ...out } = r;
  return out;
}
