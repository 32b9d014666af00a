// The guest's half of `--coverage`: a shell fragment for /init that turns on the function tracer
// for io_uring's functions only, runs the runner once per package (each on its own program file)
// with the trace buffer cleared before and read after, and reports on ttyS0 as `@@ - cov ...` meta
// lines. The kernel's function profiler would count calls itself, but Debian's kernel has no
// CONFIG_FUNCTION_PROFILER; the function tracer with a filter records each call instead, and /init
// reduces the buffer to the distinct addresses before sending them.
//
// Meta lines (parsed by parseCoverageMeta):
//   cov text ADDR           where the kernel's _text is (must equal System.map's: nokaslr)
//   cov fn LINE ADDR NAME   a traceable io_uring function: its line in available_filter_functions,
//                           its ftrace call site and its kallsyms name
//   cov scanned|cached|stale  the list was found by scanning, or taken from GUEST_FNS (stale: it
//                           did not hold, and was scanned again)
//   cov filter N            how many functions set_ftrace_filter holds
//   cov part I              package I starts
//   cov hit I ADDR          a call site traced while package I ran
//   cov lost I N            events the ring buffer lost during package I (0: the list is complete)
//   cov error MSG           tracing could not be set up; the scenarios still ran
//   cov up STAGE SECONDS    the guest's uptime at a stage (setup, scan, traced, part-I, ran-I, read-I)

export const GUEST_SPANS = '/coverage/spans';
/** `LINE ADDR NAME` of the traceable functions, as an earlier boot of the same build found them. */
export const GUEST_FNS = '/coverage/fns';
/**
 * A line of GUEST_SPANS: start, end (exclusive), then every 64 KiB granule (the first 12 of the
 * 16 hex digits) the span touches.
 */
export function spanLine(start: string, end: string): string {
  const g: string[] = [];
  for (let x = BigInt(`0x${start}`) >> 16n; x <= (BigInt(`0x${end}`) - 1n) >> 16n; x++) g.push(x.toString(16).padStart(12, '0'));
  return [start, end, ...g].join(' ');
}
export const partProgram = (i: number) => `/scenarios/part-${i}.prog`;
/** Per-CPU ring buffer (KiB): large enough that no package of today's scenarios loses an event. */
export const TRACE_BUFFER_KB = 32768;
/** After the runner exits, deferred ring teardown (io_ring_exit_work) still runs: wait for it. */
export const SETTLE_US = 300_000;

/**
 * Selects the traceable functions inside the spans: reads GUEST_SPANS, then
 * available_filter_functions_addrs (`ADDR NAME`, `ADDR NAME [module]` for modules), and prints
 * `LINE ADDR NAME` for each call site inside a span. Addresses are 16 lowercase hex digits, so
 * comparing them as strings compares them as numbers. Comparisons are slow in busybox awk under
 * TCG (10 s for the 48k lines), so a line is compared only when its first 12 digits (its 64 KiB
 * granule) are one a span touches.
 */
export const SELECT_AWK = `NR == FNR { lo[NR] = $1 ""; hi[NR] = $2 ""; n = NR; for (i = 3; i <= NF; i++) g[$i] = 1; next }
!(substr($1, 1, 12) in g) || NF > 2 { next }
{ a = $1 ""; for (i = 1; i <= n; i++) if (a >= lo[i] && a < hi[i]) { print FNR, $1, $2; next } }`;

