// Raw records (from the model executor or the C runner) -> trace events. The program tells which
// scenario step each record belongs to and how to decode memory read back from a struct.

import { errnoName } from '../uapi/errno.js';
import { isUringError } from '../errors.js';
import { IORING_CQ, IORING_CQE_BUFFER_SHIFT, IORING_CQE_F, IORING_FEAT, IORING_REGISTER, IORING_SQ, flagNames } from '../uapi/constants.js';
import { IO_URING_PARAMS, structByName } from '../uapi/structs.js';
import { decode as decodeStruct, fromHex } from '../uapi/layout.js';
import type { Program, ProgramOp } from '../scenario/program.js';
import type { TraceEvent } from './events.js';

const POLL_NAMES = { IN: 0x1, OUT: 0x4, ERR: 0x8, HUP: 0x10, NVAL: 0x20 } as const;
const REGISTER_NAMES = new Map<number, string>(Object.entries(IORING_REGISTER).map(([k, v]) => [v, k]));

function withErrno(res: number): { res: number; errno?: string } {
  const n = errnoName(res);
  return n ? { res, errno: n } : { res };
}

function jsonable(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(jsonable);
  return v;
}

/** Records each operation produces; `reap` produces cqe records then one `reaped`. */
function recordsOf(op: ProgramOp): string[] {
  switch (op.op) {
    case 'writemem': return ['io'];
    case 'poll': return ['poll'];
    case 'procstatus': return ['proc'];
    case 'creds': return ['creds'];
    case 'fstat': return ['stat'];
    case 'time': return [...recordsOf(op.inner), 'time'];
    case 'setup': case 'enter': case 'observe': case 'register': case 'rmem':
    case 'pipe': case 'tcppair': case 'unixpair': case 'dgrampair': case 'udppair': case 'eventfd': case 'tmpfile': case 'blockdev':
    case 'write': case 'read': case 'close': case 'mmap': case 'munmap': case 'shutdown': case 'setfl':
      return [op.op === 'observe' ? 'ring' : op.op === 'rmem' ? 'mem' : ['pipe', 'tcppair', 'unixpair', 'dgrampair', 'udppair', 'eventfd', 'tmpfile', 'blockdev'].includes(op.op) ? 'fd' : op.op === 'write' || op.op === 'read' ? 'io' : op.op];
    default:
      return [];
  }
}

/** A record that does not parse: the decoder reports it as an event, never by throwing. */
class Malformed extends Error {}

function int(tok: string | undefined, what: string): number {
  if (tok === undefined || !/^-?\d+$/.test(tok) || !Number.isSafeInteger(Number(tok))) throw new Malformed(`${what} is ${tok === undefined ? 'missing' : `not an integer: ${JSON.stringify(tok.slice(0, 24))}`}`);
  return Number(tok);
}

function word(tok: string | undefined, what: string): string {
  if (!tok) throw new Malformed(`${what} is missing`);
  return tok;
}

function hex(tok: string | undefined, what: string, bytes?: readonly number[]): Uint8Array {
  if (tok === undefined || tok.length % 2 !== 0 || /[^0-9a-f]/i.test(tok)) throw new Malformed(`${what} is ${tok === undefined ? 'missing' : 'not whole hex bytes'}`);
  const b = fromHex(tok);
  if (bytes && !bytes.includes(b.byteLength)) throw new Malformed(`${what} holds ${b.byteLength} bytes, not ${bytes.join(' or ')}`);
  return b;
}

function noMore(t: readonly string[], n: number): void {
  if (t.length > n) throw new Malformed(`unexpected ${JSON.stringify(t.slice(n).join(' ').slice(0, 24))} at the end`);
}

const RING_KEYS = ['sq_head', 'sq_tail', 'cq_head', 'cq_tail', 'sq_flags', 'cq_flags', 'sq_dropped', 'cq_overflow'] as const;

function decodeRecord(rec: string, step: number, op: ProgramOp | undefined): TraceEvent {
  try {
    return parseRecord(rec, step, op);
  } catch (e) {
    if (!(e instanceof Malformed) && !isUringError(e)) throw e;
    const why = e instanceof Malformed ? e.message : e.message.replace(/^[A-Z_]+: /, '');
    const shown = rec.length > 80 ? `${rec.slice(0, 80)}…` : rec;
    return { ev: 'error', step, code: 'TRACE_INVALID', message: `malformed record "${shown}": ${why}` };
  }
}

