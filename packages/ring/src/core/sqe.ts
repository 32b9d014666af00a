// Reads SQE fields straight from the shared SQE array, as the kernel's READ_ONCE(sqe->x) does.

import type { RingCtx } from './ctx.js';

export class SqeReader {
  off = 0;
  private readonly dv: DataView;
  constructor(readonly ctx: RingCtx) {
    this.dv = new DataView(ctx.sqes.buffer, ctx.sqes.byteOffset, ctx.sqes.byteLength);
  }
  u8(at: number): number {
    return this.ctx.sqes[this.off + at]!;
  }
  u16(at: number): number {
    return this.dv.getUint16(this.off + at, true);
  }
  u32(at: number): number {
    return this.ctx.sqeU32[(this.off + at) >> 2]!;
  }
  s32(at: number): number {
    return this.ctx.sqeU32[(this.off + at) >> 2]! | 0;
  }
  /** A u64 as a JS number (exact below 2^53; user addresses always are). */
  u64n(at: number): number {
    return this.ctx.sqeU32[(this.off + at + 4) >> 2]! * 4294967296 + this.ctx.sqeU32[(this.off + at) >> 2]!;
  }
  u64(at: number): bigint {
    return this.dv.getBigUint64(this.off + at, true);
  }
}
