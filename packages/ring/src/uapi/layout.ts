// Byte-exact struct layouts as data. Every UAPI struct the models use is described once here
// (name, size, field offsets and widths); the codecs below read and write them through a
// DataView, and the testbed compiles the same descriptors into a C program that prints
// sizeof/offsetof from the kernel's own headers, so a wrong offset cannot hide.

import { UringError } from '../errors.js';
import { describeValue } from '../args.js';

export type FieldType = 'u8' | 'u16' | 'u32' | 'u64' | 's32' | 's64';

export interface FieldDef {
  /** Name used by the codecs (snake_case, as in the C header). */
  readonly name: string;
  readonly offset: number;
  readonly type: FieldType;
  /** Array length for fields such as `resv[3]`; absent for scalars. */
  readonly count?: number;
  /** C member designator when it differs from `name` (e.g. `sq_off.head`). */
  readonly c?: string;
  /** Not checked against C headers (a member the installed headers do not have yet). */
  readonly noC?: boolean;
  /** Another name for bytes a canonical field already covers (a C union member). */
  readonly alias?: boolean;
}

export interface StructDef {
  readonly name: string;
  /** C type name, e.g. `struct io_uring_sqe`. */
  readonly c: string;
  readonly size: number;
  readonly fields: readonly FieldDef[];
  /** Not checked against C headers (the struct is kernel-internal or newer than the headers). */
  readonly noC?: boolean;
}

const WIDTH: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, u64: 8, s32: 4, s64: 8 };

export function fieldWidth(f: FieldDef): number {
  return WIDTH[f.type] * (f.count ?? 1);
}

/** Declares a struct and checks that its fields fit and do not overlap. */
export function defineStruct(def: StructDef): StructDef {
  let end = 0;
  const sorted = [...def.fields].sort((a, b) => a.offset - b.offset);
  for (const f of sorted) {
    if (f.offset % WIDTH[f.type] !== 0) throw new UringError('EINVAL', `${def.name}.${f.name} is misaligned`);
    if (f.alias) {
      if (f.offset + fieldWidth(f) > def.size) throw new UringError('EINVAL', `${def.name}.${f.name} ends past the struct`);
      continue;
    }
    if (f.offset < end) throw new UringError('EINVAL', `${def.name}.${f.name} overlaps the previous field`);
    end = f.offset + fieldWidth(f);
  }
  if (end > def.size) throw new UringError('EINVAL', `${def.name}: fields end at ${end}, past size ${def.size}`);
  return Object.freeze({ ...def, fields: Object.freeze([...def.fields]) });
}

export function field(def: StructDef, name: string): FieldDef {
  const f = def.fields.find((x) => x.name === name);
  if (!f) throw new UringError('EINVAL', `${def.name} has no field ${String(name)}; fields: ${def.fields.map((x) => x.name).join(', ')}`);
  return f;
}

const SIGNED: Partial<Record<FieldType, true>> = { s32: true, s64: true };

/**
 * The values a field accepts: a signed field its C range; an unsigned one [0, 2^w) and also
 * negatives down to -2^(w-1), stored as two's complement (`-1` for "all ones" is common).
 */
export function fieldRange(type: FieldType): { min: bigint; max: bigint } {
  const bits = BigInt(WIDTH[type] * 8);
  const half = 1n << (bits - 1n);
  return { min: -half, max: SIGNED[type] ? half - 1n : (1n << bits) - 1n };
}

/** A field value as a bigint, or a typed EINVAL naming the field (1.5, NaN, 2^64, a string...). */
export function fieldValue(def: StructDef, f: FieldDef, v: unknown): bigint {
  const what = `${def.name}.${f.name}`;
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else throw new UringError('EINVAL', `${what} needs an integer (a bigint past 2^53), got ${describeValue(v)}`);
  const r = fieldRange(f.type);
  if (b < r.min || b > r.max) throw new UringError('EINVAL', `${what} is a ${f.type}: ${b} is out of range ${r.min}..${r.max}`);
  return b;
}

export function offsetOf(def: StructDef, name: string): number {
  return field(def, name).offset;
}

