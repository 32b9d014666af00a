// Step 3: one boot runs the whole program. Builds the initramfs and a fresh disk, boots QEMU
// under supervision, streams the console into the record collector, and falls back (vmlinux →
// vmlinuz, auto-chosen KVM → TCG) when a boot never reaches /init.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rememberKvmFailure, type AccelChoice } from './accel.js';
import { writeDisk } from './disk.js';
import { ignoreEvents, type OnEvent } from './events.js';
import { buildInitramfs, type GuestExtra, type InitramfsResult } from './initramfs.js';
import { prepare, vmlinuxBadMarker, type Prepared } from './prepare.js';
import { supervise } from './proc.js';
import { QBOOT, qemuArgs, type Accel } from './qemu-args.js';
import { programScenarioIds, programScenarioLines, RecordCollector } from './records.js';
import { finishResult, killedFromOutside, type RunResult } from './result.js';
import { clearFailures, imageId, recordFailure, REQUIRED_FAILURES } from './boot-marks.js';

export interface RunInVmOptions {
  /** Program text (PROTOCOL.md); every `scenario ID` in it is expected back. */
  programText: string;
  /** The static runner binary (testbed/build/runner). */
  runnerPath: string;
  runnerArgs?: string[];
  /** From prepare(); made on the spot (with accel/kernelVersion) when absent. */
  prepared?: Prepared;
  /** Built by the build stage (stages.ts) for this programText; built here when absent. */
  initramfs?: InitramfsResult;
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
  /** Extra kernel command line words (e.g. initcall_debug when profiling the boot). */
  kernelArgs?: string[];
  /** More guest files and a replacement runner line (--coverage). */
  guestExtra?: GuestExtra;
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
  kernelConsole: string[];
  reachedInit: boolean;
  killedFor: string | undefined;
  timedOut: boolean;
  exitCode: number | undefined;
  signal: string | undefined;
  stderr: string;
  vmMs: number;
}

const KVM_FAILURE = /KVM internal error|kvm run failed|failed to initialize kvm|Could not access KVM/i;

async function boot(
  a: Attempt,
  files: { initrd: string; disk: string; kernelConsole: string },
  o: RunInVmOptions,
  ids: string[],
  lines: ReadonlyMap<string, number>,
  onEvent: OnEvent,
): Promise<BootOutcome> {
  const args = qemuArgs({
    accel: a.accel,
    kernel: a.kernel,
    initrd: files.initrd,
    disk: files.disk,
    kernelConsole: files.kernelConsole,
    append: o.kernelArgs ?? [],
    ...(existsSync(QBOOT) ? { firmware: QBOOT } : {}),
  });
  const t0 = performance.now();
  const console: string[] = [];
  const collector = new RecordCollector(
    ids,
    {
      onLine: (line) => {
        console.push(line);
        onEvent({ type: 'console', line });
      },
      onKernel: (release, at) => onEvent({ type: 'kernel', release, atMs: at }),
      onBegin: (id, at) => onEvent({ type: 'scenario-begin', id, atMs: at }),
      onEnd: (r) => onEvent({ type: 'scenario-end', id: r.id, status: r.status, ms: r.ms ?? 0 }),
    },
    () => performance.now() - t0,
    lines,
  );
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
  const kernelConsole = existsSync(files.kernelConsole)
    ? readFileSync(files.kernelConsole, 'latin1').replace(/\r/g, '').split('\n').filter((l) => l.trim())
    : [];
  return {
    collector,
    console,
    kernelConsole,
    reachedInit: collector.release !== undefined,
    killedFor: r.killedFor,
    timedOut: r.timedOut,
    exitCode: r.exitCode,
    signal: r.signal,
    stderr: r.stderr,
    vmMs: r.ms,
  };
}

/** The guest's initramfs for one program: busybox, modules, the runner, the program, /init. */
export async function vmInitramfs(
  p: Prepared,
  runnerPath: string,
  programText: string,
  runnerArgs: string[] | undefined,
  onEvent: OnEvent = ignoreEvents,
  extra?: GuestExtra,
): Promise<InitramfsResult> {
  onEvent({ type: 'step', step: 'initramfs', message: 'building' });
  return buildInitramfs({
    busybox: p.sysroot.busybox,
    modulesDir: p.sysroot.modulesDir,
    runnerPath,
    programText,
    runnerArgs,
    ...(extra ? { extra } : {}),
    out: join(p.dirs.build, `initramfs-${p.sysroot.kernelRelease}.cpio`),
    perProgram: true,
  });
}

