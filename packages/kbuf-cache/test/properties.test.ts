// Property tests (fast-check): buffers are conserved and never handed out twice at once, over
// random interleavings of provides, reads that complete, reads and receives that wait, removals
// and ring refills; and ring head/tail arithmetic holds across u16 wrap-around.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IORING_CQE_F, IORING_OP, IOSQE, Kernel, REQ_F, Req, UserRing, type Cqe } from '@uringlab/ring/extend';
import { BufferList, IOBL, UserBufRing, kbufCtx, kbufExtension, kbufKnobs, ringAvail } from '../src/index.js';
import { ringBufferSelect } from '../src/ring/select.js';
import { kbufCommit } from '../src/ring/commit.js';

const NBUF = 12;
const LEN = 16;
const RING_ENTRIES = 16;

type Op =
  | { k: 'give'; n: number }
  | { k: 'readFile'; len: number }
  | { k: 'readPipe' }
  | { k: 'writePipe'; n: number }
  | { k: 'recvWait' }
  | { k: 'writeSock'; n: number }
  | { k: 'remove'; n: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('give' as const), n: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ k: fc.constant('readFile' as const), len: fc.integer({ min: 0, max: 24 }) }),
  fc.record({ k: fc.constant('readPipe' as const) }),
  fc.record({ k: fc.constant('writePipe' as const), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ k: fc.constant('recvWait' as const) }),
  fc.record({ k: fc.constant('writeSock' as const), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ k: fc.constant('remove' as const), n: fc.integer({ min: 1, max: 3 }) }),
);

type Mode = 'legacy' | 'ring' | 'inc';
const UD = { file: 1, pipe: 100, recv: 200, provide: 1000, remove: 3000 } as const;

/** The application side of the property: what it owns, and what the kernel must hold. */
class App {
  readonly k = new Kernel({ extensions: [kbufExtension()] });
  readonly ring = new UserRing(this.k, 64);
  readonly mem = this.k.memory.mmap(NBUF * LEN, 'bufs');
  readonly file = this.k.tmpfile(1 << 20, 1);
  readonly pipe = this.k.pipe();
  readonly sock = this.k.socketpair('tcp');
  readonly br: UserBufRing | null;
  readonly owned = new Set<number>(Array.from({ length: NBUF }, (_, i) => i));
  /** Pipe reads submitted and not completed: on a legacy group each holds one buffer. */
  pendingPipeReads = 0;

  constructor(readonly mode: Mode) {
    this.br = mode === 'legacy' ? null : new UserBufRing(this.ring, 1, RING_ENTRIES, mode === 'inc' ? 2 : 0);
  }

  /** The bids the group holds right now, from the model's state, head first. */
  inGroup(): number[] {
    const bl = kbufCtx(this.ring.ctx).lists.get(1);
    if (!bl) return [];
    if (!bl.isRing) return [...bl.bufs].map((b) => b.bid);
    return Array.from({ length: ringAvail(bl) }, (_, i) => bl.ring!.getUint16(((bl.head + i) & bl.mask) * 16 + 12, true));
  }

  give(n: number): void {
    for (const bid of [...this.owned].slice(0, n)) {
      if (this.br && this.inGroup().length + 1 > RING_ENTRIES) break;
      this.owned.delete(bid);
      if (this.br) {
        this.br.add(this.mem.addr + bid * LEN, LEN, bid);
        this.br.advance();
      } else {
        this.ring.sqe({ opcode: IORING_OP.PROVIDE_BUFFERS, fd: 1, addr: this.mem.addr + bid * LEN, len: LEN, bufGroup: 1, off: bid, userData: UD.provide });
      }
    }
  }

  apply(op: Op): void {
    const r = this.ring;
    const sel = { flags: IOSQE.BUFFER_SELECT, bufGroup: 1 };
    let removeFrom: number[] = [];
    switch (op.k) {
      case 'give': this.give(op.n); break;
      case 'readFile': r.sqe({ opcode: IORING_OP.READ, fd: this.file, len: op.len, off: 0, userData: UD.file, ...sel }); break;
      case 'readPipe':
        r.sqe({ opcode: IORING_OP.READ, fd: this.pipe[0], off: -1n, userData: UD.pipe, ...sel });
        this.pendingPipeReads++;
        break;
      case 'writePipe': this.k.write(this.pipe[1], new Uint8Array(op.n)); break;
      case 'recvWait': r.sqe({ opcode: IORING_OP.RECV, fd: this.sock[1], userData: UD.recv, ...sel }); break;
      case 'writeSock': this.k.write(this.sock[0], new Uint8Array(op.n)); break;
      case 'remove':
        if (this.mode !== 'legacy') return;
        removeFrom = this.inGroup();
        r.sqe({ opcode: IORING_OP.REMOVE_BUFFERS, fd: op.n, bufGroup: 1, userData: UD.remove });
        break;
    }
    r.submit();
    this.k.settle();
    for (const c of r.reap()) this.onCqe(c, removeFrom);
  }