/** The call sites in a raw-format function trace (`IP PARENT_IP` lines, `#` comments). */
export const HITS_AWK = `/^#/ { next } { print $1 }`;

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The part of /init that replaces the single runner invocation. */
export function coverageScript(o: { runner: string[]; parts: number }): string {
  const runs = Array.from({ length: o.parts }, (_, i) => `echo "@@ - cov part ${i}"
cov_up part-${i}
if [ $cov_on = 1 ]; then echo > $T/trace; echo 1 > $T/tracing_on; fi
${[...o.runner, partProgram(i)].map(q).join(' ')}
echo "@@ - runner-exit $?"
cov_up ran-${i}
if [ $cov_on = 1 ]; then
  usleep ${SETTLE_US}
  echo 0 > $T/tracing_on
  cov_busy
  awk ${q(HITS_AWK)} $T/trace | sort -u > /tmp/cov.hits
  cov_done
  sed 's/^/@@ - cov hit ${i} /' /tmp/cov.hits
  cat $T/per_cpu/cpu*/stats | awk '/^overrun:|^dropped events:/ { n += $NF } END { print "@@ - cov lost ${i} " n + 0 }'
  cov_up read-${i}
fi`).join('\n');
  return `# --coverage: trace io_uring's functions, one package at a time (coverage-guest.ts).
T=/sys/kernel/tracing
cov_on=0
cov_up() { echo "@@ - cov up $1 $(cut -d ' ' -f 1 /proc/uptime)"; }
# The host kills a guest silent for 30 s; scanning and reading the buffers can take long on a busy host.
cov_busy() { ( while :; do sleep 5; echo "@@ - cov busy"; done ) & hb=$!; }
cov_done() { kill $hb 2>/dev/null; wait $hb 2>/dev/null; }
if mount -t tracefs nodev $T && [ -r $T/available_filter_functions_addrs ]; then
  cov_up setup
  echo "@@ - cov text $(awk '$3 == "_text" { print $1; exit }' /proc/kallsyms)"
  echo 0 > $T/tracing_on
  # A number written to set_ftrace_filter selects that line of available_filter_functions: exact,
  # where a name would also select other subsystems' static functions of the same name.
  cov_scan() {
    cov_busy
    awk ${q(SELECT_AWK)} ${GUEST_SPANS} $T/available_filter_functions_addrs > /tmp/cov.fns
    cov_done
    cut -d ' ' -f 1 /tmp/cov.fns > $T/set_ftrace_filter
    echo "@@ - cov scanned"
  }
  # The list an earlier boot of this build found holds when the filter then names the same
  # functions in the same order (set_ftrace_filter lists them in available_filter_functions order).
  if [ -s ${GUEST_FNS} ]; then
    cp ${GUEST_FNS} /tmp/cov.fns
    cut -d ' ' -f 1 /tmp/cov.fns > $T/set_ftrace_filter
    cut -d ' ' -f 3 /tmp/cov.fns > /tmp/cov.want
    if cat $T/set_ftrace_filter | cmp -s - /tmp/cov.want; then echo "@@ - cov cached"; else echo "@@ - cov stale"; cov_scan; fi
  else
    cov_scan
  fi
  cov_up scan
  echo "@@ - cov filter $(grep -c . $T/set_ftrace_filter)"
  sed 's/^/@@ - cov fn /' /tmp/cov.fns
  echo ${TRACE_BUFFER_KB} > $T/buffer_size_kb
  echo 0 > $T/options/context-info
  echo 1 > $T/options/raw
  if [ -s /tmp/cov.fns ] && echo function > $T/current_tracer; then cov_on=1; cov_up traced; else echo "@@ - cov error the function tracer did not start"; fi
else
  echo "@@ - cov error no tracefs with available_filter_functions_addrs in this kernel"
fi
${runs}
echo nop > $T/current_tracer 2>/dev/null
`;
}

export interface GuestCoverage {
  text: string | undefined;
  /** Traceable io_uring functions: call site → kallsyms name. */
  traceable: Map<string, string>;
  /** Their lines in available_filter_functions, by call site. */
  lines: Map<string, number>;
  /** How the guest got the list. */
  list: 'scanned' | 'cached' | 'stale' | undefined;
  filter: number | undefined;
  /** Per part: the distinct call sites traced. */
  hits: Map<number, Set<string>>;
  lost: Map<number, number>;
  parts: Set<number>;
  errors: string[];
  /** Guest uptime (s) by stage. */
  up: Map<string, number>;
}

export function parseCoverageMeta(meta: readonly string[]): GuestCoverage {
  const g: GuestCoverage = { text: undefined, traceable: new Map(), lines: new Map(), list: undefined, filter: undefined, hits: new Map(), lost: new Map(), parts: new Set(), errors: [], up: new Map() };
  for (const m of meta) {
    if (!m.startsWith('cov ')) continue;
    const [, kind, a, b, c] = m.split(' ');
    if (kind === 'text') g.text = a;
    else if (kind === 'fn' && a && b && c) {
      g.traceable.set(b, c);
      g.lines.set(b, Number(a));
    } else if (kind === 'fn' && a && b) g.traceable.set(a, b); // before line numbers were sent
    else if (kind === 'scanned' || kind === 'cached') g.list ??= kind;
    else if (kind === 'stale') g.list = 'stale';
    else if (kind === 'filter') g.filter = Number(a);
    else if (kind === 'part') g.parts.add(Number(a));
    else if (kind === 'hit' && b && /^[0-9a-f]{16}$/.test(b)) {
      const set = g.hits.get(Number(a)) ?? new Set<string>();
      set.add(b);
      g.hits.set(Number(a), set);
    } else if (kind === 'lost') g.lost.set(Number(a), Number(b));
    else if (kind === 'up' && a && b) g.up.set(a, Number(b));
    else if (kind === 'error') g.errors.push(m.slice('cov error '.length));
  }
  return g;
}
