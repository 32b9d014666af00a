// Step 1: the guest's pieces from Debian's archive. apt checks the archive's signatures and the
// .deb hashes; we only download what is missing and unpack each package once into its own
// directory. With every .deb present nothing touches the network.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { aptGet, aptLayout, debFilePrefix, downloadArgs, writeAptLayout } from './apt.js';
import { dirs as defaultDirs, type Dirs } from './paths.js';
import { rememberedKernel, resolveKernel } from './kernel-resolve.js';
import { guestPackages, kernelPackageNames, kernelSelector, loadPins, type KernelPin, type PackageSpec } from './versions.js';
import { ignoreEvents, type OnEvent } from './events.js';

export interface FetchedPackage extends PackageSpec {
  deb: string;
  /** Where the package's files were unpacked (its own tree: `<dir>/usr/...`). */
  dir: string;
}

/** What the rest of the testbed (and the runner build) needs from the fetched packages. */
export interface Sysroot {
  kernel: KernelPin;
  /** `uname -r` inside the guest. */
  kernelRelease: string;
  vmlinuz: string;
  /** `.../usr/lib/modules/<release>`, holding `kernel/**.ko.xz`. */
  modulesDir: string;
  kernelConfig: string;
  busybox: string;
  /**
   * Package roots for the runner build, liburing-dev's first: pass to runner-build's
   * `debianSysroot(devRoots)`. Each holds `usr/include` (and liburing-dev `usr/lib/x86_64-linux-gnu`).
   */
  devRoots: string[];
  /** The same as -isystem dirs, in order: liburing, the 7.x UAPI headers, their asm/ dir. */
  includeDirs: string[];
  liburingA: string;
  packages: FetchedPackage[];
}

export interface FetchOptions {
  /** Kernel selector (see versions.ts); default URINGLAB_KERNEL, else the pin. */
  kernelVersion?: string;
  dirs?: Dirs;
  onEvent?: OnEvent;
}

export interface FetchResult {
  sysroot: Sysroot;
  downloaded: string[];
  ms: number;
}

function findDeb(debsDir: string, spec: PackageSpec): string | undefined {
  if (!existsSync(debsDir)) return undefined;
  const prefix = debFilePrefix(spec);
  const f = readdirSync(debsDir).find((n) => n.startsWith(prefix) && n.endsWith('.deb'));
  return f ? join(debsDir, f) : undefined;
}

/**
 * Unpacks into a private temporary directory and renames it into place, so a half-unpacked tree
 * is never used, even with two runs at once.
 */
async function unpack(deb: string, dir: string): Promise<void> {
  const done = () => existsSync(join(dir, '.complete'));
  if (done()) return;
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await execa('dpkg-deb', ['-x', deb, tmp]);
  writeFileSync(join(tmp, '.complete'), '');
  if (!done()) {
    rmSync(dir, { recursive: true, force: true }); // an interrupted older attempt
    renameSync(tmp, dir);
  }
  rmSync(tmp, { recursive: true, force: true });
}

export async function fetchGuest(opts: FetchOptions = {}): Promise<FetchResult> {
  const t0 = performance.now();
  const d = opts.dirs ?? defaultDirs();
  const say = (message: string) => (opts.onEvent ?? ignoreEvents)({ type: 'step', step: 'fetch', message });
  const pins = loadPins();
  const apt = aptLayout(d.apt);
  writeAptLayout(apt, pins);
  mkdirSync(d.debs, { recursive: true });

  let updated = false;
  const update = async () => {
    if (updated) return;
    if (!existsSync(pins.keyring)) {
      throw new Error(`no Debian archive keyring at ${pins.keyring}: install the debian-archive-keyring package`);
    }
    say(`apt-get update (${pins.suites.join(', ')})`);
    await aptGet(apt, ['update'], d.apt);
    updated = true;
  };

  const sel = kernelSelector(opts.kernelVersion, pins);
  let kernel = rememberedKernel(apt, sel);
  if (!kernel) {
    await update();
    kernel = await resolveKernel(apt, sel);
    say(`kernel ${kernel.abi} ${kernel.version}`);
  }

  const specs = guestPackages(pins, kernel);
  const missing = specs.filter((s) => !findDeb(d.debs, s));
  if (missing.length > 0) {
    // Lists may be absent or older than the pins: refresh them before downloading.
    await update();
    say(`downloading ${missing.map((s) => s.name).join(' ')}`);
    await aptGet(apt, downloadArgs(missing), d.debs);
  }

  // dpkg-deb -x of the 107 MB modules package dominates; unpack side by side.
  const packages: FetchedPackage[] = await Promise.all(
    specs.map(async (s) => {
      const deb = findDeb(d.debs, s);
      if (!deb) throw new Error(`apt-get download did not produce ${debFilePrefix(s)}*.deb in ${d.debs}`);
      const dir = join(d.pkgs, `${s.name}_${s.version.replace(/:/g, '%3a')}`);
      if (!existsSync(join(dir, '.complete'))) say(`unpacking ${s.name}`);
      await unpack(deb, dir);
      return { ...s, deb, dir };
    }),
  );

  const sysroot = describeSysroot(kernel, packages);
  for (const f of [sysroot.vmlinuz, sysroot.busybox, sysroot.liburingA, sysroot.modulesDir]) {
    if (!existsSync(f)) throw new Error(`expected ${f} in the unpacked packages`);
  }
  return { sysroot, downloaded: missing.map((s) => s.name), ms: performance.now() - t0 };
}

export function describeSysroot(kernel: KernelPin, packages: FetchedPackage[]): Sysroot {
  const dirOf = (name: string) => {
    const p = packages.find((x) => x.name === name);
    if (!p) throw new Error(`package ${name} was not fetched`);
    return p.dir;
  };
  const k = kernelPackageNames(kernel.abi);
  const modulesDir = join(dirOf(k.modules), 'usr/lib/modules', kernel.abi);
  const libcDev = join(dirOf('linux-libc-dev'), 'usr/include');
  return {
    kernel,
    kernelRelease: kernel.abi,
    vmlinuz: join(dirOf(k.binary), 'usr/lib/modules', kernel.abi, 'vmlinuz'),
    modulesDir,
    kernelConfig: join(dirOf(k.base), 'usr/lib/modules', kernel.abi, 'config'),
    busybox: join(dirOf('busybox-static'), 'usr/bin/busybox'),
    devRoots: [dirOf('liburing-dev'), dirOf('linux-libc-dev')],
    includeDirs: [join(dirOf('liburing-dev'), 'usr/include'), libcDev, join(libcDev, 'x86_64-linux-gnu')],
    liburingA: join(dirOf('liburing-dev'), 'usr/lib/x86_64-linux-gnu/liburing.a'),
    packages,
  };
}
