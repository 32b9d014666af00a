// Reading a template's integer choices. Every read consumes one integer (0 after the last), so
// a generator reads the same positions however the values change: shrinking one choice never
// shifts the meaning of the others.

import type { FuzzChoices } from './types.js';

export class Choices implements FuzzChoices {
  private at = 0;
  constructor(private readonly c: readonly number[]) {}

  int(n: number): number {
    const v = this.c[this.at++] ?? 0;
    return n <= 1 ? 0 : Math.abs(Math.trunc(v)) % n;
  }

  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new RangeError('pick from no options');
    return xs[this.int(xs.length)]!;
  }

  bool(): boolean {
    return this.int(2) === 1;
  }

  rare(n: number): boolean {
    return this.int(n) === n - 1;
  }

  subset<T>(names: readonly T[], oneIn: number): T[] {
    return names.filter(() => this.rare(oneIn));
  }
}
