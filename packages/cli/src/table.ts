// A trace as a table a person reads: one row per event.

import type { TraceEvent } from '@uringlab/ring';

function res(e: { res: number; errno?: string }): string {
  return e.errno ? `-${e.errno}` : String(e.res);
}

function detail(e: TraceEvent): string {
  switch (e.ev) {
    case 'setup': return e.res < 0 ? '' : `sq=${e.sq_entries} cq=${e.cq_entries}`;
    case 'cqe': return `ud=${e.user_data} ${e.flags.join('|')}${e.bid !== undefined ? ` bid=${e.bid}` : ''}${e.big_cqe ? ` big=${e.big_cqe.join(',')}` : ''}`.trim();
    case 'ring': return `sq ${e.sq_head}/${e.sq_tail} cq ${e.cq_head}/${e.cq_tail} sq_flags=${e.sq_flags.join('|') || '0'} dropped=${e.sq_dropped} overflow=${e.cq_overflow}`;
    case 'reaped': return `n=${e.n}`;
    case 'register': return e.op;
    case 'mem': return e.fields ? JSON.stringify(e.fields) : e.hex ?? '';
    case 'io': return e.hex ?? '';
    case 'skip': return e.reason;
    case 'error': return e.message;
    case 'crash': return e.signal;
    default: return '';
  }
}

export function formatTable(trace: readonly TraceEvent[]): string {
  const rows = trace.map((e) => [
    String(e.step),
    e.ev,
    'ring' in e ? e.ring : 'fd' in e ? String(e.fd) : 'name' in e ? e.name : 'region' in e ? e.region : '',
    'res' in e ? res(e) : '',
    detail(e),
  ]);
  const head = ['step', 'event', 'on', 'res', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
