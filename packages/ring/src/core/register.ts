// io_uring_register() and __io_uring_register() (io_uring/register.c). The core answers
// IORING_REGISTER_PROBE, ENABLE_RINGS and the task's RING_FDS / UNREGISTER_RING_FDS (tctx.c);
// every other opcode comes from an extension.

import { ERRNO } from '../uapi/errno.js';
import { IO_URING_OP_SUPPORTED, IORING_REGISTER } from '../uapi/constants.js';
import { IO_URING_PROBE, IO_URING_PROBE_OP, IO_URING_RSRC_UPDATE } from '../uapi/structs.js';
import { UringError } from '../errors.js';
import type { RegisterOpDef } from '../extension/types.js';
import type { RingCtx } from './ctx.js';
import { ringfdRegister, ringfdUnregister } from './tctx.js';

/** io_probe() */
function probe(ctx: RingCtx, arg: number, nrArgs: number): number {
  const k = ctx.kernel;
  const last = k.profile.opLast;
  const n = Math.min(nrArgs, last);
  const size = IO_URING_PROBE.size + n * IO_URING_PROBE_OP.size;
  const p = k.memory.read(arg, size);
  if (!p) return -ERRNO.EFAULT;
  if (p.some((b) => b !== 0)) return -ERRNO.EINVAL;
  const dv = new DataView(p.buffer);
  dv.setUint8(0, last - 1);
  for (let i = 0; i < n; i++) {
    const at = IO_URING_PROBE.size + i * IO_URING_PROBE_OP.size;
    dv.setUint8(at, i);
    dv.setUint16(at + 2, IO_URING_OP_SUPPORTED, true);
  }
  dv.setUint8(1, n);
  return k.memory.write(arg, p) ? 0 : -ERRNO.EFAULT;
}

export const PROBE_OP: RegisterOpDef = {
  opcode: IORING_REGISTER.PROBE,
  name: 'PROBE',
  argStruct: IO_URING_PROBE,
  handler(ctx, arg, nrArgs) {
    if (!arg || nrArgs > 256) return -ERRNO.EINVAL;
    return probe(ctx, arg, nrArgs);
  },
};

/** io_register_enable_rings() */
export const ENABLE_RINGS_OP: RegisterOpDef = {
  opcode: IORING_REGISTER.ENABLE_RINGS,
  name: 'ENABLE_RINGS',
  handler(ctx, arg, nrArgs) {
    if (arg || nrArgs) return -ERRNO.EINVAL;
    if (!ctx.disabled) return -ERRNO.EBADFD;
    ctx.disabled = false;
    return 0;
  },
};

/** IORING_REGISTER_RING_FDS: io_ringfd_register(), whose checks start with nr_args. */
export const RING_FDS_OP: RegisterOpDef = {
  opcode: IORING_REGISTER.RING_FDS,
  name: 'RING_FDS',
  argStruct: IO_URING_RSRC_UPDATE,
  handler: ringfdRegister,
};

/** IORING_UNREGISTER_RING_FDS: io_ringfd_unregister(). */
export const UNREGISTER_RING_FDS_OP: RegisterOpDef = {
  opcode: IORING_REGISTER.UNREGISTER_RING_FDS,
  name: 'UNREGISTER_RING_FDS',
  argStruct: IO_URING_RSRC_UPDATE,
  handler: ringfdUnregister,
};

/**
 * __io_uring_register() dispatch, after the syscall checked the opcode range and the fd: the
 * handler of whoever registered the opcode, or a typed error when no loaded model has one.
 */
export function registerDispatch(ctx: RingCtx, def: RegisterOpDef | undefined, opcode: number, arg: number, nrArgs: number): number {
  if (!def) throw new UringError('NOT_MODELLED', `no loaded model implements register opcode ${opcode} yet (the kernel has it); an extension package may add it`);
  return def.handler(ctx, arg, nrArgs >>> 0);
}
