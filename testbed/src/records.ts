// Turns the record stream (the VM's ttyS0, or the native runner's stdout) into per-scenario
// records. The runner prints `@@ ID REC...` (PROTOCOL.md); /init adds `@@ - ...` meta lines and
// the kernel log as `@@K ...` lines. Anything else is noise kept only for diagnostics.
import { scanSplats } from './splats.js';

export type ScenarioStatus = 'ok' | 'skip' | 'crash' | 'timeout' | 'missing';

export interface ScenarioResult {
  id: string;
  /** Raw records after the ID (`enter r0 1`, `skip no nvme`, `crash 11`...), without begin/end. */
  records: string[];
  status: ScenarioStatus;
  reason?: string;
  /** Wall time between its begin and end lines as seen by the host. */
  ms?: number;
  /** How many blocking calls the runner's in-scenario watchdog ended (a `watchdog N` record, not part of the trace). */
  watchdog?: number;
}

export interface Collected {
  kernelRelease: string | undefined;
  scenarios: Map<string, ScenarioResult>;
  /** `@@ - ...` lines other than the kernel line (init progress, warnings, runner exit). */
  meta: string[];
  kernelLog: string[];
  /** Whether the whole kernel log came back (init reached klog-end). */
  kernelLogComplete: boolean;
  /** Lines of the record stream that were not records (firmware banner, shell errors...). */
  other: string[];
  /**
   * The kernel's own console (a second serial port in the VM, so kernel messages never land in
   * the middle of a record line): warnings and worse, as they happened, even if the guest died.
   */
  kernelConsole: string[];
  splats: string[];
  /** When `@@ - kernel` arrived, in ms on the collector's clock (from the process spawn). */
  kernelAtMs: number | undefined;
}

/** Scenario IDs in program text, in order (`scenario ID` lines). */
export function programScenarioIds(programText: string): string[] {
  const ids: string[] = [];
  for (const line of programText.split('\n')) {
    const m = /^\s*scenario\s+(\S+)/.exec(line);
    if (m?.[1]) ids.push(m[1]);
  }
  return ids;
}

/**
 * The 1-based line of each scenario's `scenario ID` line. The runner's `error LINE MSG` names a
 * line of the whole program file; the collector turns it into `error OP MSG`, OP being the index
 * of the failed operation within its scenario (what the model executor prints), so the decoder
 * attributes the error to the step that failed.
 */
export function programScenarioLines(programText: string): Map<string, number> {
  const at = new Map<string, number>();
  programText.split('\n').forEach((line, i) => {
    const m = /^\s*scenario\s+(\S+)/.exec(line);
    if (m?.[1] && !at.has(m[1])) at.set(m[1], i + 1);
  });
  return at;
}

type Running = ScenarioResult & { beganAt: number; done: boolean };

export interface CollectorHooks {
  onLine?(line: string): void;
  onKernel?(release: string, atMs: number): void;
  onBegin?(id: string, atMs: number): void;
  onEnd?(r: ScenarioResult): void;
}

/**
 * Consumes the record stream as it arrives. Output without a final newline (firmware's
 * "Booting from ROM..") can precede a record on the same line, so a record prefix found
 * mid-line starts a new line.
 */
export class RecordCollector {
  private readonly results = new Map<string, Running>();
  private readonly meta: string[] = [];
  private readonly kernelLog: string[] = [];
  private readonly other: string[] = [];
  private kernelRelease: string | undefined;
  private kernelAtMs: number | undefined;
  private klogComplete = false;
  private firstBegin: number | undefined;
  private partial = '';

  constructor(
    private readonly expected: string[] = [],
    private readonly hooks: CollectorHooks = {},
    private readonly now: () => number = () => performance.now(),
    /** From programScenarioLines(): maps the runner's error lines to operation indexes. */
    private readonly lines?: ReadonlyMap<string, number>,
  ) {}

  /** `error LINE MSG` → `error OP MSG` (or `error - MSG` when the line is no operation of it). */
  private errorRecord(id: string, rec: string): string {
    const first = this.lines?.get(id);
    const m = /^error (\d+)( .*)?$/.exec(rec);
    if (first === undefined || !m) return rec;
    const op = Number(m[1]) - first - 1;
    return `error ${op >= 0 ? op : '-'}${m[2] ?? ''}`;
  }

  /** The kernel release once `@@ - kernel` arrived (does not flush a partial line). */
  get release(): string | undefined {
    return this.kernelRelease;
  }

  /** Host time of the first scenario's begin line. */
  get firstBeginAt(): number | undefined {
    return this.firstBegin;
  }

  /** Feeds raw console bytes (decoded); splits lines itself. */
  write(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(l);
  }

  /** Flushes a last unterminated line. */
  flush(): void {
    if (this.partial) this.line(this.partial);
    this.partial = '';
  }

  line(raw: string): void {
    const l = raw.replace(/\r/g, '');
    this.hooks.onLine?.(l);
    this.classify(l);
  }

