// kbuf.provide and kbuf.remove: IORING_OP_PROVIDE_BUFFERS / REMOVE_BUFFERS SQEs. Every field the
// kernel checks can be set, so the errno paths are reachable from a scenario.

import { z } from 'zod';
import { IORING_OP, defineStep, type FieldInput } from '@uringlab/ring/extend';
import { flags, name, pointer, pointerInput, s32, sqeFlags, sqeOp, u16, u32, u64 } from './common.js';

export const provideStep = defineStep({
  op: 'kbuf.provide',
  description: 'IORING_OP_PROVIDE_BUFFERS: nbufs buffers of len bytes from addr, bids from bid, into group bgid',
  schema: z.object({
    op: z.literal('kbuf.provide'), ring: name, bgid: u16, nbufs: s32, len: u32, addr: pointer,
    bid: u64.default(0), user_data: u64.optional(), flags: flags.optional(),
    op_flags: u32.optional(), splice_fd_in: s32.optional(), ioprio: u16.optional(),
  }).strict(),
  compile(s, cc) {
    const v: Record<string, FieldInput> = {
      opcode: IORING_OP.PROVIDE_BUFFERS, flags: sqeFlags(cc, s.flags), fd: s.nbufs, addr: pointerInput(s.addr),
      len: s.len, off: s.bid, buf_group: s.bgid, user_data: s.user_data ?? 0,
    };
    if (s.op_flags !== undefined) v.op_flags = s.op_flags;
    if (s.splice_fd_in !== undefined) v.splice_fd_in = s.splice_fd_in;
    if (s.ioprio !== undefined) v.ioprio = s.ioprio;
    return [sqeOp(cc, s.ring, v)];
  },
});

export const removeStep = defineStep({
  op: 'kbuf.remove',
  description: 'IORING_OP_REMOVE_BUFFERS: remove up to nbufs buffers (oldest first) from group bgid',
  schema: z.object({
    op: z.literal('kbuf.remove'), ring: name, bgid: u16, nbufs: s32,
    user_data: u64.optional(), flags: flags.optional(),
    addr: pointer.optional(), len: u32.optional(), off: u64.optional(), op_flags: u32.optional(), splice_fd_in: s32.optional(),
  }).strict(),
  compile(s, cc) {
    const v: Record<string, FieldInput> = {
      opcode: IORING_OP.REMOVE_BUFFERS, flags: sqeFlags(cc, s.flags), fd: s.nbufs, buf_group: s.bgid, user_data: s.user_data ?? 0,
    };
    if (s.addr !== undefined) v.addr = pointerInput(s.addr);
    if (s.len !== undefined) v.len = s.len;
    if (s.off !== undefined) v.off = s.off;
    if (s.op_flags !== undefined) v.op_flags = s.op_flags;
    if (s.splice_fd_in !== undefined) v.splice_fd_in = s.splice_fd_in;
    return [sqeOp(cc, s.ring, v)];
  },
});
