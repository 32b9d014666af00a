// Which kernel functions are io_uring's, from the kernel's own debug information: each compile
// unit (one .c file) in DWARF names its source file and the address ranges its code occupies
// (.debug_aranges). A function belongs to io_uring when its address (System.map) lies inside a
// unit named io_uring/*.c. That covers everything the compiler emitted in those objects: static
// functions, `__cold` ones placed apart in .text.unlikely, and out-of-line copies of inline helpers
// from headers. Pure parsing here; coverage-functions.ts fetches the inputs.

export interface CuRange {
  start: bigint;
  /** Exclusive. */
  end: bigint;
  file: string;
}

export interface MapSymbol {
  addr: bigint;
  type: string;
  name: string;
}

export interface KernelFunction {
  addr: bigint;
  name: string;
  /** Source file of its compile unit, e.g. `io_uring/rw.c`. */
  file: string;
}

export interface FunctionSet {
  functions: KernelFunction[];
  /**
   * Address spans holding these functions and nothing else but padding (`__pfx_` symbols), from
   * the first function of a span to the next foreign symbol (exclusive). The guest selects the
   * traceable functions inside them.
   */
  spans: Array<{ start: bigint; end: bigint }>;
}

/**
 * Compile-unit names by their .debug_info offset, from `readelf --debug-dump=info
 * --dwarf-depth=1`: a `Compilation Unit @ offset 0x...:` header, then the unit's attributes. The
 * first DW_AT_name after a header is the unit's (its source file).
 */
export function parseCuNames(lines: Iterable<string>): Map<number, string> {
  const names = new Map<number, string>();
  let cu: number | undefined;
  for (const l of lines) {
    const h = /Compilation Unit @ offset (0x[0-9a-f]+)/.exec(l);
    if (h) {
      cu = Number(h[1]);
      continue;
    }
    if (cu === undefined || names.has(cu) || !l.includes('DW_AT_name')) continue;
    // `DW_AT_name : (indirect line string, offset: 0xb61f): io_uring/io_uring.c`, or without the form.
    const m = /DW_AT_name\s*:\s*(?:\([^)]*\):\s*)?(\S.*)$/.exec(l);
    if (m?.[1]) names.set(cu, m[1].trim());
  }
  return names;
}

/** Address ranges of each unit, from `readelf --debug-dump=aranges`, named through `names`. */
export function parseAranges(lines: Iterable<string>, names: ReadonlyMap<number, string>): CuRange[] {
  const out: CuRange[] = [];
  let file: string | undefined;
  for (const l of lines) {
    const h = /Offset into \.debug_info:\s*(0x[0-9a-f]+)/.exec(l);
    if (h) {
      file = names.get(Number(h[1]));
      continue;
    }
    const m = /^\s+([0-9a-f]{16})\s+([0-9a-f]{16})\s*$/.exec(l);
    if (!m || file === undefined) continue;
    const start = BigInt(`0x${m[1]}`);
    const len = BigInt(`0x${m[2]}`);
    if (len > 0n) out.push({ start, end: start + len, file });
  }
  return out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** Text symbols (t, T, w, W) of a System.map or /proc/kallsyms, by address. */
export function parseSystemMap(text: string): MapSymbol[] {
  const out: MapSymbol[] = [];
  for (const l of text.split('\n')) {
    const m = /^([0-9a-f]{16}) ([tTwW]) (\S+)/.exec(l);
    if (m) out.push({ addr: BigInt(`0x${m[1]}`), type: m[2]!, name: m[3]! });
  }
  return out.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
}

/** The unit holding `addr`, by binary search over sorted, non-overlapping ranges. */
export function unitOf(ranges: readonly CuRange[], addr: bigint): CuRange | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (addr < r.start) hi = mid - 1;
    else if (addr >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** The functions of the units under `dir` (`io_uring/`), and the spans they fill. */
export function functionsUnder(symbols: readonly MapSymbol[], ranges: readonly CuRange[], dir: string): FunctionSet {
  const functions: KernelFunction[] = [];
  const spans: FunctionSet['spans'] = [];
  let open: { start: bigint } | undefined;
  for (const s of symbols) {
    const file = unitOf(ranges, s.addr)?.file;
    const padding = s.name.startsWith('__pfx_');
    if (file?.startsWith(dir)) {
      if (!padding) functions.push({ addr: s.addr, name: s.name, file });
      open ??= { start: s.addr };
    } else if (!padding && open) {
      spans.push({ start: open.start, end: s.addr });
      open = undefined;
    }
  }
  if (open && functions.length) spans.push({ start: open.start, end: functions.at(-1)!.addr + 1n });
  return { functions, spans };
}

/** The function whose code holds `ip` (a traced call site lies at or just after its start). */
export function functionAt(functions: readonly KernelFunction[], ip: bigint): KernelFunction | undefined {
  let lo = 0;
  let hi = functions.length - 1;
  let best: KernelFunction | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = functions[mid]!;
    if (f.addr <= ip) {
      best = f;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export const hex16 = (n: bigint) => n.toString(16).padStart(16, '0');
