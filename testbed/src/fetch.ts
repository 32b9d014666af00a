// Step 1: the guest's pieces from Debian's archive. apt checks the archive's signatures and the
// .deb hashes; we only download what is missing and unpack each package once into its own
// directory. With every .deb present and whole nothing touches the network. The cache is
// verified on every run (cache.ts): a damaged package is fetched again, or reported with the
// file to delete; a damaged tree is unpacked again.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { aptCache, aptGet, aptLayout, debFilePrefix, downloadArgs, listsPresent, writeAptLayout, type AptLayout } from './apt.js';
import { checkDeb, checkTree, cleanStale, recordDeb, recordPath, writeTreeManifest, type Expected } from './cache.js';
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
  /** What the cache check found and repaired, for the run's notes. */
  notes: string[];
  ms: number;
}

/** Size and SHA256 of a package version from apt's (signed) index, if the lists are there. */
async function aptExpected(apt: AptLayout, spec: PackageSpec): Promise<Expected | undefined> {
  try {
    const out = await aptCache(apt, ['show', `${spec.name}=${spec.version}`]);
    const size = /^Size: (\d+)$/m.exec(out)?.[1];
    const sha256 = /^SHA256: ([0-9a-f]{64})$/m.exec(out)?.[1];
    return size && sha256 ? { size: Number(size), sha256 } : undefined;
  } catch {
    return undefined;
  }
}

export function findDeb(debsDir: string, spec: PackageSpec): string | undefined {
  if (!existsSync(debsDir)) return undefined;
  const prefix = debFilePrefix(spec);
  const f = readdirSync(debsDir).find((n) => n.startsWith(prefix) && n.endsWith('.deb'));
  return f ? join(debsDir, f) : undefined;
}

export interface Damaged {
  spec: PackageSpec;
  deb: string;
  why: string;
}

export interface RefetchOptions {
  debsDir: string;
  mirror: string;
  /** Downloads these packages into dir (apt-get download, which checks the archive's hashes). */
  download(specs: PackageSpec[], dir: string): Promise<void>;
  expected(spec: PackageSpec): Promise<Expected | undefined>;
  notes: string[];
  say?(message: string): void;
}

/**
 * Fetches damaged packages again beside the cache, checks them, then moves each over the damaged
 * file: never a gap. When that fails (no network), the error names every damaged file to delete.
 */
export async function refetchDamaged(damaged: readonly Damaged[], o: RefetchOptions): Promise<void> {
  const tmp = join(o.debsDir, `.refetch-${process.pid}`);
  try {
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    o.say?.(`fetching damaged ${damaged.map((x) => x.spec.name).join(' ')} again`);
    await o.download(damaged.map((x) => x.spec), tmp);
    for (const x of damaged) {
      const fresh = findDeb(tmp, x.spec);
      if (!fresh) throw new Error(`apt-get download did not produce ${debFilePrefix(x.spec)}*.deb`);
      await recordDeb(fresh, 'download', await o.expected(x.spec));
      const into = join(o.debsDir, basename(fresh));
      rmSync(x.deb, { force: true });
      renameSync(fresh, into);
      renameSync(recordPath(fresh), recordPath(into));
      o.notes.push(`${x.deb} was damaged (${x.why}); fetched it again`);
    }
  } catch (e) {
    // apt's own reason (an `E:` line) says more than the command that failed.
    const lines = (e as Error).message.split('\n');
    const first = (lines.find((l) => /^E: /.test(l)) ?? lines[0] ?? '').replace(/:$/, '');
    const list = damaged.map((x) => `${x.deb}: ${x.why}`).join('\n  ');
    throw new Error(
      `damaged package${damaged.length > 1 ? 's' : ''} in the download cache, and fetching again failed (${first}):\n  ${list}\n` +
        `Delete ${damaged.map((x) => x.deb).join(' ')} and run again with access to ${o.mirror}.`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Unpacks into a private temporary directory and renames it into place, so a half-unpacked tree
 * is never used, even with two runs at once. A tree that is there but damaged is replaced.
 */
export async function unpack(deb: string, dir: string, notes: string[]): Promise<void> {
  const c = checkTree(dir);
  if (c.ok) return;
  if (!('missing' in c)) notes.push(`unpacked ${basename(dir)} again: ${c.why}`);
  const tmp = `${dir}.partial-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await execa('dpkg-deb', ['-x', deb, tmp]);
    writeTreeManifest(tmp);
    rmSync(dir, { recursive: true, force: true }); // a damaged tree, or an interrupted older attempt
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another run put its own copy there in between: fine if that one is whole.
      if (!checkTree(dir).ok) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
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

  const notes = cleanStale([d.pkgs, d.debs]).map((p) => `removed ${p}, left half-done by a run that no longer exists`);
  const specs = guestPackages(pins, kernel);
  const expected = (s: PackageSpec) => (listsPresent(apt, pins) ? aptExpected(apt, s) : Promise.resolve(undefined));

  // Every cached package is checked against the size and hash recorded when it was downloaded.
  const damaged: Damaged[] = [];
  for (const spec of specs) {
    const deb = findDeb(d.debs, spec);
    if (!deb) continue;
    const c = await checkDeb(deb, () => expected(spec));
    if (!c.ok) damaged.push({ spec, deb, why: c.why });
  }
  const missing = specs.filter((s) => !findDeb(d.debs, s));
  if (missing.length > 0) {
    // Lists may be absent or older than the pins: refresh them before downloading.
    await update();
    say(`downloading ${missing.map((s) => s.name).join(' ')}`);
    await aptGet(apt, downloadArgs(missing), d.debs);
    for (const s of missing) {
      const deb = findDeb(d.debs, s);
      if (deb) await recordDeb(deb, 'download', await expected(s));
    }
  }
  if (damaged.length > 0) {
    await refetchDamaged(damaged, {
      debsDir: d.debs,
      mirror: pins.mirror,
      download: async (specs, dir) => {
        await update();
        await aptGet(apt, downloadArgs(specs), dir);
      },
      expected,
      notes,
      say,
    });
  }

  // dpkg-deb -x of the 107 MB modules package dominates; unpack side by side.
  const packages: FetchedPackage[] = await Promise.all(
    specs.map(async (s) => {
      const deb = findDeb(d.debs, s);
      if (!deb) throw new Error(`apt-get download did not produce ${debFilePrefix(s)}*.deb in ${d.debs}`);
      const dir = join(d.pkgs, `${s.name}_${s.version.replace(/:/g, '%3a')}`);
      if (!existsSync(join(dir, '.complete'))) say(`unpacking ${s.name}`);
      await unpack(deb, dir, notes);
      return { ...s, deb, dir };
    }),
  );

  const sysroot = describeSysroot(kernel, packages);
  for (const f of [sysroot.vmlinuz, sysroot.busybox, sysroot.liburingA, sysroot.modulesDir]) {
    if (!existsSync(f)) throw new Error(`expected ${f} in the unpacked packages`);
  }
  return { sysroot, downloaded: missing.map((s) => s.name), notes, ms: performance.now() - t0 };
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
