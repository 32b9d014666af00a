// The extension host: checks that a set of extensions composes (one core copy, dependencies
// present, nothing registered twice) and builds one kernel's tables from the core's entries
// and theirs. Every conflict is a typed error naming both owners; nothing is last-writer-wins.

import { UringError } from '../errors.js';
import { CORE_COPY, THIS_CORE } from '../version.js';
import { buildOpTable, isModelled, type OpDef } from '../core/opdef.js';
import type { RingCtx } from '../core/ctx.js';
import type { Req } from '../core/req.js';
import type { MappedRegion } from '../core/memmap.js';
import type { HookBus } from '../core/host.js';
import type { BufferProvider, Extension, ExtensionHooks, FixedBufferImporter, RegisterOpDef, StepDef } from './types.js';

/** The owner name the core's own entries carry. */
export const CORE_OWNER = '@uringlab/ring';

function describe(x: unknown): string {
  if (x && typeof x === 'object' && 'name' in x) return String((x as { name: unknown }).name);
  return typeof x;
}

/** Throws unless `ext` was made by defineExtension() of this very copy of the core. */
export function checkStamp(ext: Extension): void {
  const stamp = (ext as Partial<Extension> | null)?.core;
  if (!stamp || typeof stamp.copy !== 'symbol') {
    throw new UringError('EXTENSION_INVALID', `${describe(ext)} is not an extension: build it with defineExtension() from @uringlab/ring/extend`);
  }
  if (stamp.copy !== CORE_COPY) {
    throw new UringError(
      'DUPLICATE_CORE',
      `extension ${ext.name} was defined against @uringlab/ring ${stamp.version} (${stamp.url}), but this kernel is ` +
        `@uringlab/ring ${THIS_CORE.version} (${THIS_CORE.url}): two copies of the core are installed. ` +
        'Make every package share one (npm dedupe, or align the @uringlab/ring versions your packages accept).',
    );
  }
}

/**
 * Validates a list of extensions and orders it so each comes after what it requires. The same
 * object twice counts once; two different objects with one name are a conflict.
 */
