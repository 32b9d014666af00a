// Model throughput of NOP submit+reap through the public API (UserRing over Kernel), at batch
// sizes 1, 8, 32 and 128. Wall-clock timing lives here, in the benchmark, never in the models.

import { Kernel, UserRing } from '../src/index.js';
import { recordResults } from './results.js';

const BATCHES = [1, 8, 32, 128];
const TARGET_OPS = 4_000_000;

function run(batch: number, ops: number): number {
  const k = new Kernel();
  const ring = new UserRing(k, Math.max(batch, 2), { flags: 0 });
  let ud = 0;
  let reaped = 0;
  const start = process.hrtime.bigint();
  for (let done = 0; done < ops; done += batch) {
    for (let i = 0; i < batch; i++) ring.prepNop(ring.getSqe(), ud++);
    ring.submitAndWait(0);
    reaped += ring.forEachCqe();
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (reaped !== ud) throw new Error(`lost CQEs: submitted ${ud}, reaped ${reaped}`);
  return (ud / ns) * 1e9;
}

const rows: { batch: number; ops: number }[] = [];
const results: Record<string, number> = {};
for (const batch of BATCHES) {
  run(batch, 200_000); // warm-up: let V8 optimise the hot path
  const best = Math.max(run(batch, TARGET_OPS), run(batch, TARGET_OPS));
  rows.push({ batch, ops: best });
  results[`ring.nop.batch${batch}.ops_per_s`] = Math.round(best);
}

console.log(`ring: NOP submit+reap through UserRing (node ${process.version}, ${process.arch})`);
console.log('batch  ops/s');
for (const r of rows) console.log(`${String(r.batch).padStart(5)}  ${Math.round(r.ops).toLocaleString('en-US').padStart(12)}`);
console.log(`wrote ${recordResults(results)}`);