function parseRecord(rec: string, step: number, op: ProgramOp | undefined): TraceEvent {
  const t = rec.split(' ');
  const kind = t[0];
  switch (kind) {
    case 'setup': {
      const ring = word(t[1], 'the ring');
      const res = int(t[2], 'the result');
      noMore(t, 4);
      if (res < 0) return { ev: 'setup', ring, step, ...withErrno(res) };
      const p = decodeStruct(IO_URING_PARAMS, hex(t[3], 'the params', [IO_URING_PARAMS.size]));
      const sqOff: Record<string, number> = {};
      const cqOff: Record<string, number> = {};
      for (const [k, v] of Object.entries(p)) {
        if (k.startsWith('sq_off.') && !k.endsWith('user_addr') && !k.endsWith('resv1')) sqOff[k.slice(7)] = Number(v);
        if (k.startsWith('cq_off.') && !k.endsWith('user_addr') && !k.endsWith('resv1')) cqOff[k.slice(7)] = Number(v);
      }
      return {
        ev: 'setup', ring, step, res: 0,
        sq_entries: Number(p.sq_entries), cq_entries: Number(p.cq_entries),
        features: flagNames(IORING_FEAT, Number(p.features)), sq_off: sqOff, cq_off: cqOff,
      };
    }
    case 'enter': {
      noMore(t, 3);
      return { ev: 'enter', ring: word(t[1], 'the ring'), step, ...withErrno(int(t[2], 'the result')) };
    }
    case 'cqe': {
      const ring = word(t[1], 'the ring');
      noMore(t, 3);
      const b = hex(t[2], 'the CQE', [16, 32]);
      const dv = new DataView(b.buffer);
      const flags = dv.getUint32(12, true);
      const res = dv.getInt32(8, true);
      const e: TraceEvent = {
        ev: 'cqe', ring, step, user_data: dv.getBigUint64(0, true).toString(), ...withErrno(res),
        flags: flagNames(IORING_CQE_F, flags & 0xffff),
      };
      if (flags & IORING_CQE_F.BUFFER) e.bid = flags >>> IORING_CQE_BUFFER_SHIFT;
      if (b.byteLength >= 32) e.big_cqe = [dv.getBigUint64(16, true).toString(), dv.getBigUint64(24, true).toString()];
      return e;
    }
    case 'reaped': {
      noMore(t, 3);
      const n = int(t[2], 'the count');
      if (n < 0) throw new Malformed('the count is negative');
      return { ev: 'reaped', ring: word(t[1], 'the ring'), step, n };
    }
    case 'ring': {
      const ring = word(t[1], 'the ring');
      const kv = new Map<string, string>();
      for (const x of t.slice(2)) {
        const eq = x.indexOf('=');
        if (eq <= 0) throw new Malformed(`${JSON.stringify(x.slice(0, 24))} is not NAME=VALUE`);
        kv.set(x.slice(0, eq), x.slice(eq + 1));
      }
      const n = (k: (typeof RING_KEYS)[number]) => {
        const v = int(kv.get(k), k);
        if (v < 0) throw new Malformed(`${k} is negative`);
        return v;
      };
      for (const k of kv.keys()) if (!(RING_KEYS as readonly string[]).includes(k)) throw new Malformed(`unknown field ${JSON.stringify(k)}`);
      return {
        ev: 'ring', ring, step, sq_head: n('sq_head'), sq_tail: n('sq_tail'), cq_head: n('cq_head'), cq_tail: n('cq_tail'),
        sq_flags: flagNames(IORING_SQ, n('sq_flags')), cq_flags: flagNames(IORING_CQ, n('cq_flags')),
        sq_dropped: n('sq_dropped'), cq_overflow: n('cq_overflow'),
      };
    }
    case 'register': {
      const ring = word(t[1], 'the ring');
      const code = int(t[2], 'the opcode');
      noMore(t, 4);
      return { ev: 'register', ring, op: REGISTER_NAMES.get(code) ?? String(code), step, ...withErrno(int(t[3], 'the result')) };
    }
    case 'mem': {
      const region = word(t[1], 'the region');
      const offset = int(t[2], 'the offset');
      noMore(t, 4);
      const bytes = hex(t[3], 'the bytes');
      const hexText = t[3]!;
      if (op?.op === 'rmem' && bytes.byteLength !== op.len) throw new Malformed(`${bytes.byteLength} bytes came back, ${op.len} were read`);
      const def = op?.op === 'rmem' && op.decode ? structByName(op.decode) : undefined;
      if (def) {
        const fields = Object.fromEntries(Object.entries(decodeStruct(def, bytes)).map(([k, v]) => [k, jsonable(v)]));
        const tail = bytes.byteLength > def.size ? hexText.slice(def.size * 2) : undefined;
        return { ev: 'mem', region, offset, step, fields, ...(tail ? { hex: tail } : {}) };
      }
      return { ev: 'mem', region, offset, step, hex: hexText };
    }
    case 'fd':
      noMore(t, 3);
      return { ev: 'fd', name: word(t[1], 'the name'), step, ...withErrno(int(t[2], 'the result')) };
    case 'io': {
      const fd = word(t[1], 'the fd');
      const res = int(t[2], 'the result');
      noMore(t, 4);
      const e: TraceEvent = { ev: 'io', fd, step, ...withErrno(res) };
      if (t[3]) {
        const b = hex(t[3], 'the bytes');
        if (b.byteLength !== res) throw new Malformed(`${b.byteLength} bytes for a result of ${res}`);
        e.hex = t[3];
      } else if (res > 0 && op?.op === 'read') {
        throw new Malformed(`no bytes for a read of ${res}`);
      }
      return e;
    }
    case 'close':
      noMore(t, 3);
      return { ev: 'close', fd: word(t[1], 'the fd'), step, ...withErrno(int(t[2], 'the result')) };
    case 'poll':
      noMore(t, 4);
      return { ev: 'poll', fd: word(t[1], 'the fd'), step, ...withErrno(int(t[2], 'the result')), revents: flagNames(POLL_NAMES, int(t[3], 'the revents')) };
    case 'time':
      noMore(t, 3);
      return { ev: 'time', name: word(t[1], 'the name'), step, ns: int(t[2], 'the nanoseconds') };
    case 'mmap':
      noMore(t, 3);
      return { ev: 'mmap', region: word(t[1], 'the region'), step, ...withErrno(int(t[2], 'the result')) };
    case 'munmap':
      noMore(t, 3);
      return { ev: 'munmap', region: word(t[1], 'the region'), step, ...withErrno(int(t[2], 'the result')) };
    case 'stat':
      noMore(t, 5);
      return { ev: 'stat', fd: word(t[1], 'the fd'), step, ...withErrno(int(t[2], 'the result')), size: int(t[3], 'the size'), pos: int(t[4], 'the position') };
    case 'setfl':
      noMore(t, 3);
      return { ev: 'setfl', fd: word(t[1], 'the fd'), step, ...withErrno(int(t[2], 'the result')) };
    case 'shutdown':
      noMore(t, 3);
      return { ev: 'shutdown', fd: word(t[1], 'the fd'), step, ...withErrno(int(t[2], 'the result')) };
    case 'proc': {
      const fields: Record<string, number> = {};
      for (const kv of t.slice(1)) {
        const m = /^([A-Za-z_]+)=(-?\d+)$/.exec(kv);
        if (!m) throw new Malformed(`field ${JSON.stringify(kv.slice(0, 24))} is not NAME=KB`);
        fields[m[1]!] = int(m[2], m[1]!);
      }
      return { ev: 'proc', step, fields };
    }
    case 'creds':
      noMore(t, 2);
      return { ev: 'creds', step, ...withErrno(int(t[1], 'the result')) };
    case 'skip':
      return { ev: 'skip', step, reason: t.slice(1).join(' ') };
    case 'crash':
      return { ev: 'crash', step, signal: t[1] ?? '?' };
    case 'timeout':
      return { ev: 'timeout', step };
    case 'error': {
      // `error OP MESSAGE`; OP is `-` for an error that belongs to no operation.
      const message = /^(\d+|-)$/.test(t[1] ?? '') ? t.slice(2).join(' ') : t.slice(1).join(' ');
      const code = /^([A-Z][A-Z0-9_]*): /.exec(message)?.[1];
      return { ev: 'error', step, message: message || 'error', ...(code ? { code } : {}) };
    }
    default:
      throw new Malformed('unknown record kind');
  }
}

