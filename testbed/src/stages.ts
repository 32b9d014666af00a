// The testbed's stages: fetch (host tools, the guest's Debian packages, the kernel image and the
// accelerator), build (the runner, and for a VM the initramfs holding the program), boot and run
// (one QEMU boot, or the runner on the host kernel). main.ts calls them in order; the zx scripts in
// ../stages/ call them one at a time. Each stage redoes nothing whose inputs are unchanged (cached
// packages, the runner's and the initramfs's input hashes), so running the earlier stages again
// before a later one costs little.
import { ignoreEvents, type OnEvent } from './events.js';
import type { GuestExtra, InitramfsResult } from './initramfs.js';
import { runNative } from './native.js';
import { prepare, type PrepareOptions, type Prepared } from './prepare.js';
import type { RunResult } from './result.js';
import { buildRunner, debianSysroot } from './runner-build.js';
import { runInVm, vmInitramfs } from './vm.js';

/** Stage 1: everything that does not depend on the scenarios (prepare.ts). */
export function fetchStage(o: PrepareOptions = {}): Promise<Prepared> {
  return prepare(o);
}

export interface BuildStageOptions {
  prepared: Prepared;
  /** The program the guest runs; with a VM prepared, the initramfs is built for it. */
  programText?: string;
  runnerArgs?: string[];
  /** More guest files and a replacement runner line (--coverage). */
  guestExtra?: GuestExtra;
  onEvent?: OnEvent;
}

export interface Built {
  runnerPath: string;
  runnerRebuilt: boolean;
  runnerMs: number;
  /** Only for a VM and a program. */
  initramfs?: InitramfsResult;
}

/** Stage 2: the static runner against the fetched liburing and headers, then the initramfs. */
export async function buildStage(o: BuildStageOptions): Promise<Built> {
  const t = performance.now();
  const r = await buildRunner(debianSysroot(o.prepared.sysroot.devRoots));
  const runnerMs = performance.now() - t;
  const initramfs =
    o.prepared.kernelImage && o.programText !== undefined
      ? await vmInitramfs(o.prepared, r.runnerPath, o.programText, o.runnerArgs, o.onEvent ?? ignoreEvents, o.guestExtra)
      : undefined;
  return { runnerPath: r.runnerPath, runnerRebuilt: r.rebuilt, runnerMs, ...(initramfs ? { initramfs } : {}) };
}

export interface BootStageOptions {
  prepared: Prepared;
  built: Built;
  programText: string;
  runnerArgs?: string[];
  keep?: boolean;
  /** Extra kernel command line words (--coverage boots with nokaslr). */
  kernelArgs?: string[];
  onEvent?: OnEvent;
}

/** Stage 3: one boot running the whole program (prepared for a VM), or the runner natively. */
export function bootStage(o: BootStageOptions): Promise<RunResult> {
  const common = { programText: o.programText, runnerPath: o.built.runnerPath, ...(o.runnerArgs ? { runnerArgs: o.runnerArgs } : {}), ...(o.onEvent ? { onEvent: o.onEvent } : {}) };
  if (!o.prepared.kernelImage) return runNative(common);
  return runInVm({ ...common, prepared: o.prepared, ...(o.built.initramfs ? { initramfs: o.built.initramfs } : {}), ...(o.keep ? { keep: true } : {}), ...(o.kernelArgs ? { kernelArgs: o.kernelArgs } : {}) });
}
