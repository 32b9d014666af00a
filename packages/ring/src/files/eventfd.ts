// eventfd(2): a 64-bit counter. Reads take the whole count (or 1 with EFD_SEMAPHORE) and wait
// while it is zero; writes add and wake readers.

import { ERRNO } from '../uapi/errno.js';
import { FileObj, type ReadResult } from './file.js';

export const EFD_SEMAPHORE = 1;
export const EFD_NONBLOCK = 0o4000;

export class EventFd extends FileObj {
  readonly kind = 'eventfd';
  readonly pollable = true;
  count: bigint;
  /** Every value signalled, for models that check what io_uring posted. */
  signals = 0;

  constructor(initval: number, readonly efdFlags: number) {
    super();
    this.count = BigInt(initval);
  }

  readable(): boolean {
    return this.count > 0n;
  }
  writable(): boolean {
    return this.count < 0xfffffffffffffffen;
  }

  read(len: number): ReadResult {
    if (len < 8) return { res: -ERRNO.EINVAL };
    if (this.count === 0n) return { res: -ERRNO.EAGAIN };
    const take = this.efdFlags & EFD_SEMAPHORE ? 1n : this.count;
    this.count -= take;
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigUint64(0, take, true);
    this.wake();
    return { res: 8, data };
  }

  write(data: Uint8Array): number {
    if (data.byteLength < 8) return -ERRNO.EINVAL;
    const v = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
    if (v === 0xffffffffffffffffn) return -ERRNO.EINVAL;
    this.signal(v);
    return 8;
  }

  /** eventfd_signal(): what io_uring calls when it posts CQEs. */
  signal(n: bigint = 1n): void {
    this.count += n;
    this.signals++;
    this.wake();
  }
}
