// Runner programs that time REGISTER_BUFFERS and CLONE_BUFFERS over pools of a chosen page size
// (`advregion`, runner/mem-advise.c). Each case registers the pool in ring A, clones A's table
// into ring B, then unregisters both, `reps` times; every register and clone call is wrapped in
// the runner's `time`. The kernel's results are checked by the reader (timing.ts), not diffed
// against a model: these programs have no model side (see COSTS.md in @uringlab/rsrc-copy).

export type BackingKind = 'base' | 'thp' | 'hugetlb';

export interface TimingCase {
  /** Scenario id: rsrc-time-<kind>-<pool>-<buffer>. */
  id: string;
  kind: BackingKind;
  poolBytes: number;
  bufferBytes: number;
  reps: number;
}

/** io_uring_register(2) opcodes (UAPI enum io_uring_register_op). */
export const REG = { BUFFERS: 0, UNREGISTER_BUFFERS: 1, CLONE_BUFFERS: 30 } as const;

const MIB = 1 << 20;
/** One `wmem` line carries at most this many fixups (the runner's 4096 tokens a line). */
const IOVECS_PER_LINE = 1000;

function size(n: number): string {
  return n % MIB === 0 ? `${n / MIB}m` : `${n / 1024}k`;
}

export function timingCase(kind: BackingKind, poolBytes: number, bufferBytes: number, reps = 7): TimingCase {
  if (poolBytes % bufferBytes) throw new Error(`pool ${poolBytes} is not a multiple of the buffer size ${bufferBytes}`);
  return { id: `rsrc-time-${kind}-${size(poolBytes)}-${size(bufferBytes)}`, kind, poolBytes, bufferBytes, reps };
}

export function buffersOf(c: TimingCase): number {
  return c.poolBytes / c.bufferBytes;
}

/** The program lines of one case (without `scenario`/`end`). */
export function caseOps(c: TimingCase): string[] {
  const n = buffersOf(c);
  const ops = ['require root', `advregion pool ${c.poolBytes} ${c.kind}`, `region iov ${16 * n}`];
  // struct iovec { u64 base; u64 len; }: the lengths as hex, the bases as fixups.
  for (let first = 0; first < n; first += IOVECS_PER_LINE) {
    const count = Math.min(IOVECS_PER_LINE, n - first);
    const b = Buffer.alloc(16 * count);
    const fix: string[] = [];
    for (let i = 0; i < count; i++) {
      b.writeBigUInt64LE(BigInt(c.bufferBytes), 16 * i + 8);
      fix.push(`@${16 * i}=a:pool:${(first + i) * c.bufferBytes}`);
    }
    ops.push(`wmem iov ${16 * first} ${b.toString('hex')} ${fix.join(' ')}`);
  }
  ops.push('region pa 120', 'region pb 120', 'setup A 8 pa 0', 'setup B 8 pb 0');
  // struct io_uring_clone_buffers: src_fd = A, everything else 0 (all of A's table).
  ops.push(`region cl 32`, `wmem cl 0 ${'00'.repeat(32)} @0=f:A`);
  for (let r = 0; r < c.reps; r++) {
    ops.push(
      `time register register A ${REG.BUFFERS} ${n} iov 0`,
      `time clone register B ${REG.CLONE_BUFFERS} 1 cl 0`,
      `register B ${REG.UNREGISTER_BUFFERS} 0 - 0`,
      `register A ${REG.UNREGISTER_BUFFERS} 0 - 0`,
    );
  }
  return ops;
}

export function timingProgram(cases: readonly TimingCase[]): string {
  return cases.map((c) => [`scenario ${c.id}`, ...caseOps(c).map((o) => `  ${o}`), 'end', ''].join('\n')).join('');
}

/** The cases a run measures: base pages everywhere, THP natively, hugetlb in the guest. */
export function timingCases(mode: 'native' | 'vm'): TimingCase[] {
  const huge: BackingKind = mode === 'native' ? 'thp' : 'hugetlb';
  const big = mode === 'native' ? 512 * MIB : 128 * MIB;
  return [
    timingCase('base', 16 * MIB, MIB),
    timingCase('base', 64 * MIB, MIB),
    timingCase('base', big, MIB),
    timingCase('base', big, 16 * MIB),
    timingCase('base', 64 * MIB, 4096),
    timingCase('base', 16 * MIB, 4096),
    timingCase(huge, 64 * MIB, 2 * MIB),
    timingCase(huge, big, 2 * MIB),
    timingCase(huge, big, 32 * MIB),
    timingCase(huge, big, big),
  ];
}
