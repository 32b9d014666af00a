// One accounting API for every model: allocations and frees by cache, lock acquisitions by
// lock, atomics, pages pinned, copies, syscalls. Counters are registered once per (kind, site)
// and bumped through a numeric handle so hot paths pay an array increment, not a map lookup.

export type CostKind = 'alloc' | 'free' | 'lock' | 'atomic' | 'pin' | 'unpin' | 'copy' | 'syscall' | 'event';

interface CounterInfo {
  readonly kind: CostKind;
  readonly site: string;
}

const REGISTRY: CounterInfo[] = [];
const INDEX = new Map<string, number>();

/** Handle of the counter for (kind, site); the same pair always yields the same handle. */
export function counter(kind: CostKind, site: string): number {
  const key = `${kind}:${site}`;
  let h = INDEX.get(key);
  if (h === undefined) {
    h = REGISTRY.length;
    REGISTRY.push({ kind, site });
    INDEX.set(key, h);
  }
  return h;
}

/** Nanoseconds per event, looked up as "kind:site", then "kind", then 0. */
export type CostModel = Readonly<Record<string, number>>;

export interface CostRow {
  readonly kind: CostKind;
  readonly site: string;
  readonly count: number;
}

export class Costs {
  private values = new Float64Array(64);

  add(handle: number, n = 1): void {
    if (handle >= this.values.length) this.grow(handle);
    this.values[handle]! += n;
  }

  get(kind: CostKind, site: string): number {
    const h = INDEX.get(`${kind}:${site}`);
    return h === undefined || h >= this.values.length ? 0 : this.values[h]!;
  }

  /** Sum over all sites of a kind, or over sites starting with a prefix. */
  total(kind: CostKind, sitePrefix = ''): number {
    let sum = 0;
    for (let h = 0; h < REGISTRY.length && h < this.values.length; h++) {
      const info = REGISTRY[h]!;
      if (info.kind === kind && info.site.startsWith(sitePrefix)) sum += this.values[h]!;
    }
    return sum;
  }

  rows(): CostRow[] {
    const out: CostRow[] = [];
    for (let h = 0; h < REGISTRY.length && h < this.values.length; h++) {
      const v = this.values[h]!;
      if (v !== 0) out.push({ kind: REGISTRY[h]!.kind, site: REGISTRY[h]!.site, count: v });
    }
    return out.sort((a, b) => (a.kind === b.kind ? a.site.localeCompare(b.site) : a.kind.localeCompare(b.kind)));
  }

  /** Flat `{ "alloc:kmalloc:io_buffer": n }` view, for JSON output and comparisons. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.rows().map((r) => [`${r.kind}:${r.site}`, r.count]));
  }

  /** Estimated time in ns under a cost model. */
  estimateNs(model: CostModel): number {
    let ns = 0;
    for (const r of this.rows()) ns += r.count * (model[`${r.kind}:${r.site}`] ?? model[r.kind] ?? 0);
    return ns;
  }

  reset(): void {
    this.values.fill(0);
  }

  private grow(handle: number): void {
    const next = new Float64Array(Math.max(handle + 1, this.values.length * 2));
    next.set(this.values);
    this.values = next;
  }
}

/** Nanoseconds, under `model`, of what was counted between two snapshots. */
export function priceSince(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>, model: CostModel): number {
  let ns = 0;
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0);
    if (!d) continue;
    const kind = key.slice(0, key.indexOf(':'));
    ns += d * (model[key] ?? model[kind] ?? 0);
  }
  return ns;
}

/** Rough x86 figures in ns, for comparing designs, not for predicting a machine. */
export const DEFAULT_COST_MODEL: CostModel = {
  alloc: 40,
  free: 30,
  'alloc:page': 150,
  'free:page': 120,
  lock: 20,
  atomic: 8,
  pin: 60,
  unpin: 40,
  copy: 1,
  syscall: 120,
  event: 0,
};

/** A duration the models use, and where its value comes from. */
export interface TimeConstant {
  readonly ns: number;
  /** 'measured' values cite their measurement in `basis`; 'assumed' ones give their reasoning. */
  readonly source: 'assumed' | 'measured';
  readonly basis: string;
}

export const TIME_CONSTANTS = {
  rcu_grace_period_ns: {
    ns: 8_000_000,
    source: 'assumed',
    basis:
      'Normal (not expedited) tree-RCU grace period on an idle 2-CPU machine with HZ=250: the GP ' +
      'kthread waits jiffies_till_first_fqs (1 jiffy = 4 ms at HZ=250, from ' +
      'RCU_JIFFIES_TILL_FORCE_QS in kernel/rcu/tree.h) before its first force-quiescent-state ' +
      'scan finds the idle CPUs, and the callbacks run from RCU_SOFTIRQ at a later tick: about ' +
      '2 jiffies. Not measured: the dev host runs with rcu_expedited=1, where synchronize_rcu() ' +
      '(timed through membarrier(MEMBARRIER_CMD_GLOBAL)) took ~20 us, an expedited grace period.',
  },
} as const satisfies Readonly<Record<string, TimeConstant>>;
