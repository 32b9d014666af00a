// What compiling a scenario keeps track of: names of regions, fds and rings (each defined once,
// within the runner's limits), each ring's setup flags (SQE size), the step being compiled (so
// every error names it), and the encoding of structs whose pointer and fd fields become fixups.

import { UringError, isUringError } from '../errors.js';
import { encodeInto, field, type StructDef } from '../uapi/layout.js';
import { structByName } from '../uapi/structs.js';
import { flagNames } from '../uapi/constants.js';
import { lookup } from '../args.js';
import { NAME_RE, RUNNER_LIMITS } from './limits.js';
import type { Fixup, ProgramOp } from './program.js';

export type FieldInput = number | string | { region: string; offset?: number } | readonly (number | string)[];

type Namespace = 'region' | 'fd';

/** Regions by name (value: size). Defining a name twice, or one too many, fails the step. */
class RegionTable extends Map<string, number> {
  constructor(private readonly cc: CompileContext) {
    super();
  }
  override set(name: string, size: number): this {
    this.cc.define('region', name);
    return super.set(name, size);
  }
}

/** Fd names; they share one namespace and one limit with rings. */
class FdTable extends Set<string> {
  constructor(private readonly cc: CompileContext) {
    super();
  }
  override add(name: string): this {
    this.cc.define('fd', name);
    return super.add(name);
  }
}

class RingTable extends Map<string, { flags: number }> {
  constructor(private readonly cc: CompileContext) {
    super();
  }
  override set(name: string, v: { flags: number }): this {
    this.cc.define('fd', name);
    return super.set(name, v);
  }
}

export class CompileContext {
  readonly regions: Map<string, number> = new RegionTable(this);
  readonly fds: Set<string> = new FdTable(this);
  readonly rings: Map<string, { flags: number }> = new RingTable(this);
  /** Regions a `munmap` step took away: their bytes can no longer be written or read back. */
  readonly unmapped = new Set<string>();
  /** Where each name was defined, for the message when it is defined again. */
  private readonly origin = new Map<string, string>();
  private handles = 0;
  private anon = 0;
  private temp = false;
  /** The step being compiled (index and op); -1 before the first. */
  step = -1;
  stepOp = '';

  constructor(readonly scenario: string) {}

  /** "step 3 (sqe)", or "" before the steps. */
  where(): string {
    return this.step < 0 ? '' : `step ${this.step} (${this.stepOp})`;
  }

  fail(message: string): never {
    const at = this.where();
    throw new UringError('SCENARIO_INVALID', `${this.scenario}: ${at ? `${at}: ` : ''}${message}`);
  }

  /** Records a new name in its namespace; the runner rejects a name defined twice or past its tables. */
  define(ns: Namespace, name: string): void {
    const what = ns === 'region' ? 'region' : 'fd or ring';
    if (typeof name !== 'string' || !NAME_RE.test(name)) this.fail(`${what} name ${JSON.stringify(name)} must use letters, digits, _ . -`);
    if (name.length > RUNNER_LIMITS.nameLength) this.fail(`${what} name ${name} is longer than the runner's ${RUNNER_LIMITS.nameLength} characters`);
    const key = `${ns}:${name}`;
    const prev = this.origin.get(key);
    if (prev !== undefined) this.fail(`${what} ${name} is already defined (by ${prev}); each name is defined once per scenario`);
    if (ns === 'region' && this.regions.size >= RUNNER_LIMITS.regions) {
      this.fail(`more than ${RUNNER_LIMITS.regions} regions (the runner's limit; the compiler's own regions for setup params and register arguments count too)`);
    }
    if (ns === 'fd' && this.handles >= RUNNER_LIMITS.handles) this.fail(`more than ${RUNNER_LIMITS.handles} fds and rings (the runner's limit; a pipe or socket pair takes two)`);
    if (ns === 'fd') this.handles++;
    const here = this.where() || 'the scenario';
    this.origin.set(key, this.temp ? `the compiler, for ${here}` : here);
  }

