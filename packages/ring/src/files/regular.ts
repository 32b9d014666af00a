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
    // generic_perform_write() of nothing copies nothing: the size stays, wherever pos points.
    if (bytes.byteLength === 0) return 0;
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

/**
 * A block device with a fixed size. Unwritten blocks read as the testbed disk's pattern (byte i
 * of 4 KiB block b is (b + i) & 0xff); written blocks are kept sparsely so a 64 MiB device costs
 * nothing until used. O_DIRECT needs 512-byte aligned offset, length and address.
 */
export class BlockDevice extends FileObj {
  readonly kind = 'blockdev';
  readonly pollable = false;
  /** Virtual nanoseconds from submission to completion of one I/O. */
  latencyNs = 20_000;
  static readonly SECTOR = 512;
  static readonly BLOCK = 4096;
  private readonly written = new Map<number, Uint8Array>();

  constructor(readonly size: number, odirect: boolean) {
    super();
    this.odirect = odirect;
  }

  readable(): boolean {
    return true;
  }
  writable(): boolean {
    return true;
  }

  /** -EINVAL when an O_DIRECT request is not sector aligned. */
  checkDirect(addr: number, len: number, pos: number): number {
    if (!this.odirect) return 0;
    const s = BlockDevice.SECTOR;
    return addr % s || len % s || pos % s ? -ERRNO.EINVAL : 0;
  }

  private block(b: number): Uint8Array {
    let blk = this.written.get(b);
    if (!blk) {
      blk = new Uint8Array(BlockDevice.BLOCK);
      for (let i = 0; i < blk.length; i++) blk[i] = (b + i) & 0xff;
    }
    return blk;
  }

  read(len: number, pos: number | undefined): ReadResult {
    const at = pos ?? this.pos;
    if (at >= this.size) return { res: 0, data: new Uint8Array(0) };
    const n = Math.min(len, this.size - at);
    const data = new Uint8Array(n);
    for (let done = 0; done < n; ) {
      const b = Math.floor((at + done) / BlockDevice.BLOCK);
      const off = (at + done) % BlockDevice.BLOCK;
      const take = Math.min(BlockDevice.BLOCK - off, n - done);
      data.set(this.block(b).subarray(off, off + take), done);
      done += take;
    }
    if (pos === undefined) this.pos += n;
    return { res: n, data };
  }

  write(bytes: Uint8Array, pos: number | undefined): number {
    const at = pos ?? this.pos;
    if (at >= this.size) return -ERRNO.ENOSPC;
    const n = Math.min(bytes.byteLength, this.size - at);
    for (let done = 0; done < n; ) {
      const b = Math.floor((at + done) / BlockDevice.BLOCK);
      const off = (at + done) % BlockDevice.BLOCK;
      const take = Math.min(BlockDevice.BLOCK - off, n - done);
      const blk = this.block(b).slice();
      blk.set(bytes.subarray(done, done + take), off);
      this.written.set(b, blk);
      done += take;
    }
    if (pos === undefined) this.pos += n;
    return n;
  }
}

/** A block device (a brand check on `kind`, so it holds across package copies). */
export function isBlockDevice(f: { kind: string } | null | undefined): f is BlockDevice {
  return f?.kind === 'blockdev';
}
