// Shrinking a failing case, as a state machine so that the caller can run every candidate of a
// round in one batch (one runner invocation, one VM boot). First whole chunks of templates go
// (ddmin: halves, quarters, ... single templates), then choices go to 0 one at a time (their
// simplest option), then chunks again, until a round changes nothing. Every candidate is a
// template array, so it realises to a valid scenario.

import type { FuzzTemplate } from './types.js';

export interface ShrinkOptions {
  /** Rounds (batches) at most; default 60. */
  maxRounds?: number;
  /** Candidates per round at most; default 128. */
  maxBatch?: number;
}

type Phase = { kind: 'chunks'; size: number } | { kind: 'values'; at: number; sweepChanged: boolean };

export class Shrinker {
  current: FuzzTemplate[];
  rounds = 0;
  /** Candidates that reproduced and were taken. */
  steps = 0;
  private phase: Phase;
  private batch: FuzzTemplate[][] = [];
  private changedSinceChunks = false;
  private finished = false;
  private readonly maxRounds: number;
  private readonly maxBatch: number;

  constructor(templates: readonly FuzzTemplate[], o: ShrinkOptions = {}) {
    this.current = clone(templates);
    this.maxRounds = o.maxRounds ?? 60;
    this.maxBatch = o.maxBatch ?? 128;
    this.phase = { kind: 'chunks', size: Math.max(1, Math.ceil(this.current.length / 2)) };
  }

  get done(): boolean {
    return this.finished || this.rounds >= this.maxRounds;
  }

  /** The next round's candidates; empty once done. */
  candidates(): FuzzTemplate[][] {
    if (this.done) return [];
    for (let guard = 0; guard < 64; guard++) {
      this.batch = this.phase.kind === 'chunks' ? this.chunkCandidates(this.phase.size) : this.valueCandidates(this.phase.at);
      if (this.batch.length) return this.batch;
      if (!this.advance()) break;
    }
    this.finished = true;
    return [];
  }

  /** Which of the last candidates still show the divergence; the first one that does is kept. */
  accept(reproduced: readonly boolean[]): void {
    if (this.done) return;
    this.rounds++;
    const i = reproduced.findIndex(Boolean);
    if (i >= 0) {
      this.current = clone(this.batch[i]!);
      this.steps++;
      this.changedSinceChunks = true;
      if (this.phase.kind === 'chunks') this.phase.size = Math.max(1, Math.min(this.phase.size, Math.ceil(this.current.length / 2)));
      else this.phase = { kind: 'values', at: this.phase.at, sweepChanged: true };
      return;
    }
    if (this.phase.kind === 'values') {
      // Go on from where this batch ended; values() reports the end of a sweep as an empty batch.
      this.phase = { ...this.phase, at: this.phase.at + this.maxBatch };
      return;
    }
    if (!this.advance()) this.finished = true;
  }

  /** Moves to the next phase; false when there is nothing left to try. */
  private advance(): boolean {
    const p = this.phase;
    if (p.kind === 'chunks') {
      if (p.size > 1) {
        this.phase = { kind: 'chunks', size: Math.floor(p.size / 2) };
        return true;
      }
      this.changedSinceChunks = false;
      this.phase = { kind: 'values', at: 0, sweepChanged: false };
      return true;
    }
    // End of a sweep over the choices.
    if (p.sweepChanged) {
      this.phase = { kind: 'values', at: 0, sweepChanged: false };
      return true;
    }
    if (this.changedSinceChunks) {
      this.changedSinceChunks = false;
      this.phase = { kind: 'chunks', size: 1 };
      return true;
    }
    return false;
  }

  private chunkCandidates(size: number): FuzzTemplate[][] {
    const n = this.current.length;
    if (n <= 1) return [];
    const out: FuzzTemplate[][] = [];
    for (let i = 0; i < n && out.length < this.maxBatch; i += size) {
      out.push(clone([...this.current.slice(0, i), ...this.current.slice(i + size)]));
    }
    return out;
  }

  /** Every nonzero choice set to 0, from the `at`-th such position on. */
  private valueCandidates(at: number): FuzzTemplate[][] {
    const spots: [number, number][] = [];
    this.current.forEach((t, i) => t.c.forEach((v, j) => v !== 0 && spots.push([i, j])));
    return spots.slice(at, at + this.maxBatch).map(([i, j]) => {
      const next = clone(this.current);
      next[i]!.c[j] = 0;
      return next;
    });
  }
}

function clone(ts: readonly FuzzTemplate[]): FuzzTemplate[] {
  return ts.map((t) => ({ g: t.g, c: [...t.c] }));
}
