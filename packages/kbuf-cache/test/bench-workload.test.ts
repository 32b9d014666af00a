// The benchmark's workload at a small size: strategies agree on every CQE, and the estimates
// order the way the seed describes (the recycling cache removes most of kmalloc's overhead).

import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../src/index.js';
import { SEED_WORKLOAD, runWorkload } from '../bench/workload.js';

describe('seed workload', () => {
  const o = { ...SEED_WORKLOAD, ops: 4096 };
  const plain = runWorkload(null, o);
  const runs = Object.fromEntries(STRATEGIES.map((s) => [s, runWorkload(s, o)]));

  it('produces the same CQEs under every strategy', () => {
    expect(new Set(STRATEGIES.map((s) => runs[s]!.digest)).size).toBe(1);
  });

  it('provided buffers cost more than fixed ones; the caches cost less than kmalloc', () => {
    expect(runs.kmalloc!.nsPerOp).toBeGreaterThan(plain.nsPerOp);
    expect(runs['recycling-cache']!.nsPerOp).toBeLessThan(runs.kmalloc!.nsPerOp);
    expect(runs['slab-bulk']!.nsPerOp).toBeLessThan(runs.kmalloc!.nsPerOp);
    expect(runs['recycling-cache']!.nsPerOp).toBeGreaterThan(plain.nsPerOp);
  });

  it('kmalloc calls the allocator once per buffer; the caches almost never', () => {
    expect(runs.kmalloc!.alloc!.allocatorCalls).toBeGreaterThanOrEqual(o.ops);
    expect(runs['recycling-cache']!.alloc!.allocatorCalls).toBe(1);
    expect(runs['recycling-cache']!.alloc!.splices).toBeGreaterThan(0);
  });
});
