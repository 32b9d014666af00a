// A provided-buffer ring in user memory, the way liburing's io_uring_setup_buf_ring(),
// io_uring_buf_ring_add() and io_uring_buf_ring_advance() manage one.

import { IORING_REGISTER, IO_URING_BUF_REG, encode, pageAlign, type Mapping, type UserRing } from '@uringlab/ring/extend';

export class UserBufRing {
  readonly mem: Mapping;
  readonly mask: number;
  private readonly dv: DataView;
  /** The application's tail, published by advance(). */
  tail = 0;
  private staged = 0;

  constructor(readonly ring: UserRing, readonly bgid: number, readonly entries: number, flags = 0, minLeft = 0) {
    const k = ring.kernel;
    this.mem = k.memory.mmap(pageAlign(entries * 16), `buf_ring_${bgid}`);
    this.mask = entries - 1;
    this.dv = new DataView(this.mem.bytes.buffer, this.mem.bytes.byteOffset, this.mem.bytes.byteLength);
    const arg = k.memory.mmap(IO_URING_BUF_REG.size, 'buf_reg');
    k.memory.write(arg.addr, encode(IO_URING_BUF_REG, { ring_addr: this.mem.addr, ring_entries: entries, bgid, flags, min_left: minLeft }));
    const ret = ring.register(IORING_REGISTER.PBUF_RING, arg.addr, 1);
    k.memory.munmap(arg.addr);
    if (ret < 0) throw new Error(`PBUF_RING registration failed: ${ret}`);
  }

  /** io_uring_buf_ring_add(): stage an entry `staged` slots past the tail (not yet visible). */
  add(addr: number, len: number, bid: number): void {
    const off = ((this.tail + this.staged) & this.mask) * 16;
    this.dv.setBigUint64(off, BigInt(addr), true);
    this.dv.setUint32(off + 8, len, true);
    this.dv.setUint16(off + 12, bid, true);
    this.staged++;
  }

  /** io_uring_buf_ring_advance(): publish the staged entries. */
  advance(): void {
    this.tail = (this.tail + this.staged) & 0xffff;
    this.staged = 0;
    this.dv.setUint16(14, this.tail, true);
  }
}
