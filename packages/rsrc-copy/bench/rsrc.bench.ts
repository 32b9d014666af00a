// `pnpm bench`: the model's throughput for (1) CLONE_BUFFERS of N buffers into a fresh ring (then
// unregister, so each round starts empty) and (2) fixed-buffer import: WRITE_FIXED of 64 bytes from
// a registered buffer into a pipe, submitted 8 at a time and reaped. Wall-clock ops/s of the model
// (not a kernel's); the cost model and measured kernel timings are in COSTS.md. Merges flat
// `rsrc.*` keys into the repository's bench-results.json.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { IORING_OP, IORING_REGISTER, Kernel, UserRing } from '@uringlab/ring/extend';
import { rsrcExtension } from '../src/index.js';

const RESULTS = new URL('../../../bench-results.json', import.meta.url);
const PAGE = 4096;
const keys: Record<string, number> = {};

function write(k: Kernel, bytes: Uint8Array): number {
  const m = k.memory.mmap(Math.max(bytes.byteLength, 8), 'arg');
  k.memory.write(m.addr, bytes);
  return m.addr;
}

/** A kernel with one ring holding `n` one-page buffers, and the register arguments to clone them. */
function setup(n: number) {
  const k = new Kernel({ extensions: [rsrcExtension()] });
  const src = new UserRing(k, 8);
  const mem = k.memory.mmap(n * PAGE, 'bufs');
  const iov = new Uint8Array(16 * n);
  const dv = new DataView(iov.buffer);
  for (let i = 0; i < n; i++) {
    dv.setBigUint64(i * 16, BigInt(mem.addr + i * PAGE), true);
    dv.setBigUint64(i * 16 + 8, BigInt(PAGE), true);
  }
  if (src.register(IORING_REGISTER.BUFFERS, write(k, iov), n) !== 0) throw new Error('register failed');
  const clone = new Uint8Array(32);
  new DataView(clone.buffer).setUint32(0, src.fd, true);
  return { k, src, mem: mem.addr, cloneArg: write(k, clone) };
}

function opsPerSec(run: () => void, minMs = 300): number {
  let ops = 0;
  const start = process.hrtime.bigint();
  let ns = 0;
  while (ns < minMs * 1e6) {
    run();
    ops++;
    ns = Number(process.hrtime.bigint() - start);
  }
  return (ops / ns) * 1e9;
}

console.log('rsrc: model throughput (wall clock of the model, not of a kernel)');
console.log('\nCLONE_BUFFERS of N buffers into an empty ring, then UNREGISTER_BUFFERS');
console.log('      N   clones/s   buffers/s');
for (const n of [1, 64, 1024, 16384]) {
  const { k, cloneArg } = setup(n);
  const dst = new UserRing(k, 8);
  const once = () => {
    if (dst.register(IORING_REGISTER.CLONE_BUFFERS, cloneArg, 1) !== 0) throw new Error('clone failed');
    dst.register(IORING_REGISTER.UNREGISTER_BUFFERS, 0, 0);
  };
  opsPerSec(once, 50);
  const r = opsPerSec(once);
  console.log(`  ${String(n).padStart(5)}   ${Math.round(r).toLocaleString('en-US').padStart(8)}   ${Math.round(r * n).toLocaleString('en-US').padStart(9)}`);
  keys[`rsrc.clone.n${n}.ops_per_s`] = Math.round(r);
}

console.log('\nfixed-buffer import: WRITE_FIXED of 64 bytes into a pipe, batches of 8');
{
  const { k, src, mem } = setup(4);
  const [rd, wr] = k.pipe();
  const batch = () => {
    for (let i = 0; i < 8; i++) src.sqe({ opcode: IORING_OP.WRITE_FIXED, fd: wr, addr: mem + i * 64, len: 64, off: 0, bufGroup: i & 3, userData: i });
    src.submitAndWait(8);
    src.forEachCqe();
    k.read(rd, 512);
  };
  opsPerSec(batch, 50);
  const r = opsPerSec(batch) * 8;
  console.log(`  ${Math.round(r).toLocaleString('en-US')} WRITE_FIXED/s`);
  keys['rsrc.import.write_fixed.ops_per_s'] = Math.round(r);
}

// Read-modify-write: other benchmarks share the file; the rsrc.* keys are ours to replace.
const prev = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
const others = Object.fromEntries(Object.entries(prev).filter(([k]) => !k.startsWith('rsrc.')));
writeFileSync(RESULTS, JSON.stringify({ ...others, ...keys }, null, 2) + '\n');
console.log(`merged ${Object.keys(keys).length} rsrc.* keys into bench-results.json`);
