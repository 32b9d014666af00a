// Human units for sizing reports: bytes in KiB/MiB/GiB, counts with thousands separators, rates.

/** 13963190 -> "13.3 MiB"; below 1 KiB, plain bytes. */
export function fmtBytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  if (Math.abs(n) < 1024) return `${n} B`;
  let v = n / 1024;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** 2559980 -> "2,559,980" (locale-independent, so reports and tests are the same everywhere). */
export function fmtCount(n: number): string {
  const [int, frac] = String(n).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** 0.0123 -> "1.23%"; small shares keep two significant digits. */
export function fmtPct(share: number): string {
  const pct = share * 100;
  if (pct === 0) return '0%';
  if (pct < 0.01) return '<0.01%';
  return `${pct < 10 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/** Events over a virtual duration as a rate: "1,234/s". */
export function fmtRate(n: number, durationMs: number): string {
  return `${fmtCount(Math.round((n * 1000) / durationMs))}/s`;
}

/** Axis labels: 1200 -> "1.2k", 3400000 -> "3.4M". */
export function fmtCompact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(n / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(+n.toFixed(2));
}
