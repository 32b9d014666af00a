// IORING_REGISTER_MEM_REGION (34): io_register_mem_region() (io_uring/register.c). One memory
// region per ring, the parameter region: user memory or kernel pages (mapped afterwards at
// IORING_MAP_OFF_PARAM_REGION), optionally exposed as registered wait arguments.

import { ERRNO } from '../uapi/errno.js';
import { IORING_MEM_REGION_REG, IORING_REGISTER } from '../uapi/constants.js';
import { IO_URING_MEM_REGION_REG, IO_URING_REGION_DESC } from '../uapi/structs.js';
import { decode } from '../uapi/layout.js';
import type { RegisterOpDef } from '../extension/types.js';
import {
  IORING_MAP_OFF, MappedRegion, createRegion, decodeRegionDesc, encodeRegionDesc, freeRegion, regionIsSet, regionPublish, regionSize,
} from './memmap.js';
import type { RingCtx } from './ctx.js';

/** ctx->cq_wait_arg / cq_wait_size: the parameter region as registered wait arguments. */
export interface CqWaitArg {
  readonly region: MappedRegion;
  readonly size: number;
}

const WAIT_ARGS = new WeakMap<RingCtx, CqWaitArg>();

/** The ring's registered wait-argument area (IORING_MEM_REGION_REG_WAIT_ARG), if one was set. */
export function cqWaitArg(ctx: RingCtx): CqWaitArg | undefined {
  return WAIT_ARGS.get(ctx);
}

/** io_register_mem_region() */
function registerMemRegion(ctx: RingCtx, arg: number): number {
  const mem = ctx.kernel.memory;
  if (regionIsSet(ctx.paramRegion)) return -ERRNO.EBUSY;
  const raw = mem.read(arg, IO_URING_MEM_REGION_REG.size);
  if (!raw) return -ERRNO.EFAULT;
  const reg = decode(IO_URING_MEM_REGION_REG, raw);
  const rdAddr = reg.region_uptr as bigint;
  const rdRaw = rdAddr < BigInt(Number.MAX_SAFE_INTEGER) ? mem.read(Number(rdAddr), IO_URING_REGION_DESC.size) : undefined;
  if (!rdRaw) return -ERRNO.EFAULT;
  const rd = decodeRegionDesc(rdRaw);
  if ((reg.resv as bigint[]).some((x) => x !== 0n)) return -ERRNO.EINVAL;
  const flags = reg.flags as bigint;
  if (flags & ~BigInt(IORING_MEM_REGION_REG.WAIT_ARG)) return -ERRNO.EINVAL;
  const waitArg = (flags & BigInt(IORING_MEM_REGION_REG.WAIT_ARG)) !== 0n;
  // Waiters run unlocked: the wait-argument area may only appear while the ring is disabled.
  if (waitArg && !ctx.disabled) return -ERRNO.EINVAL;
  const region = new MappedRegion();
  const ret = createRegion(ctx, region, rd, IORING_MAP_OFF.PARAM_REGION);
  if (ret) return ret;
  // The descriptor goes back with mmap_offset filled in (kernel-allocated regions only).
  if (!mem.write(Number(rdAddr), encodeRegionDesc(rd))) {
    freeRegion(ctx.kernel, region);
    return -ERRNO.EFAULT;
  }
  if (waitArg) WAIT_ARGS.set(ctx, { region: ctx.paramRegion, size: regionSize(region) });
  regionPublish(ctx.paramRegion, region);
  return 0;
}

export const MEM_REGION_OP: RegisterOpDef = {
  opcode: IORING_REGISTER.MEM_REGION,
  name: 'MEM_REGION',
  argStruct: IO_URING_MEM_REGION_REG,
  handler(ctx, arg, nrArgs) {
    if (!arg || nrArgs !== 1) return -ERRNO.EINVAL;
    return registerMemRegion(ctx, arg);
  },
};
