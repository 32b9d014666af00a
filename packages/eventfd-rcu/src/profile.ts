// What differs between kernels for eventfd notification. Each knob can be overridden through the
// core profile's `quirks` (key `eventfd.<name>`), so a new kernel needs data, not code.

import type { KernelProfile } from '@uringlab/ring/extend';

export interface EventfdKnobs {
  /**
   * io_req_local_work_add() passes IOU_F_TWQ_IN_WAKE through to io_eventfd_signal() as `defer`
   * (7.3): task work queued from a poll wakeup signals through call_rcu_hurry() even when a
   * signal would be allowed. 6.18 signals at once unless inside an eventfd wakeup.
   */
  readonly deferInWake: boolean;
  /**
   * io_eventfd_do_signal() clears IO_EVENTFD_OP_SIGNAL_BIT before it signals (7.3). Without it
   * (6.18's io_eventfd_do_signal()), the bit stays set once one deferred signal has run, and
   * every later deferred signal of that registration is dropped as "already pending".
   */
  readonly clearsSignalBit: boolean;
}

const DEFAULTS: Record<string, EventfdKnobs> = {
  '7.3': { deferInWake: true, clearsSignalBit: true },
  '6.18': { deferInWake: false, clearsSignalBit: false },
};

export function eventfdKnobs(profile: KernelProfile): EventfdKnobs {
  const base = DEFAULTS[profile.id] ?? DEFAULTS['7.3']!;
  const q = profile.quirks;
  const bool = (k: keyof EventfdKnobs) => (typeof q[`eventfd.${k}`] === 'boolean' ? (q[`eventfd.${k}`] as boolean) : base[k]);
  return { deferInWake: bool('deferInWake'), clearsSignalBit: bool('clearsSignalBit') };
}
