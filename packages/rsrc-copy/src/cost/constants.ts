// The prices of the cost model, and where each one comes from. A constant is `measured` (the
// testbed's timing run it was fitted from is named: kernel, VM or native, scenarios), `seed`
// (derived from a figure the seed quotes, with the inputs that figure rests on) or `assumed`
// (a reasoned guess, never shown as a measurement).

export interface CostConstant {
  readonly ns: number;
  readonly source: 'measured' | 'seed' | 'assumed';
  readonly basis: string;
}

/** One kernel on one machine: what a REGISTER_BUFFERS and a CLONE_BUFFERS call cost there. */
export interface CostProfile {
  readonly id: string;
  /** Which kernel's code paths the profile prices (6.18 scans for huge-page heads; 7.3 does not). */
  readonly kernel: '6.18' | '7.3';
  readonly where: string;
  /** Per REGISTER_BUFFERS call: the syscall, the table allocation, the ring lock. */
  readonly registerCall: CostConstant;
  /** Per buffer: its rsrc node, the page array kvmalloc/kvfree, the imu, io_account_mem(). */
  readonly perBuffer: CostConstant;
  /** Per base page pinned: the GUP walk's slot, the long-term-pin check, the coalescing scan. */
  readonly perPage: CostConstant;
  /** Per folio (bvec entry): its pin reference, the unpin of the extra ones, its accounting. */
  readonly perFolio: CostConstant;
  /** Per headpage_already_acct() loop step (6.18; 7.3 looks heads up in an xarray, in perFolio). */
  readonly acctScan: CostConstant;
  /** Per CLONE_BUFFERS call: the syscall, fget of the source, both ring locks, the table. */
  readonly cloneCall: CostConstant;
  /** Per cloned buffer: a new rsrc node and a refcount_inc() of the shared imu. */
  readonly clonePerBuffer: CostConstant;
}

const SEED_INPUTS = 'the seed (IORING_REGISTER_COPY_BUFFERS patch, 2024): 900 buffers of 1 GiB, each one 1 GiB huge page, ' +
  'registered in 738 ms and copied in 17 µs, on the author\'s machine (kernel 6.12-rc, native)';

/**
 * Prices derived from the seed's own figures. Registering 900 single-folio buffers is all
 * perPage work (262,144 base pages a buffer, one folio, no head scans), so 738 ms / (900 ×
 * 262,144) gives perPage; the 17 µs copy of 900 buffers gives clonePerBuffer. The other
 * constants are too small to show in those figures and are assumed.
 */
export const SEED_PROFILE: CostProfile = {
  id: 'seed',
  kernel: '6.18',
  where: SEED_INPUTS,
  registerCall: { ns: 2_000, source: 'assumed', basis: 'a syscall, a table kvmalloc and the ring lock: ~2 µs, invisible next to 738 ms' },
  perBuffer: { ns: 1_000, source: 'assumed', basis: 'node and imu allocation, a 2 MiB page-array kvmalloc/kvfree: ~1 µs, 0.1% of a 1 GiB buffer' },
  perPage: { ns: 738e6 / (900 * 262_144), source: 'seed', basis: `738 ms / (900 × 262,144 pages) = 3.13 ns; ${SEED_INPUTS}` },
  perFolio: { ns: 50, source: 'assumed', basis: 'one folio reference and one bvec: tens of ns; 900 of them are 45 µs of 738 ms' },
  acctScan: { ns: 1, source: 'assumed', basis: 'one PageCompound()/compound_head() test in a loop; absent for 1 GiB folios (one per buffer)' },
  cloneCall: { ns: 1_000, source: 'assumed', basis: 'fget, two mutexes and a table kvmalloc: ~1 µs of the 17 µs' },
  clonePerBuffer: { ns: 16e3 / 900, source: 'seed', basis: `(17 µs − the assumed 1 µs call) / 900 buffers = 17.8 ns; ${SEED_INPUTS}` },
};
