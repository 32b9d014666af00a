// The measured profiles: prices fitted (fit.ts) to `pnpm testbed:rsrc-timing` runs, one per
// machine and kernel. Each constant names its run; re-run and refit when the kernel changes.
// Both runs were made on a shared 2-CPU development machine, so they carry its noise (COSTS.md).

import { SEED_PROFILE, type CostConstant, type CostProfile } from './constants.js';

const NATIVE_RUN = 'fitted to `pnpm testbed:rsrc-timing --native` on host kernel 6.18.44 (native: the dev machine, itself a ' +
  'Firecracker guest under KVM), 2026-12-01, the 10 rsrc-time-* cases (4 KiB pages and 2 MiB THP via madvise; medians of 5 timings each)';
const VM_RUN = 'fitted to `pnpm testbed:rsrc-timing` on Linux 7.3.4 in QEMU under TCG (emulated: ~10-40× slower than ' +
  'hardware), 2026-12-01, the 10 rsrc-time-* cases (4 KiB pages and 2 MiB hugetlb pages the guest reserves at boot; medians of 7 timings each)';

const measured = (ns: number, run: string, what: string): CostConstant => ({ ns, source: 'measured', basis: `${what}; ${run}` });

export const NATIVE_618_PROFILE: CostProfile = {
  id: 'native-6.18',
  kernel: '6.18',
  where: NATIVE_RUN,
  registerCall: measured(16_190, NATIVE_RUN, 'the fit\'s intercept: syscall, zeroed table kvmalloc, locks'),
  perBuffer: measured(301.8, NATIVE_RUN, 'per buffer'),
  perPage: measured(3.052, NATIVE_RUN, 'per 4 KiB page (carried by the THP cases: 131,072 pages in 256 folios)'),
  perFolio: measured(99.38, NATIVE_RUN, 'per folio (carried by the 4 KiB cases, where every page is a folio)'),
  acctScan: measured(2.646, NATIVE_RUN, 'per headpage_already_acct() step (carried by the one-buffer 512 MiB THP case)'),
  cloneCall: measured(3_679, NATIVE_RUN, 'the clone fit\'s intercept'),
  clonePerBuffer: measured(59.48, NATIVE_RUN, 'per cloned buffer (16 to 16,384 buffers)'),
};

export const VM_73_PROFILE: CostProfile = {
  id: 'vm-7.3',
  kernel: '7.3',
  where: VM_RUN,
  registerCall: measured(230_790, VM_RUN, 'the fit\'s intercept'),
  perBuffer: measured(10_891, VM_RUN, 'per buffer'),
  perPage: measured(10.74, VM_RUN, 'per 4 KiB page (carried by the hugetlb cases)'),
  perFolio: measured(516.5, VM_RUN, 'per folio, the hpage_acct xarray look-up included (carried by the 4 KiB cases)'),
  acctScan: { ns: 0, source: 'assumed', basis: '7.3 has no headpage_already_acct() scan (the hpage_acct xarray replaced it)' },
  cloneCall: measured(25_250, VM_RUN, 'the clone fit\'s intercept'),
  clonePerBuffer: measured(481.05, VM_RUN, 'per cloned buffer (4 to 16,384 buffers)'),
};

export const COST_PROFILES = {
  'native-6.18': NATIVE_618_PROFILE,
  'vm-7.3': VM_73_PROFILE,
  seed: SEED_PROFILE,
} as const satisfies Record<string, CostProfile>;
export type CostProfileId = keyof typeof COST_PROFILES;