/** `error OP ...`: the index of the operation that failed (the model's, or the runner's after records.ts maps its line). */
function errorOp(rec: string): number | undefined {
  const m = /^error (\d+)(?: |$)/.exec(rec);
  return m ? Number(m[1]) : undefined;
}

/**
 * Decodes the records of one scenario run, attributing each to its scenario step. Never throws:
 * a record that does not parse becomes an `error` event (code TRACE_INVALID) in its place.
 */
export function decodeRecords(program: Program, records: readonly string[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  const ops = program.ops;
  let r = 0;
  // An error names its operation, so it is attributed there, even to one that prints nothing (an sqe).
  const stepOf = (rec: string, fallback: number) => {
    const i = errorOp(rec);
    return i !== undefined && i < ops.length ? ops[i]!.step : fallback;
  };
  const rest = (fallback: number) => {
    for (; r < records.length; r++) out.push(decodeRecord(records[r]!, stepOf(records[r]!, fallback), undefined));
  };
  for (let j = 0; j < ops.length; j++) {
    const { op, step } = ops[j]!;
    const next = records[r];
    if (next === undefined) return out;
    const failed = errorOp(next);
    if (failed !== undefined && failed <= j) {
      rest(step);
      return out;
    }
    if (op.op === 'reap') {
      while (r < records.length && records[r]!.startsWith('cqe ')) out.push(decodeRecord(records[r++]!, step, op));
      if (r < records.length && records[r]!.startsWith('reaped ')) out.push(decodeRecord(records[r++]!, step, op));
      continue;
    }
    for (const kind of recordsOf(op)) {
      const rec = records[r];
      if (rec === undefined) return out;
      if (!rec.startsWith(kind + ' ') && rec !== kind) {
        // A terminal record (skip, crash, error, timeout) or a protocol slip: keep it and stop.
        rest(step);
        return out;
      }
      out.push(decodeRecord(rec, step, op));
      r++;
    }
  }
  rest(ops.at(-1)?.step ?? -1);
  return out;
}
