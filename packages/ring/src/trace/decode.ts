// Raw records (from the model executor or the C runner) -> trace events. The program tells which
// scenario step each record belongs to and how to decode memory read back from a struct.

import { errnoName } from '../uapi/errno.js';
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
    case 'time': return [...recordsOf(op.inner), 'time'];
    case 'setup': case 'enter': case 'observe': case 'register': case 'rmem':
    case 'pipe': case 'tcppair': case 'unixpair': case 'eventfd': case 'tmpfile': case 'blockdev':
    case 'write': case 'read': case 'close': case 'mmap':
      return [op.op === 'observe' ? 'ring' : op.op === 'rmem' ? 'mem' : ['pipe', 'tcppair', 'unixpair', 'eventfd', 'tmpfile', 'blockdev'].includes(op.op) ? 'fd' : op.op === 'write' || op.op === 'read' ? 'io' : op.op];
    default:
      return [];
  }
}

function decodeRecord(rec: string, step: number, op: ProgramOp | undefined): TraceEvent {
  const t = rec.split(' ');
  const kind = t[0];
  switch (kind) {
    case 'setup': {
      const res = Number(t[2]);
      if (res < 0) return { ev: 'setup', ring: t[1]!, step, ...withErrno(res) };
      const p = decodeStruct(IO_URING_PARAMS, fromHex(t[3]!));
      const sqOff: Record<string, number> = {};
      const cqOff: Record<string, number> = {};
      for (const [k, v] of Object.entries(p)) {
        if (k.startsWith('sq_off.') && !k.endsWith('user_addr') && !k.endsWith('resv1')) sqOff[k.slice(7)] = Number(v);
        if (k.startsWith('cq_off.') && !k.endsWith('user_addr') && !k.endsWith('resv1')) cqOff[k.slice(7)] = Number(v);
      }
      return {
        ev: 'setup', ring: t[1]!, step, res: 0,
        sq_entries: Number(p.sq_entries), cq_entries: Number(p.cq_entries),
        features: flagNames(IORING_FEAT, Number(p.features)), sq_off: sqOff, cq_off: cqOff,
      };
    }
    case 'enter':
      return { ev: 'enter', ring: t[1]!, step, ...withErrno(Number(t[2])) };
    case 'cqe': {
      const b = fromHex(t[2]!);
      const dv = new DataView(b.buffer);
      const flags = dv.getUint32(12, true);
      const res = dv.getInt32(8, true);
      const e: TraceEvent = {
        ev: 'cqe', ring: t[1]!, step, user_data: dv.getBigUint64(0, true).toString(), ...withErrno(res),
        flags: flagNames(IORING_CQE_F, flags & 0xffff),
      };
      if (flags & IORING_CQE_F.BUFFER) e.bid = flags >>> IORING_CQE_BUFFER_SHIFT;
      if (b.byteLength >= 32) e.big_cqe = [dv.getBigUint64(16, true).toString(), dv.getBigUint64(24, true).toString()];
      return e;
    }
    case 'reaped':
      return { ev: 'reaped', ring: t[1]!, step, n: Number(t[2]) };
    case 'ring': {
      const kv = Object.fromEntries(t.slice(2).map((x) => x.split('=') as [string, string]));
      const n = (k: string) => Number(kv[k]);
      return {
        ev: 'ring', ring: t[1]!, step, sq_head: n('sq_head'), sq_tail: n('sq_tail'), cq_head: n('cq_head'), cq_tail: n('cq_tail'),
        sq_flags: flagNames(IORING_SQ, n('sq_flags')), cq_flags: flagNames(IORING_CQ, n('cq_flags')),
        sq_dropped: n('sq_dropped'), cq_overflow: n('cq_overflow'),
      };
    }
    case 'register': {
      const code = Number(t[2]);
      return { ev: 'register', ring: t[1]!, op: REGISTER_NAMES.get(code) ?? String(code), step, ...withErrno(Number(t[3])) };
    }
    case 'mem': {
      const hex = t[3] ?? '';
      const def = op?.op === 'rmem' && op.decode ? structByName(op.decode) : undefined;
      if (def) {
        const fields = Object.fromEntries(Object.entries(decodeStruct(def, fromHex(hex))).map(([k, v]) => [k, jsonable(v)]));
        const tail = hex.length / 2 > def.size ? hex.slice(def.size * 2) : undefined;
        return { ev: 'mem', region: t[1]!, offset: Number(t[2]), step, fields, ...(tail ? { hex: tail } : {}) };
      }
      return { ev: 'mem', region: t[1]!, offset: Number(t[2]), step, hex };
    }
    case 'fd':
      return { ev: 'fd', name: t[1]!, step, ...withErrno(Number(t[2])) };
    case 'io': {
      const e: TraceEvent = { ev: 'io', fd: t[1]!, step, ...withErrno(Number(t[2])) };
      if (t[3]) e.hex = t[3];
      return e;
    }
    case 'close':
      return { ev: 'close', fd: t[1]!, step, ...withErrno(Number(t[2])) };
    case 'poll':
      return { ev: 'poll', fd: t[1]!, step, ...withErrno(Number(t[2])), revents: flagNames(POLL_NAMES, Number(t[3] ?? 0)) };
    case 'time':
      return { ev: 'time', name: t[1]!, step, ns: Number(t[2]) };
    case 'mmap':
      return { ev: 'mmap', region: t[1]!, step, ...withErrno(Number(t[2])) };
    case 'skip':
      return { ev: 'skip', step, reason: t.slice(1).join(' ') };
    case 'crash':
      return { ev: 'crash', step, signal: t[1] ?? '?' };
    case 'timeout':
      return { ev: 'timeout', step };
    case 'error':
      return { ev: 'error', step, message: t.slice(2).join(' ') || t.slice(1).join(' ') };
    default:
      return { ev: 'error', step, message: `unknown record: ${rec}` };
  }
}

/** Decodes the records of one scenario run, attributing each to its scenario step. */
export function decodeRecords(program: Program, records: readonly string[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  let r = 0;
  for (const { op, step } of program.ops) {
    const expect = recordsOf(op);
    if (op.op === 'reap') {
      while (r < records.length && records[r]!.startsWith('cqe ')) out.push(decodeRecord(records[r++]!, step, op));
      if (r < records.length && records[r]!.startsWith('reaped ')) out.push(decodeRecord(records[r++]!, step, op));
      continue;
    }
    for (const kind of expect) {
      const rec = records[r];
      if (rec === undefined) return out;
      if (!rec.startsWith(kind + ' ')) {
        // A terminal record (skip, crash, error, timeout) or a protocol slip: keep it and stop.
        out.push(decodeRecord(rec, step, op));
        for (r++; r < records.length; r++) out.push(decodeRecord(records[r]!, step, undefined));
        return out;
      }
      out.push(decodeRecord(rec, step, op));
      r++;
    }
  }
  for (; r < records.length; r++) out.push(decodeRecord(records[r]!, -1, undefined));
  return out;
}

