// The opcode table, declarative like io_uring/opdef.c: each entry says what the generic code must
// do for an opcode (needs a file, can be polled, may select a buffer, ...) and points at its
// prep/issue functions. Extensions replace entries through the extension API.

import { OPCODES } from '../uapi/constants.js';
import { UringError } from '../errors.js';
import type { Req } from './req.js';
import type { SqeReader } from './sqe.js';

export interface OpDef {
  readonly opcode: number;
  readonly name: string;
  readonly needsFile?: boolean;
  readonly unboundNonregFile?: boolean;
  readonly pollin?: boolean;
  readonly pollout?: boolean;
  readonly bufferSelect?: boolean;
  readonly ioprio?: boolean;
  readonly iopoll?: boolean;
  /** The SQE's addr/len describe an iovec array (io_issue_defs[].vectored). */
  readonly vectored?: boolean;
  readonly is128?: boolean;
  /** ->prep(): 0 or a negative errno. */
  prep(req: Req, sqe: SqeReader): number;
  /** ->issue(): IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, or a negative errno (-EAGAIN retries). */
  issue(req: Req, issueFlags: number): number;
  /** io_cold_defs[].cleanup */
  cleanup?(req: Req): void;
  /** io_cold_defs[].fail */
  fail?(req: Req): void;
  /** Set on the placeholder entries of opcodes no loaded model implements. */
  readonly unmodelled?: true;
}

export type OpFlags = Omit<OpDef, 'opcode' | 'name' | 'prep' | 'issue' | 'cleanup' | 'fail' | 'unmodelled'>;

/** Flags from io_issue_defs[] (Linux 7.3, CONFIG_NET=y), for the opcodes a model may issue. */
const F: Partial<Record<(typeof OPCODES)[number], OpFlags>> = {
  NOP: { iopoll: true },
  READV: { needsFile: true, unboundNonregFile: true, pollin: true, bufferSelect: true, ioprio: true, iopoll: true, vectored: true },
  WRITEV: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true, iopoll: true, vectored: true },
  FSYNC: { needsFile: true },
  READ_FIXED: { needsFile: true, unboundNonregFile: true, pollin: true, ioprio: true, iopoll: true },
  WRITE_FIXED: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true, iopoll: true },
  POLL_ADD: { needsFile: true, unboundNonregFile: true },
  SYNC_FILE_RANGE: { needsFile: true },
  SENDMSG: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true },
  RECVMSG: { needsFile: true, unboundNonregFile: true, pollin: true, bufferSelect: true, ioprio: true },
  ACCEPT: { needsFile: true, unboundNonregFile: true, pollin: true, ioprio: true },
  CONNECT: { needsFile: true, unboundNonregFile: true, pollout: true },
  FALLOCATE: { needsFile: true },
  FILES_UPDATE: { iopoll: true },
  READ: { needsFile: true, unboundNonregFile: true, pollin: true, bufferSelect: true, ioprio: true, iopoll: true },
  WRITE: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true, iopoll: true },
  FADVISE: { needsFile: true },
  SEND: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true, bufferSelect: true },
  RECV: { needsFile: true, unboundNonregFile: true, pollin: true, bufferSelect: true, ioprio: true },
  EPOLL_CTL: { unboundNonregFile: true },
  SPLICE: { needsFile: true, unboundNonregFile: true },
  PROVIDE_BUFFERS: { iopoll: true },
  REMOVE_BUFFERS: { iopoll: true },
  TEE: { needsFile: true, unboundNonregFile: true },
  SHUTDOWN: { needsFile: true },
  MSG_RING: { needsFile: true, iopoll: true },
  FSETXATTR: { needsFile: true },
  FGETXATTR: { needsFile: true },
  URING_CMD: { bufferSelect: true, needsFile: true, iopoll: true },
  SEND_ZC: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true },
  SENDMSG_ZC: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true },
  READ_MULTISHOT: { needsFile: true, unboundNonregFile: true, pollin: true, bufferSelect: true },
  FIXED_FD_INSTALL: { needsFile: true },
  FTRUNCATE: { needsFile: true },
  BIND: { needsFile: true },
  LISTEN: { needsFile: true },
  RECV_ZC: { needsFile: true, unboundNonregFile: true, pollin: true, ioprio: true },
  EPOLL_WAIT: { needsFile: true, pollin: true },
  READV_FIXED: { needsFile: true, unboundNonregFile: true, pollin: true, ioprio: true, iopoll: true, vectored: true },
  WRITEV_FIXED: { needsFile: true, unboundNonregFile: true, pollout: true, ioprio: true, iopoll: true, vectored: true },
  NOP128: { iopoll: true, is128: true },
  URING_CMD128: { bufferSelect: true, needsFile: true, iopoll: true, is128: true },
};

/** An entry for an opcode the kernel has but no model implements yet: using it is a typed error. */
export function unmodelled(opcode: number): OpDef {
  const name = OPCODES[opcode] ?? `op ${opcode}`;
  const fail = (): never => {
    throw new UringError('NOT_MODELLED', `no loaded model implements IORING_OP_${name} yet (the kernel has it); an extension package may add it`);
  };
  return { opcode, name, ...(F[name as keyof typeof F] ?? {}), prep: fail, issue: fail, unmodelled: true };
}

export function isModelled(d: OpDef): boolean {
  return d.unmodelled !== true;
}

export function opFlags(name: (typeof OPCODES)[number]): OpFlags {
  return F[name] ?? {};
}

/** A complete table: the given implementations over unmodelled entries for every opcode. */
export function buildOpTable(impls: readonly OpDef[]): OpDef[] {
  const table = OPCODES.map((_, i) => unmodelled(i));
  for (const d of impls) table[d.opcode] = d;
  return table;
}
