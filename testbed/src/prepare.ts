// Everything a run needs that does not depend on the scenarios: guest packages, host tools,
// the bootable kernel and the accelerator decision. Call once, reuse for many runs.
import { join } from 'node:path';
import { decideAccel, readHostFacts, type AccelChoice, type AccelDecision } from './accel.js';
import { ignoreEvents, type OnEvent } from './events.js';
import { fetchGuest, type Sysroot } from './fetch.js';
import { ensureHostTools } from './host-tools.js';
import { unpackVmlinux } from './kernel-image.js';
import { dirs as defaultDirs, type Dirs } from './paths.js';
import { imageId, markedBad } from './boot-marks.js';

export interface PrepareOptions {
  /** `auto` (default) detects; `kvm`/`tcg` force. */
  accel?: AccelChoice;
  /** Kernel selector, see versions.ts; default URINGLAB_KERNEL, else the pin. */
  kernelVersion?: string;
  /** false for native runs: no QEMU, no kernel image. Default true. */
  vm?: boolean;
  onEvent?: OnEvent;
  dirs?: Dirs;
}

export interface KernelImage {
  /** What QEMU boots: the unpacked vmlinux when possible, else Debian's vmlinuz. */
  path: string;
  kind: 'vmlinux' | 'vmlinuz';
  /** Always bootable (slower): used when the vmlinux does not boot. */
  vmlinuz: string;
}

export interface Prepared {
  dirs: Dirs;
  sysroot: Sysroot;
  /** Absent when prepared for a native run. */
  kernelImage?: KernelImage;
  accel?: AccelDecision;
  /** Decisions the run reports: which kernel image boots and why, what the fetch repaired. */
  notes: string[];
  timings: { fetchMs: number; hostToolsMs: number; kernelMs: number };
}

export function vmlinuxPath(d: Dirs, release: string): string {
  return join(d.build, 'kernel', release, 'vmlinux');
}

/**
 * The vmlinux's boot failures (boot-marks.ts): after repeated ones, while vmlinuz booted, later
 * runs boot vmlinuz and say so.
 */
export function vmlinuxBadMarker(d: Dirs, release: string): string {
  return `${vmlinuxPath(d, release)}.does-not-boot`;
}

export async function prepare(o: PrepareOptions = {}): Promise<Prepared> {
  const d = o.dirs ?? defaultDirs();
  const onEvent = o.onEvent ?? ignoreEvents;
  const vm = o.vm ?? true;

  let t = performance.now();
  // xz reads module metadata. zstd unpacks the vmlinux: installed along when we are root anyway,
  // tolerated when missing (vmlinuz boots too, slower).
  if (vm) await ensureHostTools({ commands: ['qemu-system-x86_64', 'xz'], optional: ['zstd'], onEvent });
  const hostToolsMs = performance.now() - t;

  const fetched = await fetchGuest({ kernelVersion: o.kernelVersion, dirs: d, onEvent });
  const sysroot = fetched.sysroot;
  const notes = [...fetched.notes];
  if (!vm) return { dirs: d, sysroot, notes, timings: { fetchMs: fetched.ms, hostToolsMs, kernelMs: 0 } };

  t = performance.now();
  const release = sysroot.kernelRelease;
  let kernelImage: KernelImage = { path: sysroot.vmlinuz, kind: 'vmlinuz', vmlinuz: sysroot.vmlinuz };
  const vmlinux = await unpackVmlinux(sysroot.vmlinuz, vmlinuxPath(d, release));
  const marks = markedBad(vmlinuxBadMarker(d, release), vmlinux ? imageId(vmlinux) : undefined);
  if (vmlinux && !marks.bad) kernelImage = { path: vmlinux, kind: 'vmlinux', vmlinuz: sysroot.vmlinuz };
  else if (vmlinux) notes.push(`booting vmlinuz, not the unpacked vmlinux, which failed to boot repeatedly (${marks.why}); delete ${vmlinuxBadMarker(d, release)} to try it again`);
  else notes.push('booting vmlinuz: the vmlinux could not be unpacked (zstd missing or the payload not found)');
  const kernelMs = performance.now() - t;

  const accel = decideAccel(o.accel ?? 'auto', readHostFacts(join(d.build, 'kvm-verdict.json')));
  onEvent({ type: 'step', step: 'boot', message: `accel ${accel.accel}: ${accel.reason}` });
  return { dirs: d, sysroot, kernelImage, accel, notes, timings: { fetchMs: fetched.ms, hostToolsMs, kernelMs } };
}
