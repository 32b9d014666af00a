// What differs between kernels for registered buffers. Each knob can be overridden through the
// core profile's `quirks` (key `rsrc.<name>`), so a new kernel needs data, not code.

import { ERRNO, type KernelProfile } from '@uringlab/ring/extend';

export interface RsrcKnobs {
  /**
   * io_validate_user_buf_range(): the largest buffer one iovec may register, in bytes. 6.18 caps
   * it at SZ_1G; "io_uring/rsrc: raise registered buffer 1GB limit" (7.2) raised it to SZ_1T.
   */
  readonly maxBufLen: bigint;
  /** The errno past maxBufLen: -EFAULT with the 1 GiB cap, -EINVAL with the 1 TiB one. */
  readonly overLenErrno: number;
  /**
   * io_clone_buffers() refuses to share buffers between rings charged to different users or mms
   * (ctx->user, ctx->mm_account), -EINVAL. Older kernels cloned across them.
   */
  readonly cloneChecksAccount: boolean;
  /**
   * io_uring_create() sets ctx->mm_account (so registered buffers count in the process's
   * mm->pinned_vm, VmPin) for every ring (6.18), or only for rings it charges to a user, those
   * created without CAP_IPC_LOCK (7.3: a root ring's buffers leave VmPin at 0).
   */
  readonly mmAccountPrivileged: boolean;
  /**
   * How a huge (compound) page shared by several buffers is charged. 7.3 counts, per ring, the
   * buffers using each huge page: the first charges it whole, the last one freed uncharges it.
   * 6.18 charges it to the first buffer registered on it (headpage_already_acct()) and uncharges
   * it with that buffer, even while other buffers of the ring still pin the page.
   */
  readonly hpageRingRefs: boolean;
}

const SZ_1G = 1n << 30n;
const SZ_1T = 1n << 40n;

const DEFAULTS: Record<string, RsrcKnobs> = {
  '7.3': { maxBufLen: SZ_1T, overLenErrno: -ERRNO.EINVAL, cloneChecksAccount: true, mmAccountPrivileged: false, hpageRingRefs: true },
  '6.18': { maxBufLen: SZ_1G, overLenErrno: -ERRNO.EFAULT, cloneChecksAccount: true, mmAccountPrivileged: true, hpageRingRefs: false },
};

export function rsrcKnobs(profile: KernelProfile): RsrcKnobs {
  const base = DEFAULTS[profile.id] ?? DEFAULTS['7.3']!;
  const q = profile.quirks;
  const big = (k: 'maxBufLen') => {
    const v = q[`rsrc.${k}`];
    return typeof v === 'number' || typeof v === 'string' ? BigInt(v) : base[k];
  };
  const num = (k: 'overLenErrno') => (typeof q[`rsrc.${k}`] === 'number' ? (q[`rsrc.${k}`] as number) : base[k]);
  const bool = (k: 'cloneChecksAccount' | 'mmAccountPrivileged' | 'hpageRingRefs') => (typeof q[`rsrc.${k}`] === 'boolean' ? (q[`rsrc.${k}`] as boolean) : base[k]);
  return { maxBufLen: big('maxBufLen'), overLenErrno: num('overLenErrno'), cloneChecksAccount: bool('cloneChecksAccount'), mmAccountPrivileged: bool('mmAccountPrivileged'), hpageRingRefs: bool('hpageRingRefs') };
}