  onCqe(c: Cqe, removeFrom: number[]): void {
    if (c.userData === UD.pipe) this.pendingPipeReads--;
    // REMOVE frees the oldest buffers: those go back to the application.
    if (c.userData === UD.remove) for (const b of removeFrom.slice(0, Math.max(0, c.res))) this.owned.add(b);
    if (!(c.flags & IORING_CQE_F.BUFFER)) return;
    const bid = c.flags >>> 16;
    // Never handed out twice at once.
    expect(this.owned.has(bid)).toBe(false);
    if (!(c.flags & IORING_CQE_F.BUF_MORE)) this.owned.add(bid);
  }

  /** Every bid is in exactly one place: the group, the application, or a waiting request. */
  check(): void {
    const g = this.inGroup();
    expect(new Set(g).size).toBe(g.length);
    for (const b of g) expect(this.owned.has(b)).toBe(false);
    const inFlight = NBUF - this.owned.size - g.length;
    expect(inFlight).toBe(this.mode === 'legacy' ? this.pendingPipeReads : 0);
  }
}

describe('conservation and uniqueness of provided buffers', () => {
  for (const mode of ['legacy', 'ring', 'inc'] as const) {
    it(`${mode}: every buffer is in exactly one place, and no bid is out twice`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), (ops) => {
          const app = new App(mode);
          for (const op of ops) {
            app.apply(op);
            app.check();
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});

/** A ring group backed by a plain buffer, with head and tail starting anywhere in u16 space. */
function ringAt(start: number, entries: number): BufferList {
  const bl = new BufferList(1);
  bl.flags = IOBL.BUF_RING;
  bl.mask = entries - 1;
  bl.ring = new DataView(new ArrayBuffer(entries * 16));
  bl.head = start;
  bl.ring.setUint16(14, start, true);
  return bl;
}

describe('ring head/tail arithmetic across u16 wrap-around', () => {
  const knobs = kbufKnobs({ id: '7.3', quirks: {} } as never);

  it('FIFO order, availability and emptiness hold from any starting point', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom(1, 2, 4, 8),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }).map((n) => ({ add: n })), fc.constant({ take: true })), { maxLength: 80 }),
        (start, entries, ops) => {
          const bl = ringAt(start, entries);
          let tail = start;
          let nextBid = 0;
          const queue: number[] = [];
          for (const op of ops) {
            if ('add' in op) {
              const n = Math.min(op.add, entries - queue.length);
              for (let i = 0; i < n; i++) {
                const off = ((tail + i) & bl.mask) * 16;
                bl.ring!.setBigUint64(off, 0x10000n, true);
                bl.ring!.setUint32(off + 8, 64, true);
                bl.ring!.setUint16(off + 12, nextBid & 0xffff, true);
                queue.push(nextBid++ & 0xffff);
              }
              tail = (tail + n) & 0xffff;
              bl.ring!.setUint16(14, tail, true);
            } else {
              const req = new Req();
              const sel = ringBufferSelect(req, 0, bl, 0, knobs);
              if (queue.length === 0) {
                expect(sel).toBeUndefined();
              } else {
                expect(sel).toBeDefined();
                expect((req.kbuf as { bid: number }).bid).toBe(queue.shift());
                // No file: not pollable, so the head moved at selection.
                expect(req.flags & REQ_F.BUFFERS_COMMIT).toBe(0);
                expect(kbufCommit(req, bl, 64, 1)).toBe(true);
              }
            }
            expect(bl.head).toBeGreaterThanOrEqual(0);
            expect(bl.head).toBeLessThanOrEqual(0xffff);
            expect(ringAvail(bl)).toBe(queue.length);
            expect(((bl.head + queue.length) & 0xffff)).toBe(tail);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('through the model: 70000 buffers cycle through a 4-entry ring; PBUF_STATUS reports the wrapped head', () => {
    const k = new Kernel({ extensions: [kbufExtension()] });
    const ring = new UserRing(k, 8);
    const br = new UserBufRing(ring, 3, 4);
    const mem = k.memory.mmap(4 * 32, 'bufs');
    const file = k.tmpfile(4096, 1);
    for (let i = 0; i < 70000; i++) {
      br.add(mem.addr + (i & 3) * 32, 32, i & 0xffff);
      br.advance();
      ring.sqe({ opcode: IORING_OP.READ, fd: file, len: 8, off: 0, flags: IOSQE.BUFFER_SELECT, bufGroup: 3 });
      ring.submit(1);
      const [c] = ring.reap();
      expect(c!.flags >>> 16).toBe(i & 0xffff);
    }
    expect(br.tail).toBe(70000 & 0xffff);
    expect(kbufCtx(ring.ctx).lists.get(3)!.head).toBe(70000 & 0xffff);
  });
});
