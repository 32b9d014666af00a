// Step 3: one boot runs the whole program. Builds the initramfs and a fresh disk, boots QEMU
// under supervision, streams the console into the record collector, and falls back (vmlinux →
// vmlinuz, auto-chosen KVM → TCG) when a boot never reaches /init.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rememberKvmFailure, type AccelChoice } from './accel.js';
import { writeDisk } from './disk.js';
import { ignoreEvents, type OnEvent } from './events.js';
import { buildInitramfs } from './initramfs.js';
import { prepare, vmlinuxBadMarker, type Prepared } from './prepare.js';
import { supervise } from './proc.js';
import { qemuArgs, type Accel } from './qemu-args.js';
import { programScenarioIds, RecordCollector } from './records.js';
import { finishResult, type RunResult } from './result.js';

export interface RunInVmOptions {
  /** Program text (PROTOCOL.md); every `scenario ID` in it is expected back. */
  programText: string;
  /** The static runner binary (testbed/build/runner). */
  runnerPath: string;
  runnerArgs?: string[];
  /** From prepare(); made on the spot (with accel/kernelVersion) when absent. */
  prepared?: Prepared;
  accel?: AccelChoice;
  kernelVersion?: string;
  /** Keep the disk image and write build/vm/qemu.sh to rerun the exact boot by hand. */
  keep?: boolean;
  /** Overall limit; default 60 s plus 11 s per scenario (the runner allows 10 s each). */
  hardTimeoutMs?: number;
  /** Kill when the console stays silent this long; default 30 s. */
  silenceTimeoutMs?: number;
  /** Kill when /init has not spoken by then; default 30 s under TCG, 15 s under KVM. */
  bootDeadlineMs?: number;
  onEvent?: OnEvent;
}

interface Attempt {
  accel: Accel;
  kernel: string;
  kernelKind: 'vmlinux' | 'vmlinuz';
}

interface BootOutcome {
  collector: RecordCollector;
  console: string[];
  reachedInit: boolean;
  killedFor: string | undefined;
  timedOut: boolean;
  exitCode: number | undefined;
  stderr: string;
  spawnedAt: number;
  vmMs: number;
}

const KVM_FAILURE = /KVM internal error|kvm run failed|failed to initialize kvm|Could not access KVM/i;

async function boot(
  a: Attempt,
  files: { initrd: string; disk: string },
  o: RunInVmOptions,
  ids: string[],
  onEvent: OnEvent,
): Promise<BootOutcome> {
  const args = qemuArgs({ accel: a.accel, kernel: a.kernel, initrd: files.initrd, disk: files.disk });
  const t0 = performance.now();
  const console: string[] = [];
  const collector = new RecordCollector(ids, {
    onLine: (line) => {
      console.push(line);
      onEvent({ type: 'console', line });
    },
    onKernel: (release, at) => onEvent({ type: 'kernel', release, atMs: at - t0 }),
    onBegin: (id, at) => onEvent({ type: 'scenario-begin', id, atMs: at - t0 }),
    onEnd: (r) => onEvent({ type: 'scenario-end', id: r.id, status: r.status, ms: r.ms ?? 0 }),
  });
  const deadline = new AbortController();
  const bootDeadlineMs = o.bootDeadlineMs ?? (a.accel === 'kvm' ? 15_000 : 30_000);
  const bootTimer = setTimeout(() => {
    if (collector.release === undefined) {
      deadline.abort(`/init did not start within ${bootDeadlineMs / 1000} s`);
    }
  }, bootDeadlineMs);
  if (o.keep) {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    writeFileSync(join(files.disk, '..', 'qemu.sh'), `#!/bin/sh\nexec qemu-system-x86_64 ${args.map(q).join(' ')}\n`, {
      mode: 0o755,
    });
  }
  onEvent({ type: 'step', step: 'boot', message: `qemu ${a.accel} ${a.kernelKind}` });
  const n = Math.max(ids.length, 1);
  const r = await supervise('qemu-system-x86_64', args, {
    hardTimeoutMs: o.hardTimeoutMs ?? 60_000 + 11_000 * n,
    silenceTimeoutMs: o.silenceTimeoutMs ?? 30_000,
    signal: deadline.signal,
    onStdout: (chunk) => collector.write(chunk),
    onStderr: (chunk) => (KVM_FAILURE.test(chunk) ? `QEMU: ${chunk.trim().split('\n')[0]}` : undefined),
  }).finally(() => clearTimeout(bootTimer));
  collector.flush();
  return {
    collector,
    console,
    reachedInit: collector.release !== undefined,
    killedFor: r.killedFor,
    timedOut: r.timedOut,
    exitCode: r.exitCode,
    stderr: r.stderr,
    spawnedAt: t0,
    vmMs: r.ms,
  };
}

