// What one REGISTER_BUFFERS call has to walk: for every buffer, the base pages it spans (each
// one goes through io_pin_pages() and io_check_coalesce_buffer()), the folios those pages sit in
// (one bvec each once io_coalesce_buffer() has merged a huge page's pages) and, on 6.18, the
// compound-head comparisons headpage_already_acct() makes.

import { PAGE_SIZE } from './units.js';

export interface PoolInput {
  /** Bytes registered in all (the sum of the buffers). */
  poolBytes: number;
  /** Bytes per registered buffer (the iovec's length); the last one may be shorter. */
  bufferBytes: number;
  /** Size of the pages backing the pool: 4096 (base pages) or a huge page size (2 MiB, 1 GiB). */
  pageBytes: number;
}

export interface PoolShape {
  buffers: number;
  /** Base pages pinned over all buffers. */
  pages: number;
  /** bvec entries over all buffers: folios after coalescing, or pages when nothing coalesces. */
  folios: number;
  /** headpage_already_acct() loop steps over all buffers (6.18's accounting of huge pages). */
  acctScans: number;
  /** Bytes charged to RLIMIT_MEMLOCK and mm->pinned_vm by one registration. */
  chargedBytes: number;
}

/**
 * Walks the buffers of a pool laid out back to back from a start aligned to `pageBytes`, as the
 * seed's test program does with its huge pages. io_sqe_buffer_register() per buffer:
 * io_pin_pages() pins every base page; with huge pages io_check_coalesce_buffer() finds one run
 * per folio and io_coalesce_buffer() keeps one entry per folio; io_buffer_account_pin() charges
 * a base page as 4 KiB and a huge page whole, once (last_hpage catches a folio shared with the
 * buffer before; headpage_already_acct() scans the entries before it in the same buffer).
 */
export function poolShape(p: PoolInput): PoolShape {
  const huge = p.pageBytes > PAGE_SIZE;
  const full = Math.floor(p.poolBytes / p.bufferBytes);
  const tail = p.poolBytes - full * p.bufferBytes;
  const s: PoolShape = { buffers: 0, pages: 0, folios: 0, acctScans: 0, chargedBytes: 0 };
  let lastFolio = -1;
  // Buffers of one length starting at the same offset within a folio have the same shape:
  // group them by that offset so a pool of 16384 buffers costs a handful of evaluations.
  const add = (start: number, len: number, times: number) => {
    const firstPage = Math.floor(start / PAGE_SIZE);
    const pages = Math.floor((start + len - 1) / PAGE_SIZE) - firstPage + 1;
    s.buffers += times;
    s.pages += pages * times;
    if (!huge) {
      s.folios += pages * times;
      s.chargedBytes += pages * PAGE_SIZE * times;
      return;
    }
    const firstFolio = Math.floor(start / p.pageBytes);
    const lastOfBuf = Math.floor((start + len - 1) / p.pageBytes);
    const folios = lastOfBuf - firstFolio + 1;
    // A single page never coalesces (nr_pages > 1 is required), but it is one entry anyway.
    s.folios += folios * times;
    // Entry i (a new head) scans the i entries before it. The first entry is not charged again
    // when it is the previous buffer's last folio (last_hpage).
    const sharedFirst = firstFolio === lastFolio ? 1 : 0;
    s.acctScans += (folios * (folios - 1) / 2) * times;
    s.chargedBytes += (folios - sharedFirst) * p.pageBytes * times;
    lastFolio = lastOfBuf;
  };
  if (huge && full > 1 && (p.bufferBytes % p.pageBytes === 0 || p.pageBytes % p.bufferBytes === 0)) {
    // Either every buffer covers whole folios, or several buffers share each folio: the pattern
    // repeats with period lcm(buffer, page) / buffer, so walk one period and scale.
    const period = p.bufferBytes % p.pageBytes === 0 ? 1 : p.pageBytes / p.bufferBytes;
    const periods = Math.floor(full / period);
    const before = { ...s };
    for (let i = 0; i < period; i++) add(i * p.bufferBytes, p.bufferBytes, 1);
    // The first buffer of the first period cannot share a folio with anything before it; the
    // first of each later period can only if a folio straddles periods, which it does not here.
    for (const k of ['buffers', 'pages', 'folios', 'acctScans', 'chargedBytes'] as const) s[k] = before[k] + (s[k] - before[k]) * periods;
    for (let i = periods * period; i < full; i++) add(i * p.bufferBytes, p.bufferBytes, 1);
  } else if (!huge && p.bufferBytes % PAGE_SIZE === 0) {
    add(0, p.bufferBytes, full);
  } else {
    for (let i = 0; i < full; i++) add(i * p.bufferBytes, p.bufferBytes, 1);
  }
  if (tail) add(full * p.bufferBytes, tail, 1);
  return s;
}
