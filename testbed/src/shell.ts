// `pnpm testbed shell`: the guest a run boots (same kernel, modules, NVMe disk, lo), with the
// runner, every selected scenario's program and busybox, but /init starts a shell on ttyS0 instead
// of the runner, and ttyS0 is this terminal. A person runs `/runner /scenarios/NAME.prog` by
// hand or looks at /proc and tracefs; Ctrl-D (or `exit`) ends the shell and /init powers off.
// QEMU inherits our stdio (zx), so QEMU itself puts a terminal in raw mode and restores it.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { writeDisk } from './disk.js';
import { buildInitramfs, type InitramfsResult } from './initramfs.js';
import type { Prepared } from './prepare.js';
import { QBOOT, qemuArgs } from './qemu-args.js';

export interface ShellOptions {
  prepared: Prepared;
  runnerPath: string;
  /** The selected scenarios' programs: each as /scenarios/ID.prog, and all of them as all.prog. */
  programs: ReadonlyArray<{ id: string; text: string }>;
  /** The host terminal's size, passed to the guest's stty. */
  size?: { rows: number; cols: number };
  /** Kill QEMU after this long (tests); default none, a person decides. */
  timeoutMs?: number;
}

export interface ShellResult {
  /** QEMU's exit code (0 after a power-off). */
  exitCode: number | null;
  /** The kernel logged its power-down: the guest ended through /init's poweroff, not a panic. */
  poweredOff: boolean;
  /** Where the kernel console (ttyS1) of the session is kept. */
  kernelConsole: string;
  initramfs: InitramfsResult;
  ms: number;
}

/** The kernel's last words on an orderly power-off (kernel_power_off()). */
const POWER_DOWN = /reboot: Power down/;

export function shellQemuArgs(p: Prepared, files: { initrd: string; disk: string; kernelConsole: string }, size?: { rows: number; cols: number }): string[] {
  if (!p.kernelImage || !p.accel) throw new Error('testbed shell needs prepare() with vm: true');
  return qemuArgs({
    accel: p.accel.accel,
    kernel: p.kernelImage.path,
    initrd: files.initrd,
    disk: files.disk,
    kernelConsole: files.kernelConsole,
    interactive: true,
    // Words with '=' the kernel does not know become init's environment.
    append: size ? [`URINGLAB_ROWS=${size.rows}`, `URINGLAB_COLS=${size.cols}`] : [],
    ...(existsSync(QBOOT) ? { firmware: QBOOT } : {}),
  });
}

export async function runShell(o: ShellOptions): Promise<ShellResult> {
  const t0 = performance.now();
  const p = o.prepared;
  const vmDir = join(p.dirs.build, 'vm');
  mkdirSync(vmDir, { recursive: true });
  const initramfs = await buildInitramfs({
    busybox: p.sysroot.busybox,
    modulesDir: p.sysroot.modulesDir,
    runnerPath: o.runnerPath,
    programText: o.programs.map((x) => x.text).join('\n'),
    programs: o.programs,
    shell: true,
    out: join(p.dirs.build, `initramfs-shell-${p.sysroot.kernelRelease}.cpio`),
  });
  const disk = writeDisk(join(vmDir, `nvme-shell-${process.pid}.img`)).path;
  const live = join(vmDir, `shell-kernel-console-${process.pid}.log`);
  const kept = join(vmDir, 'shell-kernel-console.log');
  const args = shellQemuArgs(p, { initrd: initramfs.path, disk, kernelConsole: live }, o.size);
  try {
    const r = await $({ stdio: 'inherit', nothrow: true, quiet: true, ...(o.timeoutMs ? { timeout: o.timeoutMs, timeoutSignal: 'SIGKILL' as const } : {}) })`qemu-system-x86_64 ${args}`;
    const log = existsSync(live) ? readFileSync(live, 'latin1') : '';
    if (existsSync(live)) renameSync(live, kept);
    return { exitCode: r.exitCode, poweredOff: POWER_DOWN.test(log), kernelConsole: kept, initramfs, ms: performance.now() - t0 };
  } finally {
    rmSync(disk, { force: true });
    rmSync(live, { force: true });
  }
}