export type FieldValue = number | bigint | readonly (number | bigint)[];
export type StructValues = Record<string, FieldValue>;
export type DecodedStruct = Record<string, number | bigint | (number | bigint)[]>;

/** Stores a value already range-checked by fieldValue(). */
function writeScalar(dv: DataView, at: number, type: FieldType, v: bigint): void {
  switch (type) {
    case 'u8': dv.setUint8(at, Number(BigInt.asUintN(8, v))); break;
    case 'u16': dv.setUint16(at, Number(BigInt.asUintN(16, v)), true); break;
    case 'u32': dv.setUint32(at, Number(BigInt.asUintN(32, v)), true); break;
    case 's32': dv.setInt32(at, Number(BigInt.asIntN(32, v)), true); break;
    case 'u64': dv.setBigUint64(at, BigInt.asUintN(64, v), true); break;
    case 's64': dv.setBigInt64(at, BigInt.asIntN(64, v), true); break;
  }
}

function readScalar(dv: DataView, at: number, type: FieldType): number | bigint {
  switch (type) {
    case 'u8': return dv.getUint8(at);
    case 'u16': return dv.getUint16(at, true);
    case 'u32': return dv.getUint32(at, true);
    case 's32': return dv.getInt32(at, true);
    case 'u64': return dv.getBigUint64(at, true);
    case 's64': return dv.getBigInt64(at, true);
  }
}

/**
 * Writes `values` into `target` at `base` (fields not named are left as they are).
 * Unknown field names throw: a typo must not silently encode zero.
 */
export function encodeInto(def: StructDef, target: DataView, base: number, values: StructValues): void {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new UringError('EINVAL', `${def.name}: field values must be an object, got ${describeValue(values)}`);
  }
  if (!Number.isSafeInteger(base) || base < 0 || base + def.size > target.byteLength) {
    throw new UringError('EINVAL', `${def.name} (${def.size} bytes) does not fit at ${describeValue(base)} in ${target.byteLength} bytes`);
  }
  for (const [name, v] of Object.entries(values)) {
    const f = field(def, name);
    const w = WIDTH[f.type];
    if (f.count !== undefined) {
      const arr: readonly unknown[] = Array.isArray(v) ? v : [v];
      if (arr.length > f.count) throw new UringError('EINVAL', `${def.name}.${name} holds ${f.count} elements, got ${arr.length}`);
      const vals = arr.map((x) => fieldValue(def, f, x));
      vals.forEach((x, i) => writeScalar(target, base + f.offset + i * w, f.type, x));
    } else {
      if (Array.isArray(v)) throw new UringError('EINVAL', `${def.name}.${name} is a scalar, got an array`);
      writeScalar(target, base + f.offset, f.type, fieldValue(def, f, v));
    }
  }
}

/** Encodes a fresh zeroed struct. */
export function encode(def: StructDef, values: StructValues = {}): Uint8Array {
  const bytes = new Uint8Array(def.size);
  encodeInto(def, new DataView(bytes.buffer), 0, values);
  return bytes;
}

export function decodeFrom(def: StructDef, source: DataView, base: number): DecodedStruct {
  const out: DecodedStruct = {};
  for (const f of def.fields) {
    if (f.alias) continue;
    if (f.count !== undefined) {
      const arr: (number | bigint)[] = [];
      for (let i = 0; i < f.count; i++) arr.push(readScalar(source, base + f.offset + i * WIDTH[f.type], f.type));
      out[f.name] = arr;
    } else {
      out[f.name] = readScalar(source, base + f.offset, f.type);
    }
  }
  return out;
}

export function decode(def: StructDef, bytes: Uint8Array): DecodedStruct {
  if (!(bytes instanceof Uint8Array)) throw new UringError('EINVAL', `${def.name}: decode needs a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.byteLength < def.size) throw new UringError('EINVAL', `${def.name} needs ${def.size} bytes, got ${bytes.byteLength}`);
  return decodeFrom(def, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0);
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || /[^0-9a-f]/i.test(hex)) {
    throw new UringError('EINVAL', `not a hex string (two digits a byte): ${describeValue(hex)}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
