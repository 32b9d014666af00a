// Regular files and block devices. Regular files never wait on readiness (page cache hits);
// a block device opened O_DIRECT needs 512-byte aligned offset, length and address, and its
// I/O completes later, after a device latency in virtual time: through an interrupt, or, for
// polled I/O (REQ_POLLED on the device's poll queue), only when someone polls the queue.

import { ERRNO } from '../uapi/errno.js';
import type { Scheduler } from '../sched.js';
import { FMODE, FileObj, type ReadResult } from './file.js';
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

/** open(2)'s access modes and O_APPEND (include/uapi/asm-generic/fcntl.h). */
export const O = { RDONLY: 0, WRONLY: 1, RDWR: 2, ACCMODE: 3, APPEND: 0o2000 } as const;

/** Open flags by name, as a scenario gives them: one access mode, maybe APPEND. */
export function openFlags(names: readonly string[]): number {
  const modes = names.filter((n) => n === 'RDONLY' || n === 'WRONLY' || n === 'RDWR');
  if (modes.length !== 1) throw new UringError('EINVAL', `open flags take exactly one of RDONLY, WRONLY, RDWR, got [${names.join(', ')}]`);
  let v = 0;
  for (const n of names) {
    if (!(n in O) || n === 'ACCMODE') throw new UringError('EINVAL', `unknown open flag ${describeValue(n)} (RDONLY, WRONLY, RDWR, APPEND)`);
    v |= O[n as keyof typeof O];
  }
  return v;
}

/**
 * The filesystem a tmpfile is made on. Omitted, the file is in the executor's /tmp (ext4 on the
 * host, tmpfs in the VM) and the model treats it as neither: reads and writes complete inline.
 */
export type TmpfileFs = 'tmpfs' | 'ext4';

export class RegularFile extends FileObj {
  readonly kind: string = 'regular';
  readonly pollable = false;
  override readonly isReg: boolean = true;
  protected data: Uint8Array;
  size: number;
  /** f_mode & (FMODE_READ | FMODE_WRITE), from the open's access mode. */
  private readonly mode: number;
  /** f_flags & O_APPEND: every write goes to the end of the file (f_iocb_flags has IOCB_APPEND). */
  readonly oAppend: boolean;

  constructor(size: number, seed: number, flags: number = O.RDWR, readonly fs?: TmpfileFs) {
    super();
    if (fs !== undefined && fs !== 'tmpfs' && fs !== 'ext4') throw new UringError('EINVAL', `a tmpfile's fs is tmpfs or ext4, got ${describeValue(fs)}`);
    const acc = flags & O.ACCMODE;
    if ((flags & ~(O.ACCMODE | O.APPEND)) || acc === O.ACCMODE) {
      throw new UringError('EINVAL', `open flags ${describeValue(flags)}: an access mode (O_RDONLY, O_WRONLY, O_RDWR), maybe with O_APPEND`);
    }
    this.mode = acc === O.RDONLY ? FMODE.READ : acc === O.WRONLY ? FMODE.WRITE : FMODE.READ | FMODE.WRITE;
    this.oAppend = (flags & O.APPEND) !== 0;
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

  override get fmode(): number {
    return this.mode;
  }

  /**
   * FMODE_NOWAIT, which io_file_supports_nowait() asks of a file that cannot be polled: ext4's
   * open sets it (with FOP_BUFFER_RASYNC, so a cached read completes inline); a tmpfs (shmem)
   * file has none, on 6.18 and on 7.3 alike, so every nonblocking READ or WRITE of it is -EAGAIN
   * at once and goes to io-wq. A file whose filesystem the scenario did not name completes inline.
   */
  get nowait(): boolean {
    return this.fs !== 'tmpfs';
  }

  /**
   * FOP_BUFFER_WASYNC: io_write() sends a buffered write of a regular file to io-wq without it.
   * ext4 has none (6.18 and 7.3 both write from io-wq); unnamed filesystems write inline.
   */
  get bufferedWriteNowait(): boolean {
    return this.fs === undefined;
  }

  read(len: number, pos: number | undefined): ReadResult {
    const at = pos ?? this.pos;
    if (at >= this.size) return { res: 0, data: new Uint8Array(0) };
    const n = Math.min(len, this.size - at);
    const data = this.data.slice(at, at + n);
    if (pos === undefined) this.pos += n;
    return { res: n, data };
  }

  /**
   * A write whose first byte faulted: generic_perform_write() has already called write_begin for
   * the first folio when copy_folio_from_iter_atomic() copies nothing, and write_end with 0
   * copied (shmem_write_end(), ext4_write_end()/ext4_da_write_end()) still raises i_size to pos +
   * copied. So a write past the end leaves the file `pos` bytes long, a hole of zeros, and fails
   * -EFAULT (fuzz-1-1840; the same on tmpfs and ext4, on 6.18 and 7.3). f_pos does not move.
   */
  faultedWrite(pos: number | undefined, append: boolean = this.oAppend): number {
    // IOCB_APPEND: generic_write_checks() moved ki_pos to the end, so the size stays.
    const at = append ? this.size : pos ?? this.pos;
    if (at > this.size) {
      this.grow(at);
      this.size = at;
    }
    return -ERRNO.EFAULT;
  }

  private grow(end: number): void {
    if (end > MAX_FILE_SIZE) {
      throw new UringError('NOT_MODELLED', `a write that ends at byte ${end} of a regular file (the model keeps files of up to ${MAX_FILE_SIZE} bytes)`);
    }
    if (end <= this.data.byteLength) return;
    const grown = new Uint8Array(Math.min(MAX_FILE_SIZE, Math.max(end, this.data.byteLength * 2)));
    grown.set(this.data);
    this.data = grown;
  }

  /**
   * A write at `pos`, or at f_pos (advanced) when undefined. With `append` (IOCB_APPEND: O_APPEND,
   * or RWF_APPEND for one request) generic_write_checks() moves the position to the end of the
   * file first, whatever offset was asked; f_pos then ends up after the new bytes only when the
   * write used it (write(2), offset -1), a pwrite's offset leaves it alone.
   */
  write(bytes: Uint8Array, pos: number | undefined, append: boolean = this.oAppend): number {
    // generic_write_checks(): nothing to write returns before IOCB_APPEND moves ki_pos.
    if (bytes.byteLength === 0) return 0;
    if (append) {
      const end = this.size;
      const n = this.write(bytes, end, false);
      if (pos === undefined && n > 0) this.pos = end + n;
      return n;
    }
    const at = pos ?? this.pos;
    this.grow(at + bytes.byteLength);
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
