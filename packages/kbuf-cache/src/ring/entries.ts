// The ring the application shares with the kernel: an array of struct io_uring_buf (16 bytes:
// addr u64, len u32, bid u16, resv u16) whose u16 tail overlays bufs[0].resv at byte 14.

import type { BufferList } from '../types.js';

export const BUF_SIZE = 16;
export const TAIL_OFFSET = 14;

/** smp_load_acquire(&br->tail) */
export function ringTail(bl: BufferList): number {
  return bl.ring!.getUint16(TAIL_OFFSET, true);
}

/** Byte offset of the entry `head` maps to (io_ring_head_to_buf). */
export function entryOff(bl: BufferList, head: number): number {
  return (head & bl.mask) * BUF_SIZE;
}

export function entryAddr(bl: BufferList, off: number): bigint {
  return bl.ring!.getBigUint64(off, true);
}

export function entryLen(bl: BufferList, off: number): number {
  return bl.ring!.getUint32(off + 8, true);
}

export function entryBid(bl: BufferList, off: number): number {
  return bl.ring!.getUint16(off + 12, true);
}

/** WRITE_ONCE(buf->addr, ...) in incremental mode. */
export function setEntryAddr(bl: BufferList, off: number, addr: bigint): void {
  bl.ring!.setBigUint64(off, BigInt.asUintN(64, addr), true);
}

export function setEntryLen(bl: BufferList, off: number, len: number): void {
  bl.ring!.setUint32(off + 8, len >>> 0, true);
}

/** Entries published and not yet consumed: (u16)(tail - head). */
export function ringAvail(bl: BufferList): number {
  return (ringTail(bl) - bl.head) & 0xffff;
}
