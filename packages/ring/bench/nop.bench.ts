// Model throughput of NOP submit+reap through the public API (UserRing over Kernel), at batch
// sizes 1, 8, 32 and 128. Wall-clock timing lives here, in the benchmark, never in the models.

import { IORING_NOP, IORING_SETUP, Kernel, UserRing } from '../src/index.js';
import { recordResults } from './results.js';

const BATCHES = [1, 8, 32, 128];
const TARGET_OPS = 4_000_000;

/** cqe32: a CQE32 ring, each NOP with IORING_NOP_CQE32 echoing off/addr into big_cqe (the RECV_ZC shape). */
function run(batch: number, ops: number, cqe32 = false): number {
  const k = new Kernel();
  const ring = new UserRing(k, Math.max(batch, 2), { flags: cqe32 ? IORING_SETUP.CQE32 : 0 });
  const w = ring.ctx.sqeU32;
  let ud = 0;
  let reaped = 0;
  const start = process.hrtime.bigint();
  for (let done = 0; done < ops; done += batch) {
    for (let i = 0; i < batch; i++) {
      const off = ring.getSqe();
      ring.prepNop(off, ud);
      if (cqe32) {
        const q = off >> 2;
        w[q + 2] = ud; // off, low word
        w[q + 4] = ud ^ 0xffff; // addr, low word
        w[q + 7] = IORING_NOP.CQE32; // nop_flags
      }
      ud++;
    }
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
run(32, 200_000, true);
const best32 = Math.max(run(32, TARGET_OPS, true), run(32, TARGET_OPS, true));
results['ring.nop_cqe32.batch32.ops_per_s'] = Math.round(best32);

console.log(`ring: NOP submit+reap through UserRing (node ${process.version}, ${process.arch})`);
console.log('batch  ops/s');
for (const r of rows) console.log(`${String(r.batch).padStart(5)}  ${Math.round(r.ops).toLocaleString('en-US').padStart(12)}`);
console.log(`   32  ${Math.round(best32).toLocaleString('en-US').padStart(12)}  (CQE32 ring, NOP with IORING_NOP_CQE32)`);
console.log(`wrote ${recordResults(results)}`);
