// The plan as text for a terminal and as JSON for a program.

import type { Plan } from './plan.js';
import { COST_PROFILES } from './profiles.js';
import { formatBytes, formatNs } from './units.js';

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export function formatPlan(plan: Plan): string {
  const { input: i, shape: s, strategies } = plan;
  const lines = [
    `pool ${formatBytes(i.poolBytes)}: ${count(s.buffers, 'buffer', 'buffers')} of ${formatBytes(i.bufferBytes)} on ${formatBytes(i.pageBytes)} pages ` +
      `(${count(s.pages, 'base page', 'base pages')}, ${count(s.folios, 'folio', 'folios')}), ${count(i.rings, 'ring', 'rings')}, prices ${i.profile} (kernel ${i.kernel})`,
    `register, per ring: ${formatNs(plan.register.ns)}   clone, per ring: ${formatNs(plan.clone.ns)}   ratio ${Math.round(plan.ratio).toLocaleString('en-US')}×`,
    `memory charged per registration: ${formatBytes(s.chargedBytes)} (RLIMIT_MEMLOCK and mm->pinned_vm; a clone charges nothing)`,
    '',
  ];
  const w = Math.max(...strategies.map((x) => x.label.length));
  lines.push(`${'strategy'.padEnd(w)}  ${'all rings'.padStart(10)}  ${'charged'.padStart(10)}  memlock`);
  for (const x of strategies) {
    lines.push(`${x.label.padEnd(w)}  ${formatNs(x.totalNs).padStart(10)}  ${formatBytes(x.chargedBytes).padStart(10)}  ${x.enomemAtRing === null ? 'fits' : `ENOMEM at ring ${x.enomemAtRing}`}`);
  }
  if (i.rings > 1) lines.push('', `registering once and cloning is ${plan.speedup.toFixed(1)}× faster for ${i.rings} rings`);
  const assumed = plan.constants.filter((c) => c.constant.source !== 'measured').map((c) => c.name);
  lines.push(`prices: ${COST_PROFILES[i.profile].where}`);
  if (assumed.length) lines.push(`not measured (${assumed.join(', ')}): their sources are in --json, --html and COSTS.md`);
  return `${lines.join('\n')}\n`;
}

/** JSON of the plan (numbers in ns and bytes). */
export function planJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
