// What compiling a scenario keeps track of: names of regions, fds and rings, each ring's setup
// flags (SQE size), and the encoding of structs whose pointer and fd fields become fixups.

import { UringError } from '../errors.js';
import { encodeInto, field, type StructDef } from '../uapi/layout.js';
import { structByName } from '../uapi/structs.js';
import { flagNames } from '../uapi/constants.js';
import type { Fixup, ProgramOp } from './program.js';

export type FieldInput = number | string | { region: string; offset?: number } | readonly (number | string)[];

export class CompileContext {
  readonly regions = new Map<string, number>();
  readonly fds = new Set<string>();
  readonly rings = new Map<string, { flags: number }>();
  private anon = 0;

  constructor(readonly scenario: string) {}

  fail(message: string): never {
    throw new UringError('SCENARIO_INVALID', `${this.scenario}: ${message}`);
  }

  /** A fresh region name for compiler-made memory (params, register arguments). */
  tempRegion(prefix: string, size: number, out: ProgramOp[]): string {
    const n = `_${prefix}${this.anon++}`;
    this.regions.set(n, size);
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

  /** Flag input: a number, or names from a table (`["IO_LINK", "ASYNC"]`). */
  flags(table: Readonly<Record<string, number>>, v: number | readonly string[] | undefined, what: string): number {
    if (v === undefined) return 0;
    if (typeof v === 'number') return v >>> 0;
    let out = 0;
    for (const n of v) {
      const bit = table[n];
      if (bit === undefined) this.fail(`unknown ${what} flag ${n}; known: ${Object.keys(table).join(', ')}`);
      out |= bit;
    }
    return out >>> 0;
  }

  /**
   * Encodes a struct: numbers and numeric strings are stored as they are, `{region, offset}`
   * becomes an address fixup, and a bare name of an fd or ring becomes an fd fixup.
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
        encodeInto(def, dv, base, { [k]: v.map((x) => BigInt(x)) });
      } else {
        encodeInto(def, dv, base, { [k]: BigInt(v as number | string) });
      }
    }
    return fixups;
  }

  struct(name: string): StructDef {
    const s = structByName(name);
    if (!s) this.fail(`unknown struct ${name}`);
    return s;
  }

  describeFlags(table: Readonly<Record<string, number>>, v: number): string {
    return flagNames(table, v).join('|') || '0';
  }
}
