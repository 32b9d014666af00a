// Kernel log lines that mean the kernel itself misbehaved while running the scenarios. Any of
// them fails the run, whatever the traces say. Patterns are specific on purpose: plain boot
// messages such as "rcu: Hierarchical RCU implementation" must not match.

export const SPLAT_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: 'warning', re: /\bWARNING:/ },
  { name: 'bug', re: /\bBUG:/ },
  { name: 'kernel-bug', re: /kernel BUG at/ },
  { name: 'oops', re: /\bOops\b/ },
  { name: 'gpf', re: /general protection fault/ },
  { name: 'kasan', re: /\bKASAN\b/ },
  { name: 'ubsan', re: /\bUBSAN:/ },
  { name: 'panic', re: /Kernel panic/ },
  { name: 'rcu-stall', re: /\brcu\b.*\bstall|RCU.*\bstall|rcu_\w+ (self-)?detected stall/i },
  { name: 'rcu-usage', re: /suspicious RCU usage/ },
  { name: 'lockdep', re: /\blockdep\b|possible (circular|recursive) locking|inconsistent lock state|DEBUG_LOCKS_WARN_ON/ },
  { name: 'hung-task', re: /INFO: task .* blocked for more than/ },
  { name: 'soft-lockup', re: /soft lockup|hard LOCKUP/ },
];

/**
 * Drops the syslog level (`<4>`, from `dmesg -r`) and the printk timestamp (`[    1.234567] `),
 * so the same message seen on the console and in the log counts once.
 */
export function stripTimestamp(line: string): string {
  return line.replace(/^\s*<\d+>/, '').replace(/^\s*\[\s*\d+\.\d+\]\s?/, '');
}

/** The offending lines (timestamp removed), each once, in order of appearance. */
export function scanSplats(lines: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of lines) {
    const text = stripTimestamp(line).trim();
    if (!text || seen.has(text)) continue;
    if (SPLAT_PATTERNS.some((p) => p.re.test(text))) {
      seen.add(text);
      out.push(text);
    }
  }
  return out;
}
