// The seed's workload: many small receives on TCP connections, each into a provided buffer that
// the application hands back right after use, against the same receives into fixed buffers. A
// quarter of the receives go through io-wq (IOSQE_ASYNC), so their buffers come back without
// uring_lock, the case the seed's second list (io_buffers_comp) exists for.

import { IORING_CQE_F, IORING_OP, IOSQE, Kernel, UserRing } from '@uringlab/ring/extend';
import { KBUF_COST_MODEL, REQUEST_NS, kbufCtx, kbufExtension, type AllocStats, type StrategyName } from '../src/index.js';

export interface WorkloadOptions {
  /** Receives in total. */
  ops: number;
  /** Receives per submission batch. */
  batch: number;
  connections: number;
  msgSize: number;
  /** Every n-th receive is forced to io-wq (0: none). */
  asyncEvery: number;
  /** Re-provide each batch's buffers with one SQE (contiguous bids), or one SQE per buffer. */
  reprovide: 'batched' | 'per-buffer';
}

export const SEED_WORKLOAD: WorkloadOptions = { ops: 64_000, batch: 32, connections: 8, msgSize: 64, asyncEvery: 4, reprovide: 'batched' };

export interface WorkloadResult {
  /** Estimated kernel time per receive under the cost model, in ns. */
  nsPerOp: number;
  /** Requests submitted (receives plus provides). */
  requests: number;
  /** Wall-clock receives per second of the model itself. */
  modelOpsPerSec: number;
  alloc: AllocStats | null;
  costs: Record<string, number>;
  /** (user_data, res, flags) of every receive CQE, to check that strategies agree. */
  digest: string;
}

/** Runs the workload; `strategy` null is the non-provided path. */
export function runWorkload(strategy: StrategyName | null, o: WorkloadOptions = SEED_WORKLOAD): WorkloadResult {
  const k = new Kernel({ extensions: [kbufExtension({ strategy: strategy ?? 'kmalloc' })] });
  const ring = new UserRing(k, 2 * o.batch, { cq_entries: 4 * o.batch });
  const pairs = Array.from({ length: o.connections }, () => k.socketpair('tcp'));
  const nbufs = 2 * o.batch;
  const mem = k.memory.mmap(nbufs * o.msgSize, 'bufs');
  const msg = new Uint8Array(o.msgSize).fill(7);
  let requests = 0;
  let digest = 0;
  if (strategy) {
    ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: nbufs, addr: mem.addr, len: o.msgSize, bufGroup: 1 });
    ring.submit(1);
    ring.reap();
    requests++;
  }
  k.costs.reset();
  const t0 = performance.now();
  let done = 0;
  let returned: number[] = [];
  while (done < o.ops) {
    if (strategy) requests += reprovide(ring, returned, mem.addr, o);
    for (let i = 0; i < o.batch; i++) {
      const [client, server] = pairs[(done + i) % o.connections]!;
      k.write(client, msg);
      const flags = (strategy ? IOSQE.BUFFER_SELECT : 0) | (o.asyncEvery && i % o.asyncEvery === 0 ? IOSQE.ASYNC : 0);
      const slot = (done + i) % nbufs;
      ring.sqe({ opcode: IORING_OP.RECV, fd: server, flags, bufGroup: 1, addr: strategy ? 0 : mem.addr + slot * o.msgSize, len: o.msgSize, userData: done + i });
    }
    requests += o.batch;
    ring.submit(o.batch);
    returned = [];
    for (const c of ring.reap()) {
      if (c.userData >= done && c.flags & IORING_CQE_F.BUFFER) returned.push(c.flags >>> 16);
      digest = (Math.imul(digest ^ c.res, 16777619) + (c.flags >>> 0)) >>> 0;
    }
    done += o.batch;
  }
  const ms = performance.now() - t0;
  const ns = k.costs.estimateNs(KBUF_COST_MODEL) + requests * REQUEST_NS;
  const ctx = [...k.rings][0]!;
  return {
    nsPerOp: ns / o.ops,
    requests,
    modelOpsPerSec: (o.ops / ms) * 1000,
    alloc: strategy ? { ...kbufCtx(ctx).alloc.stats } : null,
    costs: k.costs.snapshot(),
    digest: digest.toString(16),
  };
}

/** Gives the last batch's buffers back: one PROVIDE for the contiguous range, or one each. */
function reprovide(ring: UserRing, bids: number[], base: number, o: WorkloadOptions): number {
  if (bids.length === 0) return 0;
  if (o.reprovide === 'per-buffer') {
    for (const b of bids) ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: 1, addr: base + b * o.msgSize, len: o.msgSize, bufGroup: 1, off: b, userData: 1e9 });
    return bids.length;
  }
  const lo = Math.min(...bids);
  ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: bids.length, addr: base + lo * o.msgSize, len: o.msgSize, bufGroup: 1, off: lo, userData: 1e9 });
  return 1;
}
