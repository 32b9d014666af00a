// What the splat scan can honestly claim. The patterns in splats.ts match every class of kernel
// report, but a class shows up only if the guest kernel's config builds its detector (Debian's
// has no KASAN and no lockdep) and only if the detector fires before the run moves on. This reads
// the guest kernel's config and the hung-task setting /init reported, and says which classes the
// run can see, which it cannot, and which only after a scenario's budget has passed.
import { existsSync, readFileSync } from 'node:fs';

export interface SplatCoverage {
  /** Classes the guest kernel reports within a scenario's budget. */
  reported: string[];
  /** Classes it cannot report at all, with the config option that is off. */
  cannot: { class: string; why: string }[];
  /** Classes it reports, but only after longer than a scenario's budget. */
  late: { class: string; after_s: number }[];
}

export type KernelConfig = ReadonlyMap<string, string>;

export function parseConfig(text: string): KernelConfig {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const on = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (on) m.set(on[1]!, on[2]!);
  }
  return m;
}

export function readConfig(path: string): KernelConfig | undefined {
  return existsSync(path) ? parseConfig(readFileSync(path, 'utf8')) : undefined;
}

/** `@@ - hung-task TIMEOUT INTERVAL` from /init: what the guest's detector was set to. */
export function hungTaskSetting(meta: readonly string[]): { timeout: number; interval: number } | undefined {
  for (const m of meta) {
    const x = /^hung-task (\d+) (\d+)$/.exec(m);
    if (x) return { timeout: Number(x[1]), interval: Number(x[2]) };
  }
  return undefined;
}

export function splatCoverage(cfg: KernelConfig, meta: readonly string[], budgetS: number): SplatCoverage {
  const on = (k: string) => cfg.get(k) === 'y';
  const num = (k: string, dflt: number) => Number(cfg.get(k) ?? dflt);
  const out: SplatCoverage = { reported: [], cannot: [], late: [] };
  const add = (cls: string, needs: string | undefined, afterS?: number) => {
    if (needs && !on(needs)) out.cannot.push({ class: cls, why: `${needs} is not set` });
    else if (afterS !== undefined && afterS > budgetS) out.late.push({ class: cls, after_s: afterS });
    else out.reported.push(cls);
  };
  // Always built in: WARN_ON, BUG_ON, oopses and general protection faults, panics.
  for (const c of ['warning', 'bug', 'kernel-bug', 'oops', 'gpf', 'panic']) add(c, undefined);
  add('kasan', 'CONFIG_KASAN');
  add('ubsan', 'CONFIG_UBSAN');
  add('lockdep', 'CONFIG_PROVE_LOCKING');
  add('rcu-usage', 'CONFIG_PROVE_RCU');
  // A stall is reported after CONFIG_RCU_CPU_STALL_TIMEOUT seconds.
  add('rcu-stall', cfg.has('CONFIG_RCU_STALL_COMMON') ? undefined : 'CONFIG_RCU_STALL_COMMON', num('CONFIG_RCU_CPU_STALL_TIMEOUT', 21));
  // khungtaskd: a task in D state for the timeout, seen at the next check (or the one after).
  const hung = hungTaskSetting(meta);
  const hungAfter = hung && hung.timeout > 0 ? hung.timeout + 2 * hung.interval : num('CONFIG_DEFAULT_HUNG_TASK_TIMEOUT', 120) * 2;
  add('hung-task', 'CONFIG_DETECT_HUNG_TASK', hungAfter);
  // A soft lockup is reported after 2 * watchdog_thresh (10 s by default).
  add('soft-lockup', 'CONFIG_SOFTLOCKUP_DETECTOR', 20);
  return out;
}

/** One line for the run's notes. */
export function describeCoverage(c: SplatCoverage, budgetS: number): string {
  const parts = [`splat scan reports ${c.reported.join(', ')}`];
  if (c.cannot.length) parts.push(`cannot report ${c.cannot.map((x) => `${x.class} (${x.why})`).join(', ')}`);
  if (c.late.length) {
    parts.push(`reports ${c.late.map((x) => `${x.class} only after ${x.after_s} s`).join(', ')}, longer than a scenario's ${budgetS} s budget (a stuck scenario is killed as a timeout first)`);
  }
  return `${parts.join('; ')}.`;
}
