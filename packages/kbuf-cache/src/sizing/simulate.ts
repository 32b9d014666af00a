// Runs a sizing workload through the model: every connection's receive is a real (multishot)
// RECV on the model kernel, messages arrive at seeded Poisson times in virtual microseconds, and
// the application hands each buffer back `holdUs` after it got it. Counts what a user must size
// for: ENOBUFS, multishot terminations, how many buffers are out, and bytes wasted in them.
//
// The application is a sensible event loop: after ENOBUFS ends a receive, that connection waits
// for a free buffer, and when buffers come back it re-arms at most as many waiting connections
// as there are free buffers, longest waiting first. (Re-arming every waiting connection for one
// free buffer makes all but one of them fail again at once: ENOBUFS completions then outnumber
// messages many times over, which measures the event loop, not the group.)

import {
  ERRNO, IORING_CQE_F, IORING_OP, IORING_RECVSEND, IOSQE, Kernel, Rng, StreamEnd, errnoName,
} from '@uringlab/ring/extend';
import { kbufExtension } from '../extension.js';
import { kbufCtx } from '../state.js';
import { ringAvail } from '../ring/entries.js';
import { UserRing, type Cqe } from '@uringlab/ring/extend';
import { UserBufRing } from '../user/buf-ring.js';
import { EventQueue } from './events.js';
import { parseWorkload, type SizingInput, type SizingWorkload } from './workload.js';

export interface SeriesPoint {
  /** Start of the bucket, in microseconds. */
  tUs: number;
  /** Most buffers out of the group during the bucket. */
  inUse: number;
  /** ENOBUFS completions during the bucket. */
  enobufs: number;
}

export interface SizingReport {
  workload: SizingWorkload;
  /** Entries of the buffer ring (a power of two), or null for a legacy group. */
  ringEntries: number | null;
  messages: number;
  bytesSent: number;
  bytesReceived: number;
  cqes: number;
  /** Completions that failed -ENOBUFS: the group was empty when a receive needed a buffer. */
  enobufs: number;
  /**
   * Share of receive completions that were ENOBUFS (0..1): how often a receive found the group
   * empty and the application had to fall back to waiting and re-arming it.
   */
  fallbackRate: number;
  /** Multishot receives that ended and had to be re-armed, by reason. */
  multishotTerminations: number;
  terminations: Record<string, number>;
  /** Buffers out of the group (held by the application, or mid-receive), at most and on average. */
  peakInUse: number;
  peakOccupancyPct: number;
  meanInUse: number;
  meanOccupancyPct: number;
  /** Buffer bytes handed out but not filled (a buffer holds one receive; incremental ones less). */
  wastedBytes: number;
  wastedPct: number;
  /** Most bytes left waiting in one socket for want of a buffer. */
  maxBacklogBytes: number;
  series: SeriesPoint[];
}

type Ev = { k: 'arrive'; conn: number } | { k: 'release'; bid: number };

const UD_PROVIDE = 1_000_000;
/** Rounds of submit and reap one event may take before the loop moves on (a safety bound). */
const MAX_ROUNDS = 64;