  private classify(l: string): void {
    const at = l.search(/@@K? /);
    if (at > 0) {
      this.other.push(l.slice(0, at));
      this.classify(l.slice(at));
      return;
    }
    if (at < 0) {
      if (l.trim()) this.other.push(l);
      return;
    }
    if (l.startsWith('@@K ')) {
      this.kernelLog.push(l.slice(4));
      return;
    }
    const body = l.slice(3);
    const sp = body.indexOf(' ');
    const id = sp < 0 ? body : body.slice(0, sp);
    const rec = sp < 0 ? '' : body.slice(sp + 1);
    if (id === '-') this.metaRecord(rec);
    else if (id) this.scenarioRecord(id, rec);
  }

  private metaRecord(rec: string): void {
    const k = /^kernel (\S+)/.exec(rec);
    if (k?.[1]) {
      // Both /init and the runner print it; the first one wins.
      if (this.kernelRelease === undefined) {
        this.kernelRelease = k[1];
        this.kernelAtMs = this.now();
        this.hooks.onKernel?.(k[1], this.kernelAtMs);
      }
      return;
    }
    if (rec === 'klog-end') this.klogComplete = true;
    this.meta.push(rec);
  }

  private scenarioRecord(id: string, rec: string): void {
    const now = this.now();
    let r = this.results.get(id);
    if (rec === 'begin') {
      r = { id, records: [], status: 'ok', beganAt: now, done: false };
      this.firstBegin ??= now;
      this.results.set(id, r);
      this.hooks.onBegin?.(id, now);
      return;
    }
    if (!r) {
      // A record without begin: keep it, but the scenario is suspect.
      r = { id, records: [], status: 'crash', reason: 'records without a begin line', beganAt: now, done: false };
      this.results.set(id, r);
    }
    if (rec === 'end') {
      if (r.done) return;
      r.done = true;
      r.ms = now - r.beganAt;
      this.hooks.onEnd?.(strip(r));
      return;
    }
    const wd = /^watchdog (\d+)$/.exec(rec);
    if (wd) {
      r.watchdog = Number(wd[1]);
      return;
    }
    rec = this.errorRecord(id, rec);
    r.records.push(rec);
    const [kind, ...rest] = rec.split(' ');
    const reason = rest.join(' ') || undefined;
    if (kind === 'skip' && r.status === 'ok') setStatus(r, 'skip', reason);
    else if (kind === 'crash') setStatus(r, 'crash', reason ? `signal ${reason}` : 'crashed');
    else if (kind === 'timeout') setStatus(r, 'timeout', 'exceeded the runner budget');
  }

  /**
   * The final picture. `interrupted` explains why the stream stopped early (VM timeout, guest
   * death); a scenario left open is marked with it, and expected scenarios never begun are
   * `missing`. `kernelConsole` is the kernel's console output, scanned for splats too.
   */
  result(interrupted?: { status: 'crash' | 'timeout'; reason: string }, kernelConsole: string[] = []): Collected {
    this.flush();
    const scenarios = new Map<string, ScenarioResult>();
    const ids = [...this.expected, ...[...this.results.keys()].filter((k) => !this.expected.includes(k))];
    for (const id of ids) {
      const r = this.results.get(id);
      if (!r) {
        scenarios.set(id, { id, records: [], status: 'missing', reason: interrupted?.reason ?? 'never started' });
        continue;
      }
      const out = strip(r);
      if (!r.done) {
        out.status = interrupted?.status ?? 'crash';
        out.reason = interrupted?.reason ?? 'no end line';
      }
      scenarios.set(id, out);
    }
    // The same message may be in the log and on the console: scanSplats counts it once.
    const splatSource = [...this.kernelLog, ...kernelConsole, ...(this.klogComplete ? [] : this.other)];
    return {
      kernelRelease: this.kernelRelease,
      scenarios,
      meta: [...this.meta],
      kernelLog: [...this.kernelLog],
      kernelLogComplete: this.klogComplete,
      other: [...this.other],
      kernelConsole: [...kernelConsole],
      splats: scanSplats(splatSource),
      kernelAtMs: this.kernelAtMs,
    };
  }
}

function setStatus(r: Running, status: ScenarioStatus, reason: string | undefined): void {
  r.status = status;
  if (reason !== undefined) r.reason = reason;
}

function strip(r: Running): ScenarioResult {
  const out: ScenarioResult = { id: r.id, records: [...r.records], status: r.status };
  if (r.reason !== undefined) out.reason = r.reason;
  if (r.ms !== undefined) out.ms = r.ms;
  if (r.watchdog !== undefined) out.watchdog = r.watchdog;
  return out;
}

/** Convenience for tests and logs: collects a whole console transcript at once. */
export function collectConsole(text: string, expected: string[] = []): Collected {
  const c = new RecordCollector(expected);
  c.write(text);
  return c.result();
}
