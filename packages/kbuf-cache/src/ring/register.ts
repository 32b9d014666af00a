// IORING_REGISTER_PBUF_RING (22), IORING_UNREGISTER_PBUF_RING (23) and IORING_REGISTER_PBUF_STATUS
// (26): io_register_pbuf_ring(), io_unregister_pbuf_ring(), io_register_pbuf_status() in
// io_uring/kbuf.c. The ring's memory is a core region (io_create_region(), io_uring/memmap.c).

import {
  ERRNO, IORING_MEM_REGION_TYPE, IORING_OFF, IORING_REGISTER, IOU_PBUF_RING, IO_URING_BUF_REG, IO_URING_BUF_STATUS,
  createRegion, decode, freeRegion, pageAlign, regionDesc, regionGetPtr,
  type RegisterOpDef, type RingCtx,
} from '@uringlab/ring/extend';
import { kbufCtx, type KbufCtx } from '../state.js';
import { BufferList, IOBL } from '../types.js';
import { BUF_SIZE } from './entries.js';
import { removeBuffersLegacy } from '../legacy/manage.js';

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function allZero(v: unknown): boolean {
  return (v as (number | bigint)[]).every((x) => BigInt(x) === 0n);
}

/** io_destroy_bl(): drop a group from the xarray and free what it holds. */
export function destroyBl(k: KbufCtx, bl: BufferList): void {
  k.lists.delete(bl.bgid);
  putBl(k, bl);
}

/** io_put_bl(): a ring's region is freed (unpinned or released), a legacy list emptied. */
export function putBl(k: KbufCtx, bl: BufferList): void {
  if (bl.isRing) {
    freeRegion(k.ctx.kernel, bl.region);
    bl.ring = null;
  } else {
    removeBuffersLegacy(k, bl, Number.MAX_SAFE_INTEGER);
  }
}

/** io_register_pbuf_ring() */
export function registerPbufRing(ctx: RingCtx, arg: number): number {
  const k = kbufCtx(ctx);
  const raw = ctx.kernel.memory.read(arg, IO_URING_BUF_REG.size);
  if (!raw) return -ERRNO.EFAULT;
  const reg = decode(IO_URING_BUF_REG, raw);
  const entries = Number(reg.ring_entries);
  const flags = Number(reg.flags);
  const minLeft = Number(reg.min_left);
  const bgid = Number(reg.bgid);
  if (!allZero(reg.resv)) return -ERRNO.EINVAL;
  if (flags & ~(IOU_PBUF_RING.MMAP | IOU_PBUF_RING.INC)) return -ERRNO.EINVAL;
  if (!isPow2(entries)) return -ERRNO.EINVAL;
  // A u16 head and tail cannot tell a full ring of 65536 from an empty one.
  if (entries >= 65536) return -ERRNO.EINVAL;
  if (!(flags & IOU_PBUF_RING.INC) && minLeft) return -ERRNO.EINVAL;
  const old = k.lists.get(bgid);
  if (old) {
    if (old.isRing || old.nbufs > 0) return -ERRNO.EEXIST;
    // An empty legacy group is replaced, and stays gone even if the rest fails.
    destroyBl(k, old);
  }
  const bl = new BufferList(bgid);
  // io_create_region(): user memory at ring_addr, or kernel pages mmap()ed at the group's offset.
  const rd = regionDesc({ size: BigInt(pageAlign(entries * BUF_SIZE)) });
  if (!(flags & IOU_PBUF_RING.MMAP)) {
    rd.userAddr = reg.ring_addr as bigint;
    rd.flags |= IORING_MEM_REGION_TYPE.USER;
  }
  const ret = createRegion(ctx, bl.region, rd, bgid * 2 ** IORING_OFF.PBUF_SHIFT);
  if (ret) return ret;
  bl.ring = regionGetPtr(bl.region);
  bl.flags = IOBL.BUF_RING | (flags & IOU_PBUF_RING.INC ? IOBL.INC : 0);
  bl.mask = entries - 1;
  if (minLeft) bl.minLeftSubOne = minLeft - 1;
  k.lists.set(bgid, bl);
  return 0;
}

/** io_unregister_pbuf_ring() */
export function unregisterPbufRing(ctx: RingCtx, arg: number): number {
  const k = kbufCtx(ctx);
  const raw = ctx.kernel.memory.read(arg, IO_URING_BUF_REG.size);
  if (!raw) return -ERRNO.EFAULT;
  const reg = decode(IO_URING_BUF_REG, raw);
  if (!allZero(reg.resv) || Number(reg.flags)) return -ERRNO.EINVAL;
  const bl = k.lists.get(Number(reg.bgid));
  if (!bl) return -ERRNO.ENOENT;
  if (!bl.isRing) return -ERRNO.EINVAL;
  destroyBl(k, bl);
  return 0;
}

/** io_register_pbuf_status(): reports the kernel's head of a ring group. */
export function registerPbufStatus(ctx: RingCtx, arg: number): number {
  const k = kbufCtx(ctx);
  const mem = ctx.kernel.memory;
  const raw = mem.read(arg, IO_URING_BUF_STATUS.size);
  if (!raw) return -ERRNO.EFAULT;
  const st = decode(IO_URING_BUF_STATUS, raw);
  if (!allZero(st.resv)) return -ERRNO.EINVAL;
  const bl = k.lists.get(Number(st.buf_group));
  if (!bl) return -ERRNO.ENOENT;
  if (!bl.isRing) return -ERRNO.EINVAL;
  new DataView(raw.buffer, raw.byteOffset).setUint32(4, bl.head, true);
  return mem.write(arg, raw) ? 0 : -ERRNO.EFAULT;
}

/** __io_uring_register(): these three take exactly one argument struct. */
function oneArg(fn: (ctx: RingCtx, arg: number) => number): RegisterOpDef['handler'] {
  return (ctx, arg, nrArgs) => (!arg || nrArgs !== 1 ? -ERRNO.EINVAL : fn(ctx, arg));
}

export const KBUF_REGISTER_OPS: readonly RegisterOpDef[] = [
  { opcode: IORING_REGISTER.PBUF_RING, name: 'PBUF_RING', argStruct: IO_URING_BUF_REG, handler: oneArg(registerPbufRing) },
  { opcode: IORING_REGISTER.UNREGISTER_PBUF_RING, name: 'UNREGISTER_PBUF_RING', argStruct: IO_URING_BUF_REG, handler: oneArg(unregisterPbufRing) },
  { opcode: IORING_REGISTER.PBUF_STATUS, name: 'PBUF_STATUS', argStruct: IO_URING_BUF_STATUS, handler: oneArg(registerPbufStatus) },
];
