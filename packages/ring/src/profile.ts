// Kernel profiles: what differs between the kernels uringlab is checked against. Models take a
// profile instead of hiding the difference; extensions read their own knobs from `quirks`.

import { IORING_FEAT, IORING_OP_LAST, IORING_SETUP } from './uapi/constants.js';
import { UringError } from './errors.js';

export type KernelId = '7.3' | '6.18';

export interface KernelProfile {
  readonly id: KernelId;
  /** `uname -r` prefix of the kernel this profile was checked against. */
  readonly release: string;
  /** IORING_OP_LAST: opcodes at or above it fail with -EINVAL. */
  readonly opLast: number;
  /** IORING_SETUP_FLAGS: setup flags this kernel knows. */
  readonly setupFlags: number;
  /** IORING_FEAT_FLAGS as setup reports them. */
  readonly features: number;
  /** Last register opcode + 1 (IORING_REGISTER_LAST). */
  readonly registerLast: number;
  /** Version-specific knobs for extension packages (e.g. `kbuf.maxBufsPerList`). */
  readonly quirks: Readonly<Record<string, number | boolean | string>>;
}

const ALL_FEATURES = Object.values(IORING_FEAT).reduce((a, b) => a | b, 0);
const setupMaskUpTo = (bit: number): number => (2 ** (bit + 1) - 1) >>> 0;

export const PROFILES: Readonly<Record<KernelId, KernelProfile>> = {
  '7.3': {
    id: '7.3',
    release: '7.3',
    opLast: IORING_OP_LAST,
    setupFlags: setupMaskUpTo(Math.log2(IORING_SETUP.SQ_REWIND)),
    features: ALL_FEATURES,
    registerLast: 38,
    // Plain SEND and RECV take IORING_RECVSEND_FIXED_BUF (registered buffers). The ring's own
    // rings and SQE pages are not charged to RLIMIT_MEMLOCK (testbed: rsrc-memlock-enomem).
    quirks: { mmapBadOffsetErrno: 'passthrough', recvsendFixedBuf: true, auxCqeZeroesBig: true, drainActiveUntilNextReq: false, ringPagesMemlock: false, recvCommitsStored: true, cqeCacheOutlivesFailedRefill: false, netRetryAnyKbuf: false },
  },
  '6.18': {
    id: '6.18',
    release: '6.18',
    // 6.18 stops at IORING_OP_PIPE (62): NOP128 and URING_CMD128 came later.
    opLast: 63,
    setupFlags: setupMaskUpTo(Math.log2(IORING_SETUP.CQE_MIXED)),
    features: ALL_FEATURES,
    registerLast: 36,
    // io_uring_get_unmapped_area() turned every failed mmap validation into -ENOMEM.
    // Only SEND_ZC took IORING_RECVSEND_FIXED_BUF; SEND and RECV failed it with -EINVAL.
    // io_fill_cqe_aux() zeroed big_cqe only for IORING_CQE_F_32 CQEs: on a CQE32 ring a 16-byte
    // aux CQE kept the slot's old big_cqe (7.3 zeroes it; kbuf-mshot-cqe32-aux-big).
    // Only io_drain_req() of a request without IO_DRAIN cleared drain_active (7.3 also clears it
    // when the drained request completes with nothing deferred). io_create_region() charges the
    // ring's rings and SQE pages to ctx->user against RLIMIT_MEMLOCK (ringPagesMemlock).
    // A RECV with MSG_TRUNC committed the protocol's return (the whole datagram) to the buffer
    // ring, so on an incremental ring it ran on into the next buffers (7.3 commits what was
    // stored; kbuf-udp-recv-inc-trunc).
    // A partial MSG_WAITALL receive retried whatever buffer it had selected, an incremental
    // ring buffer included (no io_net_kbuf_can_retry(); kbuf-inc-waitall-*).
    // io_get_cqe_overflow() kept posting into the range of the last CQE cache refill after a
    // later refill failed: on a CQE_MIXED ring a 16-byte CQE then overwrote the SKIP filler or went
    // ahead of an overflowed 32-byte CQE (7.3 does neither; cqe-mixed-overflow-*).
    quirks: {
      mmapBadOffsetErrno: 'ENOMEM', recvsendFixedBuf: false, auxCqeZeroesBig: false, drainActiveUntilNextReq: true,
      ringPagesMemlock: true, recvCommitsStored: false, cqeCacheOutlivesFailedRefill: true, netRetryAnyKbuf: true,
    },
  },
};

export const DEFAULT_KERNEL: KernelId = '7.3';

export function getProfile(id: string = DEFAULT_KERNEL): KernelProfile {
  // Own keys only: `__proto__` or `constructor` is no profile.
  const p = typeof id === 'string' && Object.hasOwn(PROFILES, id) ? (PROFILES as Record<string, KernelProfile>)[id] : undefined;
  if (!p) throw new UringError('UNSUPPORTED_PROFILE', `unknown kernel profile ${String(id)}; known: ${Object.keys(PROFILES).join(', ')}`);
  return p;
}
