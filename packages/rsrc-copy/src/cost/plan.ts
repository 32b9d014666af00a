// `uringlab rsrc plan` as an API: for a pool, a page size and a ring count, what each strategy
// costs — "register the pool in every ring" versus "register it once and clone the table" —
// in time per ring, in total, and in memory charged to RLIMIT_MEMLOCK / mm->pinned_vm.

import { UringError } from '@uringlab/ring';
import { COST_PROFILES, type CostProfileId } from './profiles.js';
import type { CostConstant, CostProfile } from './constants.js';
import { BUFFER_CAP, defaultBufferBytes, IORING_MAX_REG_BUFFERS, MAX_PAGE, MAX_RINGS, USER_ADDRESS_SPACE } from './limits.js';
import { cloneCostOf, registerCostOf, type CloneCost, type RegisterCost } from './model.js';
import { poolShape, type PoolShape } from './shape.js';
import { formatBytes, PAGE_SIZE, parseSize } from './units.js';

export interface PlanInput {
  /** Total bytes of the pool ("900g", or a number). */
  pool: string | number;
  /** Backing page size: 4k (default), 2m, 1g. */
  pageSize?: string | number;
  /** Rings that need the pool (default 2). */
  rings?: number;
  /** Bytes per registered buffer (default: one page, as in the seed, or more when 16384 buffers would not hold the pool). */
  bufferSize?: string | number;
  /** Which prices (default native-6.18); its kernel decides the limits. */
  profile?: CostProfileId;
  /** RLIMIT_MEMLOCK of an unprivileged user (default: none, as for root / CAP_IPC_LOCK). */
  memlock?: string | number;
}

export type StrategyId = 'register-each' | 'register-once-clone';

export interface StrategyCost {
  id: StrategyId;
  label: string;
  /** Time to give all rings the pool, ns (one after the other, as one thread would). */
  totalNs: number;
  /** Each ring's own call: registration for the first (and, for register-each, every) ring. */
  perRingNs: number[];
  /** Bytes charged in all: each registration charges the pool again; a clone charges nothing. */
  chargedBytes: number;
  /** The first ring (1-based) whose registration RLIMIT_MEMLOCK refuses with ENOMEM, if any. */
  enomemAtRing: number | null;
}

export interface Plan {
  input: { poolBytes: number; pageBytes: number; bufferBytes: number; rings: number; profile: CostProfileId; kernel: CostProfile['kernel']; memlockBytes: number | null };
  shape: PoolShape;
  register: RegisterCost;
  clone: CloneCost;
  /** Registration time over clone time for one ring. */
  ratio: number;
  strategies: [StrategyCost, StrategyCost];
  /** register-each total over register-once-clone total. */
  speedup: number;
  /** Every price used, with its source. */
  constants: { name: string; constant: CostConstant }[];
}

function positiveInt(v: unknown, what: string, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UringError('EINVAL', `${what} must be a whole number of at least 1, not ${String(v)}`);
  if (v > max) throw new UringError('EINVAL', `${what} of ${v} is past the most this plans for (${max})`);
  return v;
}

