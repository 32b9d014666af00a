// Runs a child (QEMU, or the runner natively) in its own process group under a hard deadline
// and a silence deadline, streaming its output. Whatever happens — timeout, a paused QEMU,
// Ctrl-C, an exception in the parent — the whole group is killed: nothing is left running.
import { execa } from 'execa';

export interface SuperviseOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kill after this long, no matter what. */
  hardTimeoutMs: number;
  /** Kill when no output at all arrived for this long (a hung or paused guest). */
  silenceTimeoutMs?: number;
  onStdout(chunk: string): void;
  /** Return a reason to kill at once (e.g. "KVM internal error" on stderr). */
  onStderr?(chunk: string): string | undefined;
  /** Aborting kills the group; the abort reason (a string) becomes `killedFor`. */
  signal?: AbortSignal;
  /** Whether an abort counts as a timeout (default true). */
  abortIsTimeout?: boolean;
}

export interface Supervised {
  exitCode: number | undefined;
  signal: string | undefined;
  /** Why we killed it, if we did. */
  killedFor: string | undefined;
  timedOut: boolean;
  stderr: string;
  ms: number;
}

const live = new Set<number>();
let hooked = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function killAll(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      killAll();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export async function supervise(cmd: string, args: string[], o: SuperviseOptions): Promise<Supervised> {
  hookExit();
  const t0 = performance.now();
  const child = execa(cmd, args, {
    cwd: o.cwd,
    env: o.env,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    detached: true, // own process group, so killing -pid takes everything it started
    cleanup: false,
    encoding: 'utf8',
  });
  const pid = child.pid;
  if (pid !== undefined) live.add(pid);

  let killedFor: string | undefined;
  let timedOut = false;
  let stderr = '';
  const kill = (why: string, isTimeout: boolean) => {
    if (killedFor) return;
    killedFor = why;
    timedOut = isTimeout;
    if (pid !== undefined) killGroup(pid);
  };

  const hard = setTimeout(() => kill(`hard timeout after ${(o.hardTimeoutMs / 1000).toFixed(0)} s`, true), o.hardTimeoutMs);
  let silence: NodeJS.Timeout | undefined;
  const armSilence = () => {
    if (!o.silenceTimeoutMs) return;
    clearTimeout(silence);
    silence = setTimeout(
      () => kill(`no output for ${(o.silenceTimeoutMs! / 1000).toFixed(0)} s (hung or paused)`, true),
      o.silenceTimeoutMs,
    );
  };
  armSilence();
  const onAbort = () => kill(String(o.signal?.reason ?? 'aborted'), o.abortIsTimeout ?? true);
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort);

  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    armSilence();
    o.onStdout(chunk);
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    const why = o.onStderr?.(chunk);
    if (why) kill(why, false);
  });

  try {
    const r = await child;
    return {
      exitCode: r.exitCode,
      signal: r.signal,
      killedFor,
      timedOut,
      stderr,
      ms: performance.now() - t0,
    };
  } finally {
    clearTimeout(hard);
    clearTimeout(silence);
    o.signal?.removeEventListener('abort', onAbort);
    // Not killed again after a normal exit: the group id could already belong to someone else.
    if (pid !== undefined) live.delete(pid);
  }
}