  /** A fresh region name for compiler-made memory (params, register arguments), never one in use. */
  tempRegion(prefix: string, size: number, out: ProgramOp[]): string {
    let n: string;
    do n = `_${prefix}${this.anon++}`;
    while (this.regions.has(n));
    this.temp = true;
    try {
      this.regions.set(n, size);
    } finally {
      this.temp = false;
    }
    out.push({ op: 'region', name: n, size });
    return n;
  }

  ring(name: string): { flags: number } {
    const r = this.rings.get(name);
    if (!r) this.fail(`ring ${name} is used before a setup step creates it`);
    return r;
  }

  requireRegion(name: string): void {
    if (!this.regions.has(name)) this.fail(`region ${name} is used before a region step maps it`);
  }

  requireFd(name: string): void {
    if (!this.fds.has(name) && !this.rings.has(name)) this.fail(`fd ${name} is used before it is created`);
  }

  /** Flag input: a number, or names from a table (`["IO_LINK", "ASYNC"]`); only the table's own names count. */
  flags(table: Readonly<Record<string, number>>, v: number | readonly string[] | undefined, what: string): number {
    if (v === undefined) return 0;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0 || v > 0xffffffff) this.fail(`${what} flags ${v} is not a u32`);
      return v >>> 0;
    }
    let out = 0;
    for (const n of v) {
      const bit = typeof n === 'string' ? lookup(table, n) : undefined;
      if (typeof bit !== 'number') this.fail(`unknown ${what} flag ${JSON.stringify(n)}; known: ${Object.keys(table).join(', ')}`);
      out |= bit;
    }
    return out >>> 0;
  }

  /**
   * Encodes a struct: numbers and numeric strings are stored as they are (each checked against
   * its field's C type), `{region, offset}` becomes an address fixup, and a bare name of an fd or
   * ring becomes an fd fixup.
   */
  encodeFields(def: StructDef, values: Record<string, FieldInput>, into: Uint8Array, base = 0): Fixup[] {
    const dv = new DataView(into.buffer, into.byteOffset, into.byteLength);
    const fixups: Fixup[] = [];
    for (const [k, v] of Object.entries(values)) {
      let f;
      try {
        f = field(def, k);
      } catch {
        this.fail(`${def.name} has no field ${k}; fields: ${def.fields.map((x) => x.name).join(', ')}`);
      }
      const at = base + f.offset;
      try {
        if (typeof v === 'object' && !Array.isArray(v) && v !== null) {
          const p = v as { region: string; offset?: number };
          this.requireRegion(p.region);
          if (f.type !== 'u64') this.fail(`${def.name}.${k} is not a pointer field`);
          fixups.push({ at, kind: 'a', region: p.region, add: p.offset ?? 0 });
        } else if (typeof v === 'string' && !/^(0x[0-9a-fA-F]+|-?\d+)$/.test(v)) {
          this.requireFd(v);
          if (f.type !== 's32' && f.type !== 'u32') this.fail(`${def.name}.${k} cannot hold an fd`);
          fixups.push({ at, kind: 'f', fd: v });
        } else if (Array.isArray(v)) {
          encodeInto(def, dv, base, { [k]: v.map((x) => this.integer(def, k, x)) });
        } else {
          encodeInto(def, dv, base, { [k]: this.integer(def, k, v) });
        }
      } catch (e) {
        if (isUringError(e) && e.code === 'SCENARIO_INVALID') throw e;
        this.fail(isUringError(e) ? e.message.replace(/^[A-Z_]+: /, '') : String(e));
      }
    }
    return fixups;
  }

  private integer(def: StructDef, k: string, v: unknown): bigint {
    if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^(0x[0-9a-fA-F]+|-?\d+)$/.test(v)) return BigInt(v);
    return this.fail(`${def.name}.${k} needs an integer (a string for values past 2^53), got ${JSON.stringify(v)}`);
  }

  struct(name: string): StructDef {
    const s = typeof name === 'string' ? structByName(name) : undefined;
    if (!s) this.fail(`unknown struct ${JSON.stringify(name)}`);
    return s;
  }

  describeFlags(table: Readonly<Record<string, number>>, v: number): string {
    return flagNames(table, v).join('|') || '0';
  }
}