/** The checks in the order a user meets them, each an errno the kernel (or mmap) would give. */
export function validatePlanInput(i: PlanInput): Plan['input'] {
  const profile = i.profile ?? 'native-6.18';
  if (!Object.hasOwn(COST_PROFILES, profile)) throw new UringError('EINVAL', `profile must be one of ${Object.keys(COST_PROFILES).join(', ')}, not "${profile}"`);
  const kernel = COST_PROFILES[profile].kernel;
  const poolBytes = parseSize(i.pool, 'pool size');
  if (poolBytes <= 0) throw new UringError('EINVAL', `pool size must be positive, not ${poolBytes}`);
  if (poolBytes > USER_ADDRESS_SPACE) throw new UringError('ENOMEM', `a pool of ${formatBytes(poolBytes)} is larger than the x86-64 user address space (128 TiB): no mmap() can hold it`);
  const pageBytes = parseSize(i.pageSize ?? PAGE_SIZE, 'page size');
  if (pageBytes < PAGE_SIZE || (pageBytes & (pageBytes - 1)) !== 0 || pageBytes > MAX_PAGE) {
    throw new UringError('EINVAL', `page size must be a power of two from 4 KiB to 1 GiB (4k, 2m, 1g), not ${pageBytes}`);
  }
  const rings = positiveInt(i.rings ?? 2, 'ring count', MAX_RINGS);
  const cap = BUFFER_CAP[kernel];
  const bufferBytes = i.bufferSize === undefined ? defaultBufferBytes(poolBytes, pageBytes, cap.bytes) : parseSize(i.bufferSize, 'buffer size');
  if (bufferBytes <= 0) throw new UringError('EFAULT', `buffer size must be positive: a zero-length iovec is -EFAULT (io_validate_user_buf_range())`);
  if (bufferBytes > cap.bytes) throw new UringError(cap.errno, `a buffer of ${formatBytes(bufferBytes)} is past ${kernel}'s per-buffer cap of ${formatBytes(cap.bytes)} (io_validate_user_buf_range())`);
  if (bufferBytes > poolBytes) throw new UringError('EINVAL', `buffer size ${formatBytes(bufferBytes)} is larger than the pool (${formatBytes(poolBytes)})`);
  const buffers = Math.ceil(poolBytes / bufferBytes);
  if (buffers > IORING_MAX_REG_BUFFERS) {
    throw new UringError('EINVAL', `${buffers} buffers of ${formatBytes(bufferBytes)} exceed IORING_MAX_REG_BUFFERS (${IORING_MAX_REG_BUFFERS}); use buffers of at least ${formatBytes(Math.ceil(poolBytes / IORING_MAX_REG_BUFFERS))}`);
  }
  let memlockBytes: number | null = null;
  if (i.memlock !== undefined) {
    memlockBytes = parseSize(i.memlock, 'memlock limit');
    if (memlockBytes < 0) throw new UringError('EINVAL', `memlock limit must not be negative, not ${memlockBytes}`);
  }
  return { poolBytes, pageBytes, bufferBytes, rings, profile, kernel, memlockBytes };
}

/** __io_account_mem(): the first registration (1-based) that would take locked_vm past the limit. */
function enomemAt(chargedPerRegistration: number, registrations: number, limit: number | null): number | null {
  if (limit === null || chargedPerRegistration === 0) return null;
  // The limit is compared in pages (rlimit >> PAGE_SHIFT), the charge too.
  const limitPages = Math.floor(limit / PAGE_SIZE), perPages = chargedPerRegistration / PAGE_SIZE;
  const k = Math.floor(limitPages / perPages) + 1;
  return k <= registrations ? k : null;
}

export function planPool(i: PlanInput): Plan {
  const input = validatePlanInput(i);
  const profile = COST_PROFILES[input.profile];
  const shape = poolShape(input);
  const register = registerCostOf(shape, profile);
  const clone = cloneCostOf(shape.buffers, profile);
  const { rings } = input;
  const each: StrategyCost = {
    id: 'register-each',
    label: 'register the pool in each ring',
    totalNs: rings * register.ns,
    perRingNs: Array.from({ length: rings }, () => register.ns),
    chargedBytes: rings * shape.chargedBytes,
    enomemAtRing: enomemAt(shape.chargedBytes, rings, input.memlockBytes),
  };
  const once: StrategyCost = {
    id: 'register-once-clone',
    label: 'register once, clone into the other rings',
    totalNs: register.ns + (rings - 1) * clone.ns,
    perRingNs: Array.from({ length: rings }, (_, k) => (k === 0 ? register.ns : clone.ns)),
    chargedBytes: shape.chargedBytes,
    enomemAtRing: enomemAt(shape.chargedBytes, 1, input.memlockBytes),
  };
  const constants = (['registerCall', 'perBuffer', 'perPage', 'perFolio', 'acctScan', 'cloneCall', 'clonePerBuffer'] as const)
    .map((name) => ({ name, constant: profile[name] }));
  return { input, shape, register, clone, ratio: register.ns / clone.ns, strategies: [each, once], speedup: each.totalNs / once.totalNs, constants };
}
