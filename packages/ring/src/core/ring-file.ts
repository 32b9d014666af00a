// The anonymous file behind a ring fd ("[io_uring]"): pollable for CQEs (io_uring_poll()),
// neither readable nor writable with read(2)/write(2); its release tears the ring down.

import { ERRNO } from '../uapi/errno.js';
import { FileObj } from '../files/file.js';
import type { RingCtx } from './ctx.js';
import { ringRelease } from './exit.js';

export class RingFile extends FileObj {
  readonly kind = 'io_uring';
  readonly pollable = true;
  constructor(readonly ctx: RingCtx) {
    super();
  }
  readable(): boolean {
    return this.ctx.cqEventsUser() > 0;
  }
  writable(): boolean {
    return false;
  }
  read() {
    return { res: -ERRNO.EINVAL };
  }
  write(): number {
    return -ERRNO.EINVAL;
  }
  /** io_uring_release() */
  protected override release(): void {
    ringRelease(this.ctx);
  }
}

/** io_is_uring_fops(): a brand check on `kind`, so it holds across package copies. */
export function isRingFile(f: { kind: string } | null | undefined): f is RingFile {
  return f?.kind === 'io_uring';
}
