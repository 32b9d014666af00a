// What differs between kernels for provided buffers. Each knob can be overridden through the
// core profile's `quirks` (key `kbuf.<name>`), so a new kernel needs data, not code.

import type { KernelProfile } from '@uringlab/ring/extend';

export interface KbufKnobs {
  /**
   * Cap on buffers in one legacy list (io_add_buffers). 6.18 compares with USHRT_MAX (65535);
   * 7.2+ with MAX_BIDS_PER_BGID (65536), after "use MAX_BIDS_PER_BGID in the add-side check".
   */
  readonly maxBufsPerList: number;
  /**
   * io_ring_buffer_select() and io_ring_buffers_peek() check access_ok() on each entry (7.2+);
   * 6.18 fails later, at import or at the copy, after a send has already consumed the buffer.
   */
  readonly accessOkAtSelect: boolean;
  /**
   * io_ring_buffers_peek() moves its head past the buffer that used up max_len before it stops
   * (7.3), so taking the last buffer marks the list empty (REQ_F_BL_EMPTY: a multishot bundle
   * ends). 6.18 stops first: the list still looks nonempty and the multishot receive stays armed
   * (IORING_CQE_F_MORE). Scenario kbuf-fuzz-137701243-2211 shows both.
   */
  readonly peekAdvancesOnFill: boolean;
}

const DEFAULTS: Record<string, KbufKnobs> = {
  '7.3': { maxBufsPerList: 65536, accessOkAtSelect: true, peekAdvancesOnFill: true },
  '6.18': { maxBufsPerList: 65535, accessOkAtSelect: false, peekAdvancesOnFill: false },
};

export function kbufKnobs(profile: KernelProfile): KbufKnobs {
  const base = DEFAULTS[profile.id] ?? DEFAULTS['7.3']!;
  const q = profile.quirks;
  const num = (k: string, d: number) => (typeof q[`kbuf.${k}`] === 'number' ? (q[`kbuf.${k}`] as number) : d);
  const bool = (k: string, d: boolean) => (typeof q[`kbuf.${k}`] === 'boolean' ? (q[`kbuf.${k}`] as boolean) : d);
  return {
    maxBufsPerList: num('maxBufsPerList', base.maxBufsPerList),
    accessOkAtSelect: bool('accessOkAtSelect', base.accessOkAtSelect),
    peekAdvancesOnFill: bool('peekAdvancesOnFill', base.peekAdvancesOnFill),
  };
}