export function resolveExtensions(list: readonly Extension[], coreSteps: readonly string[] = []): Extension[] {
  const byName = new Map<string, Extension>();
  for (const ext of list) {
    checkStamp(ext);
    const seen = byName.get(ext.name);
    if (seen && seen !== ext) {
      throw new UringError('EXTENSION_CONFLICT', `two different instances of ${ext.name} are loaded; load one (pass its options once)`);
    }
    byName.set(ext.name, ext);
  }
  const out: Extension[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (ext: Extension, from: string | undefined): void => {
    const st = state.get(ext.name);
    if (st === 'done') return;
    if (st === 'visiting') throw new UringError('EXTENSION_CONFLICT', `${ext.name} and ${from} require each other`);
    state.set(ext.name, 'visiting');
    for (const dep of ext.requires ?? []) {
      if (dep === CORE_OWNER) continue;
      const d = byName.get(dep);
      if (!d) throw new UringError('EXTENSION_MISSING', `${ext.name} requires ${dep}, which is not loaded; load it too`);
      visit(d, ext.name);
    }
    state.set(ext.name, 'done');
    out.push(ext);
  };
  for (const ext of byName.values()) visit(ext, undefined);
  // Steps are checked here too: scenarios are compiled without a kernel.
  const stepOwner = new Map<string, string>(coreSteps.map((s) => [s, CORE_OWNER]));
  for (const ext of out) {
    for (const s of ext.steps ?? []) {
      const prev = stepOwner.get(s.op);
      if (prev) throw new UringError('EXTENSION_CONFLICT', `scenario step "${s.op}" is defined by ${prev} and again by ${ext.name}`);
      stepOwner.set(s.op, ext.name);
    }
  }
  return out;
}

/** Step definitions of a resolved extension list, by `op`. */
export function stepTable(exts: readonly Extension[]): Map<string, StepDef> {
  const m = new Map<string, StepDef>();
  for (const e of exts) for (const s of e.steps ?? []) m.set(s.op, s);
  return m;
}

type Owned<T> = { value: T; owner: string };

/** One kernel's tables: opcodes, register opcodes, importers and hooks, with their owners. */
export class Registry implements HookBus {
  private readonly ops: OpDef[];
  /** The live opcode table (entries are replaced in place as extensions attach). */
  get table(): readonly OpDef[] {
    return this.ops;
  }
  private readonly opOwner: string[];
  private readonly registerOps = new Map<number, Owned<RegisterOpDef>>();
  private provided: Owned<BufferProvider> | undefined;
  private fixed: Owned<FixedBufferImporter> | undefined;
  private readonly hookList: ExtensionHooks[] = [];
  // Flat lists per hook, so the hot paths loop over exactly the extensions that care.
  private cqCommitFns: ((ctx: RingCtx) => void)[] = [];
  private localWorkFns: ((ctx: RingCtx, twqFlags: number) => void)[] = [];
  private reqFreeFns: ((req: Req) => void)[] = [];

  constructor(coreOps: readonly OpDef[], coreRegisterOps: readonly RegisterOpDef[]) {
    this.ops = buildOpTable(coreOps);
    this.opOwner = this.ops.map((d) => (isModelled(d) ? CORE_OWNER : ''));
    for (const r of coreRegisterOps) this.registerOps.set(r.opcode, { value: r, owner: CORE_OWNER });
  }

  addOp(op: OpDef, owner: string): void {
    const prev = this.opOwner[op.opcode];
    if (prev) throw new UringError('EXTENSION_CONFLICT', `IORING_OP_${op.name} is implemented by ${prev} and again by ${owner}`);
    this.ops[op.opcode] = op;
    this.opOwner[op.opcode] = owner;
  }

  addRegisterOp(op: RegisterOpDef, owner: string): void {
    const prev = this.registerOps.get(op.opcode);
    if (prev) throw new UringError('EXTENSION_CONFLICT', `register opcode ${op.name} (${op.opcode}) is implemented by ${prev.owner} and again by ${owner}`);
    this.registerOps.set(op.opcode, { value: op, owner });
  }

  setProvidedBuffers(p: BufferProvider, owner: string): void {
    if (this.provided) throw new UringError('EXTENSION_CONFLICT', `the provided-buffer importer comes from ${this.provided.owner} and again from ${owner}`);
    this.provided = { value: p, owner };
  }

  setFixedBuffers(f: FixedBufferImporter, owner: string): void {
    if (this.fixed) throw new UringError('EXTENSION_CONFLICT', `the registered-buffer importer comes from ${this.fixed.owner} and again from ${owner}`);
    this.fixed = { value: f, owner };
  }

  addHooks(h: ExtensionHooks): void {
    this.hookList.push(h);
    if (h.cqCommit) this.cqCommitFns = [...this.cqCommitFns, h.cqCommit.bind(h)];
    if (h.localWorkQueued) this.localWorkFns = [...this.localWorkFns, h.localWorkQueued.bind(h)];
    if (h.reqFree) this.reqFreeFns = [...this.reqFreeFns, h.reqFree.bind(h)];
  }

  opdef(opcode: number): OpDef {
    return this.ops[opcode]!;
  }

  opTable(): readonly OpDef[] {
    return this.ops;
  }

  /** Who implements an opcode ('' when nobody models it). */
  opOwnerOf(opcode: number): string {
    return this.opOwner[opcode] ?? '';
  }

  registerOp(opcode: number): RegisterOpDef | undefined {
    return this.registerOps.get(opcode)?.value;
  }

  get providedBuffers(): BufferProvider | undefined {
    return this.provided?.value;
  }

  get fixedBuffers(): FixedBufferImporter | undefined {
    return this.fixed?.value;
  }

  // ---- HookBus ----

  cqCommit(ctx: RingCtx): void {
    const fns = this.cqCommitFns;
    for (let i = 0; i < fns.length; i++) fns[i]!(ctx);
  }

  localWorkQueued(ctx: RingCtx, twqFlags: number): void {
    const fns = this.localWorkFns;
    for (let i = 0; i < fns.length; i++) fns[i]!(ctx, twqFlags);
  }

  reqFree(req: Req): void {
    const fns = this.reqFreeFns;
    for (let i = 0; i < fns.length; i++) fns[i]!(req);
  }

  ringCreated(ctx: RingCtx): void {
    for (const h of this.hookList) h.ringCreated?.(ctx);
  }

  ringCancel(ctx: RingCtx): void {
    for (const h of this.hookList) h.ringExit?.cancel?.(ctx);
  }

  ringFree(ctx: RingCtx): void {
    for (const h of this.hookList) h.ringExit?.free?.(ctx);
  }

  mmapRegion(ctx: RingCtx, offset: number): MappedRegion | null | undefined {
    for (const h of this.hookList) {
      const m = h.mmapRegion?.(ctx, offset);
      if (m !== undefined) return m;
    }
    return undefined;
  }
}