export interface SizingOptions {
  /** Called now and then with the share of virtual time simulated so far (0..1). */
  onProgress?: (done: number) => void;
  /**
   * Stop at the first ENOBUFS (the report then covers only the time until it). For searches
   * that only ask whether a group ever runs dry.
   */
  stopAtEnobufs?: boolean;
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function kbufSize(input: SizingInput, opts: SizingOptions = {}): SizingReport {
  const w = parseWorkload(input);
  const k = new Kernel({ profile: w.kernel, seed: w.seed, extensions: [kbufExtension()] });
  const ring = new UserRing(k, 256, { cq_entries: 8192 });
  const rng = new Rng(w.seed);
  const conns = Array.from({ length: w.connections }, () => k.socketpair('tcp'));
  const mem = k.memory.mmap(w.groupSize * w.bufLen, 'bufs');
  const ringEntries = w.mode === 'legacy' ? null : nextPow2(w.groupSize);
  const br = ringEntries ? new UserBufRing(ring, 1, ringEntries, w.mode === 'incremental' ? 2 : 0, w.minLeft) : null;
  const durUs = w.durationMs * 1000;
  const q = new EventQueue<Ev>();
  const r: SizingReport = {
    workload: w, ringEntries, messages: 0, bytesSent: 0, bytesReceived: 0, cqes: 0, enobufs: 0, fallbackRate: 0,
    multishotTerminations: 0, terminations: {}, peakInUse: 0, peakOccupancyPct: 0, meanInUse: 0, meanOccupancyPct: 0,
    wastedBytes: 0, wastedPct: 0, maxBacklogBytes: 0, series: [],
  };
  const bucketUs = durUs / w.samples;
  r.series = Array.from({ length: w.samples }, (_, i) => ({ tUs: i * bucketUs, inUse: 0, enobufs: 0 }));
  /** Incremental buffers: bytes used, receives still held by the application, retired by the kernel. */
  const inc = new Map<number, { used: number; held: number; retired: boolean }>();
  /** Connections whose receive ended with ENOBUFS, in the order they started waiting. */
  const waiting = new Set<number>();
  /** Receives to arm once the SQ has room (the SQ holds 256; there may be 4096 connections). */
  const toArm: number[] = [];
  let handedOutBytes = 0;
  let now = 0;
  let lastT = 0;
  let area = 0;

  const uniform = () => (rng.next() + 1) / 4294967297;
  const gap = () => (-Math.log(uniform()) / w.rate) * 1e6;
  // Message bytes are never looked at: one zero-filled buffer serves every write (the socket copies).
  const zeros = new Uint8Array(typeof w.msgSize === 'number' ? w.msgSize : w.msgSize[1]);
  const msgSize = () => (typeof w.msgSize === 'number' ? w.msgSize : w.msgSize[0] + rng.below(w.msgSize[1] - w.msgSize[0] + 1));

  function available(): number {
    const bl = kbufCtx(ring.ctx).lists.get(1);
    if (!bl) return 0;
    return bl.isRing ? ringAvail(bl) : bl.nbufs;
  }

  function give(bid: number): void {
    if (br) {
      br.add(mem.addr + bid * w.bufLen, w.bufLen, bid);
      br.advance();
    } else {
      ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: 1, addr: mem.addr + bid * w.bufLen, len: w.bufLen, bufGroup: 1, off: bid, userData: UD_PROVIDE });
    }
  }

  function arm(conn: number): void {
    toArm.push(conn);
  }

  function queueArm(conn: number): void {
    ring.sqe({
      opcode: IORING_OP.RECV, fd: conns[conn]![1], flags: IOSQE.BUFFER_SELECT, bufGroup: 1, userData: conn,
      ioprio: w.multishot ? IORING_RECVSEND.RECV_MULTISHOT : 0,
    });
  }

  function rearmWaiting(): void {
    let free = available();
    for (const c of waiting) {
      if (free-- <= 0) break;
      waiting.delete(c);
      arm(c);
    }
  }

  /** The event loop's turn: queue what waits, submit, handle completions, until nothing moves. */
  function pump(): void {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      while (toArm.length > 0 && ring.sqSpace > 0) queueArm(toArm.shift()!);
      const queued = ring.sqSpace < ring.ctx.sqEntries;
      ring.submit();
      const cqes = ring.reap();
      cqes.forEach(onCqe);
      rearmWaiting();
      if (!queued && cqes.length === 0 && toArm.length === 0) return;
    }
  }

  function onBuffer(c: Cqe): void {
    const bid = c.flags >>> 16;
    const n = Math.max(0, c.res);
    if (w.mode !== 'incremental') {
      r.wastedBytes += w.bufLen - n;
      handedOutBytes += w.bufLen;
      q.push(now + w.holdUs, { k: 'release', bid });
      return;
    }
    const s = inc.get(bid) ?? { used: 0, held: 0, retired: false };
    s.used += n;
    s.held++;
    if (!(c.flags & IORING_CQE_F.BUF_MORE)) {
      s.retired = true;
      r.wastedBytes += w.bufLen - s.used;
      handedOutBytes += w.bufLen;
    }
    inc.set(bid, s);
    q.push(now + w.holdUs, { k: 'release', bid });
  }

  function onCqe(c: Cqe): void {
    if (c.userData === UD_PROVIDE) return;
    r.cqes++;
    if (c.res === -ERRNO.ENOBUFS) {
      r.enobufs++;
      const b = r.series[Math.min(w.samples - 1, Math.floor(now / bucketUs))];
      if (b) b.enobufs++;
    }
    if (c.res > 0) r.bytesReceived += c.res;
    if (c.flags & IORING_CQE_F.BUFFER) onBuffer(c);
    if (c.flags & IORING_CQE_F.MORE) return;
    // The receive is over: multishot ended, or a single-shot receive completed.
    if (w.multishot) {
      r.multishotTerminations++;
      const why = c.res < 0 ? (errnoName(c.res) ?? String(c.res)) : c.res === 0 ? 'EOF' : 'CQ full';
      r.terminations[why] = (r.terminations[why] ?? 0) + 1;
    }
    if (c.res === -ERRNO.ENOBUFS) waiting.add(c.userData);
    else arm(c.userData);
  }

  function release(bid: number): void {
    if (w.mode === 'incremental') {
      const s = inc.get(bid)!;
      if (--s.held > 0 || !s.retired) return;
      inc.delete(bid);
    }
    give(bid);
  }

  /**
   * Records occupancy after an event. A socket's queue grows only when a message arrives on it,
   * so its longest queue is seen right after one of its arrivals: only `conn` needs a look.
   */
  function sample(conn?: number): void {
    const inUse = w.groupSize - available();
    area += inUse * (now - lastT);
    lastT = now;
    if (inUse > r.peakInUse) r.peakInUse = inUse;
    const b = r.series[Math.min(w.samples - 1, Math.floor(now / bucketUs))];
    if (b && inUse > b.inUse) b.inUse = inUse;
    if (conn === undefined) return;
    const f = k.fget(conns[conn]![1]);
    if (f instanceof StreamEnd && f.rx && f.rx.size > r.maxBacklogBytes) r.maxBacklogBytes = f.rx.size;
  }

  // Fill the group, arm every connection, and schedule the first message on each.
  if (br) {
    for (let b = 0; b < w.groupSize; b++) br.add(mem.addr + b * w.bufLen, w.bufLen, b);
    br.advance();
  } else {
    ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: w.groupSize, addr: mem.addr, len: w.bufLen, bufGroup: 1, userData: UD_PROVIDE });
  }
  ring.submit();
  for (let c = 0; c < w.connections; c++) {
    arm(c);
    q.push(gap(), { k: 'arrive', conn: c });
  }
  pump();

  const progressEvery = durUs / 50;
  let nextProgress = progressEvery;
  for (let e = q.pop(); e && e.at <= durUs; e = q.pop()) {
    now = e.at;
    k.sched.now = Math.round(now * 1000);
    if (e.ev.k === 'arrive') {
      const size = msgSize();
      r.messages++;
      r.bytesSent += Math.max(0, k.write(conns[e.ev.conn]![0], zeros.subarray(0, size)));
      q.push(now + gap(), { k: 'arrive', conn: e.ev.conn });
    } else {
      release(e.ev.bid);
    }
    pump();
    sample(e.ev.k === 'arrive' ? e.ev.conn : undefined);
    if (opts.stopAtEnobufs && r.enobufs > 0) break;
    if (opts.onProgress && now >= nextProgress) {
      opts.onProgress(now / durUs);
      nextProgress += progressEvery;
    }
  }
  if (!(opts.stopAtEnobufs && r.enobufs > 0)) now = durUs;
  sample();
  opts.onProgress?.(1);
  r.fallbackRate = r.cqes ? r.enobufs / r.cqes : 0;
  r.meanInUse = now > 0 ? area / now : 0;
  r.peakOccupancyPct = (100 * r.peakInUse) / w.groupSize;
  r.meanOccupancyPct = (100 * r.meanInUse) / w.groupSize;
  r.wastedPct = handedOutBytes ? (100 * r.wastedBytes) / handedOutBytes : 0;
  return r;
}