export async function runInVm(o: RunInVmOptions): Promise<RunResult> {
  const t0 = performance.now();
  const onEvent = o.onEvent ?? ignoreEvents;
  const p = o.prepared ?? (await prepare({ accel: o.accel, kernelVersion: o.kernelVersion, onEvent }));
  if (!p.kernelImage || !p.accel) throw new Error('runInVm needs prepare() with vm: true');
  const vmDir = join(p.dirs.build, 'vm');
  mkdirSync(vmDir, { recursive: true });

  onEvent({ type: 'step', step: 'initramfs', message: 'building' });
  const initramfs = await buildInitramfs({
    busybox: p.sysroot.busybox,
    modulesDir: p.sysroot.modulesDir,
    runnerPath: o.runnerPath,
    programText: o.programText,
    runnerArgs: o.runnerArgs,
    out: join(p.dirs.build, `initramfs-${p.sysroot.kernelRelease}.cpio`),
  });
  const ids = programScenarioIds(o.programText);

  let attempt: Attempt = { accel: p.accel.accel, kernel: p.kernelImage.path, kernelKind: p.kernelImage.kind };
  const notes: string[] = [`accel ${p.accel.accel}: ${p.accel.reason}`];
  let diskMs = 0;
  let out: BootOutcome;
  for (;;) {
    // A fresh disk per boot: a previous attempt may have written to it.
    const disk = writeDisk(join(vmDir, 'nvme.img'));
    diskMs += disk.ms;
    out = await boot(attempt, { initrd: initramfs.path, disk: disk.path }, o, ids, onEvent);
    if (out.reachedInit) break;
    const why = out.killedFor ?? `QEMU exited (${out.exitCode ?? 'signal'})`;
    if (attempt.accel === 'kvm' && p.accel.auto) {
      rememberKvmFailure(join(p.dirs.build, 'kvm-verdict.json'), why);
      notes.push(`KVM boot failed (${why}); retried under TCG`);
      attempt = { ...attempt, accel: 'tcg' };
      continue;
    }
    if (attempt.kernelKind === 'vmlinux') {
      notes.push(`vmlinux did not boot (${why}); retried with vmlinuz`);
      const next: Attempt = { ...attempt, kernel: p.kernelImage.vmlinuz, kernelKind: 'vmlinuz' };
      const retry = await boot(next, { initrd: initramfs.path, disk: writeDisk(join(vmDir, 'nvme.img')).path }, o, ids, onEvent);
      // Only blame the vmlinux when vmlinuz got further.
      if (retry.reachedInit) writeFileSync(vmlinuxBadMarker(p.dirs, p.sysroot.kernelRelease), `${why}\n`);
      attempt = next;
      out = retry;
    }
    break;
  }
  writeFileSync(join(vmDir, 'console.log'), `${out.console.join('\n')}\n`);
  if (!o.keep) rmSync(join(vmDir, 'nvme.img'), { force: true });

  return finishResult({
    mode: 'vm',
    accel: attempt.accel,
    kernelImage: attempt.kernelKind,
    notes,
    collector: out.collector,
    console: out.console,
    killedFor: out.killedFor,
    timedOut: out.timedOut,
    exitCode: out.exitCode,
    stderr: out.stderr,
    spawnedAt: out.spawnedAt,
    timings: {
      fetchMs: o.prepared ? undefined : p.timings.fetchMs,
      initramfsMs: initramfs.ms,
      diskMs,
      processMs: out.vmMs,
      totalMs: performance.now() - t0,
    },
  });
}