export async function runInVm(o: RunInVmOptions): Promise<RunResult> {
  const t0 = performance.now();
  const onEvent = o.onEvent ?? ignoreEvents;
  const p = o.prepared ?? (await prepare({ accel: o.accel, kernelVersion: o.kernelVersion, onEvent }));
  if (!p.kernelImage || !p.accel) throw new Error('runInVm needs prepare() with vm: true');
  const vmDir = join(p.dirs.build, 'vm');
  mkdirSync(vmDir, { recursive: true });
  // Per process, so two runs at once do not share a disk.
  const diskPath = join(vmDir, `nvme-${process.pid}.img`);
  const kernelConsolePath = join(vmDir, `kernel-console-${process.pid}.log`);

  const initramfs = o.initramfs ?? (await vmInitramfs(p, o.runnerPath, o.programText, o.runnerArgs, onEvent, o.guestExtra));
  const ids = programScenarioIds(o.programText);
  const lines = programScenarioLines(o.programText);

  const notes: string[] = [`accel ${p.accel.accel}: ${p.accel.reason}`, ...(p.notes ?? [])];
  let diskMs = 0;
  const bootOnce = (a: Attempt) => {
    const disk = writeDisk(diskPath); // fresh for every boot: an earlier attempt may have written
    diskMs += disk.ms;
    return boot(a, { initrd: initramfs.path, disk: disk.path, kernelConsole: kernelConsolePath }, o, ids, lines, onEvent);
  };
  const failure = (b: BootOutcome) => b.killedFor ?? `QEMU exited (${b.exitCode ?? b.signal ?? 'signal'})`;
  // Killed from outside: no fallback, no blame on KVM or on the kernel image.
  const outside = (b: BootOutcome) => killedFromOutside({ mode: 'vm', ...b });

  let attempt: Attempt = { accel: p.accel.accel, kernel: p.kernelImage.path, kernelKind: p.kernelImage.kind };
  let out: BootOutcome;
  try {
    out = await bootOnce(attempt);
    // Under KVM a boot that never reaches /init is blamed on KVM: the same image boots under TCG.
    if (!out.reachedInit && !outside(out) && attempt.accel === 'kvm') {
      if (p.accel.auto) {
        rememberKvmFailure(join(p.dirs.build, 'kvm-verdict.json'), failure(out));
        notes.push(`KVM boot failed (${failure(out)}); retried under TCG`);
        attempt = { ...attempt, accel: 'tcg' };
        out = await bootOnce(attempt);
      } else {
        notes.push(`KVM boot failed (${failure(out)}); this host's KVM may be unusable, try --accel tcg`);
      }
    }
    const marks = vmlinuxBadMarker(p.dirs, p.sysroot.kernelRelease);
    if (attempt.kernelKind === 'vmlinux' && out.reachedInit) clearFailures(marks);
    if (!out.reachedInit && !outside(out) && attempt.accel === 'tcg' && attempt.kernelKind === 'vmlinux') {
      const why = failure(out);
      const image = imageId(attempt.kernel);
      notes.push(`vmlinux did not boot (${why}); retried with vmlinuz`);
      attempt = { ...attempt, kernel: p.kernelImage.vmlinuz, kernelKind: 'vmlinuz' };
      out = await bootOnce(attempt);
      // Only blame the vmlinux when vmlinuz got further, and only for good after repeated failures.
      if (out.reachedInit) {
        const n = recordFailure(marks, image, why);
        notes.push(
          n >= REQUIRED_FAILURES
            ? `vmlinux failed to boot ${n} times in a row while vmlinuz booted: later runs boot vmlinuz (${marks} says why; delete it to try vmlinux again)`
            : `vmlinux failed to boot (${n} of ${REQUIRED_FAILURES} failures before later runs switch to vmlinuz; recorded in ${marks})`,
        );
      }
    }
  } finally {
    if (!o.keep) rmSync(diskPath, { force: true });
  }
  writeFileSync(join(vmDir, 'console.log'), `${out.console.join('\n')}\n`);
  writeFileSync(join(vmDir, 'kernel-console.log'), `${out.kernelConsole.join('\n')}\n`);
  rmSync(kernelConsolePath, { force: true });
  if (o.keep) notes.push(`kept: ${diskPath}, ${initramfs.path}, ${join(vmDir, 'qemu.sh')}`);

  return finishResult({
    mode: 'vm',
    accel: attempt.accel,
    kernelImage: attempt.kernelKind,
    notes,
    collector: out.collector,
    console: out.console,
    kernelConsole: out.kernelConsole,
    killedFor: out.killedFor,
    timedOut: out.timedOut,
    exitCode: out.exitCode,
    signal: out.signal,
    stderr: out.stderr,
    timings: {
      fetchMs: o.prepared ? undefined : p.timings.fetchMs,
      initramfsMs: initramfs.ms,
      diskMs,
      processMs: out.vmMs,
      totalMs: performance.now() - t0,
    },
  });
}
