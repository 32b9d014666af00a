// Regular files and block devices. Regular files never wait on readiness (page cache hits);
// a block device opened O_DIRECT needs 512-byte aligned offset, length and address, and its
// I/O completes later, after a device latency in virtual time: through an interrupt, or, for
// polled I/O (REQ_POLLED on the device's poll queue), only when someone polls the queue.

import { ERRNO } from '../uapi/errno.js';
import type { Scheduler } from '../sched.js';
import { FileObj, type ReadResult } from './file.js';
import { UringError } from '../errors.js';
import { describeValue } from '../args.js';

/** The largest file the model creates at once (the testbed's tmpfs holds half the guest's 1 GiB). */
export const MAX_FILE_SIZE = 1 << 28;

/** A polled I/O in flight: the device finishes it at `at`; a poll then runs its completion. */
interface PolledIo {
  readonly at: number;
  readonly done: () => void;
}

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
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new UringError('EINVAL', `a file size must be a non-negative integer, got ${describeValue(size)}`);
    }
    if (size > MAX_FILE_SIZE) throw new UringError('ENOSPC', `a ${size}-byte file: the model creates files of at most ${MAX_FILE_SIZE} bytes`);
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
    if (at + bytes.byteLength > MAX_FILE_SIZE) {
      throw new UringError('NOT_MODELLED', `a write that ends at byte ${at + bytes.byteLength} of a regular file (the model keeps files of up to ${MAX_FILE_SIZE} bytes)`);
    }
    if (at + bytes.byteLength > this.data.byteLength) {
      const grown = new Uint8Array(Math.min(MAX_FILE_SIZE, Math.max(at + bytes.byteLength, this.data.byteLength * 2)));
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
  /** The one poll queue (the testbed's nvme poll_queues=1), in submission order. */
  private readonly polled: PolledIo[] = [];

  constructor(readonly size: number, odirect: boolean) {
    super();
    this.odirect = odirect;
  }

  /** Queues a bio on the poll queue: no interrupt will report it, only iopoll() does. */
  submitPolled(at: number, done: () => void): void {
    this.polled.push({ at, done });
  }

  /** Polled bios not yet reaped. */
  get polledInFlight(): number {
    return this.polled.length;
  }

  /**
   * iocb_bio_iopoll() -> blk_mq_poll() -> nvme_poll(): completes every polled bio the device has
   * finished by now. Spinning (no BLK_POLL_ONESHOT), the CPU first waits for the earliest to
   * finish, letting virtual time pass.
   */
  override iopoll(sched: Scheduler, spin: boolean): number {
    const first = this.polled[0];
    if (!first) return 0;
    if (spin && first.at > sched.now) sched.runUntil(() => sched.now >= first.at, first.at - sched.now);
    let n = 0;
    while (this.polled.length && this.polled[0]!.at <= sched.now) {
      this.polled.shift()!.done();
      n++;
    }
    return n;
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
