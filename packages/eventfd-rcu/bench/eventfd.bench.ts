// `pnpm bench`: what an eventfd costs. (1) The signal per commit: the counted work one commit
// batch does with an eventfd registered and without, priced by the cost model, and the model's
// own throughput. (2) REGISTER/UNREGISTER under a load of requests in flight, per design: RCU
// (6.18, 7.3) never waits; quiesce (up to 5.17, model only) waits max(grace period, slowest
// request). Merges flat `eventfd.*` keys into the repository's bench-results.json.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { IORING_OP, IORING_REGISTER, Kernel, UserRing } from '@uringlab/ring/extend';
import { COST_NOTES, eventfdExtension } from '../src/index.js';
import { SEED_LOAD, registerUnderLoad, signalCostPerCommit, type Load } from './workload.js';

const RESULTS = new URL('../../../bench-results.json', import.meta.url);
const keys: Record<string, number> = {};
const fmt = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} us` : `${ns.toFixed(0)} ns`);
const round = (x: number) => Math.round(x * 100) / 100;

console.log('eventfd: signal cost per commit and REGISTER/UNREGISTER under load (estimated with the stated cost model)');
console.log(COST_NOTES.map((l) => `  - ${l}`).join('\n'));

// (1) signal cost per commit batch
console.log('\nsignal per commit (1000 commit batches of NOPs, counted work priced)');
console.log('  batch   no eventfd   eventfd   added   signals/commit');
for (const batch of [1, 8, 32]) {
  const s = signalCostPerCommit(1000, batch);
  console.log(`  ${String(batch).padStart(5)}   ${fmt(s.without).padStart(10)}   ${fmt(s.withEventfd).padStart(7)}   ${fmt(s.withEventfd - s.without).padStart(5)}   ${s.signalsPerCommit.toFixed(2).padStart(14)}`);
  keys[`eventfd.signal.batch${batch}.added_ns_per_commit`] = round(s.withEventfd - s.without);
}

/** Model throughput of NOP submit+reap at batch 8, with and without an eventfd (wall clock, the benchmark only). */
function modelOpsPerSec(withEventfd: boolean): number {
  const k = new Kernel({ extensions: [eventfdExtension()] });
  const ring = new UserRing(k, 8);
  let efd = -1;
  if (withEventfd) {
    efd = k.eventfd(0, 0o4000);
    const arg = k.memory.mmap(4, 'evfd');
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, efd, true);
    k.memory.write(arg.addr, b);
    ring.register(IORING_REGISTER.EVENTFD, arg.addr, 1);
  }
  const ops = 400_000;
  const start = process.hrtime.bigint();
  for (let done = 0; done < ops; done += 8) {
    for (let i = 0; i < 8; i++) ring.sqe({ opcode: IORING_OP.NOP, userData: done + i });
    ring.submitAndWait(0);
    ring.forEachCqe();
    if (efd >= 0 && (done & 1023) === 0) k.read(efd, 8);
  }
  return (ops / Number(process.hrtime.bigint() - start)) * 1e9;
}
modelOpsPerSec(true);
modelOpsPerSec(false);
const tw = Math.max(modelOpsPerSec(true), modelOpsPerSec(true));
const two = Math.max(modelOpsPerSec(false), modelOpsPerSec(false));
console.log(`  model throughput at batch 8: ${Math.round(two).toLocaleString('en-US')} NOPs/s without, ${Math.round(tw).toLocaleString('en-US')} with an eventfd`);
keys['eventfd.model.batch8.ops_per_s'] = Math.round(tw);

// (2) register/unregister under load, per design
const loads: Load[] = [
  { inflight: 0, latencyNs: 0, spread: 'fixed' },
  { inflight: 16, latencyNs: 100_000, spread: 'uniform' },
  { inflight: 16, latencyNs: 1_000_000, spread: 'uniform' },
  SEED_LOAD,
  { inflight: 256, latencyNs: 15_000_000, spread: 'uniform' },
  { inflight: 16, latencyNs: 50_000_000, spread: 'uniform' },
];
console.log('\nREGISTER_EVENTFD / UNREGISTER_EVENTFD with reads in flight (slowest request latency; quiesce is model only)');
console.log('  in flight   slowest    rcu register   rcu unregister   quiesce register   quiesce unregister   same CQEs');
for (const load of loads) {
  const r = registerUnderLoad('rcu', load);
  const q = registerUnderLoad('quiesce', load);
  const tag = load === SEED_LOAD ? '  <- the seed: "15ms before", "less than 1ms"' : '';
  console.log(
    `  ${String(load.inflight).padStart(9)}   ${fmt(load.latencyNs).padStart(7)}   ${fmt(r.register.ns).padStart(12)}   ${fmt(r.unregister.ns).padStart(14)}   ` +
      `${fmt(q.register.ns).padStart(16)}   ${fmt(q.unregister.ns).padStart(18)}   ${(r.cqes === q.cqes ? 'yes' : 'NO').padStart(9)}${tag}`,
  );
  if (r.cqes !== q.cqes) process.exitCode = 1;
  const p = `eventfd.register.inflight${load.inflight}.slowest_${load.latencyNs / 1e6}ms`;
  keys[`${p}.rcu_ns`] = round(r.register.ns);
  keys[`${p}.quiesce_ns`] = round(q.register.ns);
  keys[`${p}.rcu_unregister_ns`] = round(r.unregister.ns);
  keys[`${p}.quiesce_unregister_ns`] = round(q.unregister.ns);
}
const seedQ = registerUnderLoad('quiesce', SEED_LOAD).register.ns;
const seedR = registerUnderLoad('rcu', SEED_LOAD).register.ns;
keys['eventfd.seed.quiesce_register_ms'] = round(seedQ / 1e6);
keys['eventfd.seed.rcu_register_us'] = round(seedR / 1e3);
console.log(`\nseed point: quiesce ${fmt(seedQ)}, RCU ${fmt(seedR)} (${Math.round(seedQ / seedR).toLocaleString('en-US')}x); the testbed reports the measured RCU latency (pnpm testbed, "Measured on ...")`);

// Read-modify-write: other benchmarks share the file; the eventfd.* keys are ours to replace.
const prev = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
const others = Object.fromEntries(Object.entries(prev).filter(([k]) => !k.startsWith('eventfd.')));
writeFileSync(RESULTS, JSON.stringify({ ...others, ...keys }, null, 2) + '\n');
console.log(`merged ${Object.keys(keys).length} eventfd.* keys into bench-results.json`);
