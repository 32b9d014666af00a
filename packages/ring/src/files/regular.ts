// Regular files and block devices. Regular files never wait on readiness (page cache hits);
// a block device opened O_DIRECT needs 512-byte aligned offset, length and address, and its
// I/O completes later, after a device latency in virtual time.

import { ERRNO } from '../uapi/errno.js';
import { FileObj, type ReadResult } from './file.js';

export function patternBytes(len: number, seed: number, start = 0): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = (seed + start + i) & 0xff;
  return out;
}

export class RegularFile extends FileObj {
  readonly kind: string = 'regular';
  readonly pollable = false;
  override readonly isReg: boolean = true;
  protected data: Uint8Array;
  size: number;

  constructor(size: number, seed: number) {
    super();
    this.data = patternBytes(size, seed);
    this.size = size;
  }

  readable(): boolean {
    return true;
  }
  writable(): boolean {
    return true;
  }

  read(len: number, pos: number | undefined): ReadResult {
    const at = pos ?? this.pos;
    if (at >= this.size) return { res: 0, data: new Uint8Array(0) };
    const n = Math.min(len, this.size - at);
    const data = this.data.slice(at, at + n);
    if (pos === undefined) this.pos += n;
    return { res: n, data };
  }

  write(bytes: Uint8Array, pos: number | undefined): number {
    const at = pos ?? this.pos;
    if (at + bytes.byteLength > this.data.byteLength) {
      const grown = new Uint8Array(Math.max(at + bytes.byteLength, this.data.byteLength * 2));
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(bytes, at);
    this.size = Math.max(this.size, at + bytes.byteLength);
    if (pos === undefined) this.pos += bytes.byteLength;
    return bytes.byteLength;
  }
}

/** A block device with a fixed size; it does not grow, and O_DIRECT checks alignment. */
export class BlockDevice extends RegularFile {
  override readonly kind = 'blockdev';
  override readonly isReg = false;
  /** Virtual nanoseconds from submission to completion of one I/O. */
  latencyNs = 20_000;
  static readonly SECTOR = 512;

  constructor(size: number, seed: number, odirect: boolean) {
    super(size, seed);
    this.odirect = odirect;
  }

  /** -EINVAL when an O_DIRECT request is not sector aligned. */
  checkDirect(addr: number, len: number, pos: number): number {
    if (!this.odirect) return 0;
    const s = BlockDevice.SECTOR;
    return addr % s || len % s || pos % s ? -ERRNO.EINVAL : 0;
  }

  override write(bytes: Uint8Array, pos: number | undefined): number {
    const at = pos ?? this.pos;
    if (at >= this.size) return -ERRNO.ENOSPC;
    return super.write(bytes.subarray(0, Math.min(bytes.byteLength, this.size - at)), pos);
  }
}
