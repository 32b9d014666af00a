// kbuf.recv and kbuf.read: receive and read SQEs that select a provided buffer from a group,
// with the multishot, bundle and poll-first ioprio bits spelled out.

import { z } from 'zod';
import { IORING_OP, IORING_RECVSEND, IOSQE, defineStep, type FieldInput } from '@uringlab/ring/extend';
import { flags, name, pointer, pointerInput, sqeFlags, sqeOp, u16, u32, u64 } from './common.js';

export const recvStep = defineStep({
  op: 'kbuf.recv',
  description: 'IORING_OP_RECV on fd; with bgid it selects a provided buffer (IOSQE_BUFFER_SELECT), optionally multishot and/or bundle',
  schema: z.object({
    op: z.literal('kbuf.recv'), ring: name, fd: z.union([name, z.number().int()]),
    bgid: u16.optional(), addr: pointer.optional(), len: u32.default(0), user_data: u64.optional(),
    multishot: z.boolean().default(false), bundle: z.boolean().default(false), poll_first: z.boolean().default(false),
    flags: flags.optional(), msg_flags: u32.optional(), optlen: u32.optional(), ioprio: u16.optional(),
  }).strict(),
  compile(s, cc) {
    let ioprio = s.ioprio ?? 0;
    if (s.multishot) ioprio |= IORING_RECVSEND.RECV_MULTISHOT;
    if (s.bundle) ioprio |= IORING_RECVSEND.BUNDLE;
    if (s.poll_first) ioprio |= IORING_RECVSEND.POLL_FIRST;
    let fl = sqeFlags(cc, s.flags);
    if (s.bgid !== undefined) fl |= IOSQE.BUFFER_SELECT;
    const v: Record<string, FieldInput> = {
      opcode: IORING_OP.RECV, flags: fl, ioprio, fd: s.fd, len: s.len, user_data: s.user_data ?? 0,
    };
    if (s.bgid !== undefined) v.buf_group = s.bgid;
    if (s.addr !== undefined) v.addr = pointerInput(s.addr);
    if (s.msg_flags !== undefined) v.msg_flags = s.msg_flags;
    if (s.optlen !== undefined) v.optlen = s.optlen;
    return [sqeOp(cc, s.ring, v)];
  },
});

export const readStep = defineStep({
  op: 'kbuf.read',
  description: 'IORING_OP_READ on fd selecting a provided buffer from group bgid (off defaults to -1: the file position)',
  schema: z.object({
    op: z.literal('kbuf.read'), ring: name, fd: z.union([name, z.number().int()]), bgid: u16,
    len: u32.default(0), off: u64.optional(), user_data: u64.optional(), flags: flags.optional(),
  }).strict(),
  compile(s, cc) {
    const v: Record<string, FieldInput> = {
      opcode: IORING_OP.READ, flags: sqeFlags(cc, s.flags) | IOSQE.BUFFER_SELECT, fd: s.fd, len: s.len,
      off: s.off ?? '18446744073709551615', buf_group: s.bgid, user_data: s.user_data ?? 0,
    };
    return [sqeOp(cc, s.ring, v)];
  },
});
