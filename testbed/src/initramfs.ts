// Step 2b: the guest's whole userland as one uncompressed newc cpio (uncompressed because
// decompressing in an emulated guest costs more than copying a few MB). Rewritten only when
// an input changed.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { writeCpio, type CpioEntry } from './cpio.js';
import { initScript, shellInitScript } from './init-script.js';
import { GUEST_MODULES, resolveGuestModules, type GuestModule } from './modules.js';
import { InputHash, isCurrent, markCurrent } from './stamp.js';
import { ext4Image } from './ext4-image.js';

export const GUEST_PROGRAM = '/scenarios/all.prog';
export const GUEST_DISK = '/dev/nvme0n1';

export interface InitramfsInputs {
  busybox: string;
  modulesDir: string;
  /** The static runner binary built for the guest. */
  runnerPath: string;
  /** Program text (see PROTOCOL.md), stored as /scenarios/all.prog. */
  programText: string;
  /** Extra arguments for the runner, after the program path. */
  runnerArgs?: string[];
  /** Each scenario's own program, stored as /scenarios/ID.prog (for `testbed shell`). */
  programs?: ReadonlyArray<{ id: string; text: string }>;
  /** /init starts an interactive shell on ttyS0 instead of the runner (`testbed shell`). */
  shell?: boolean;
  /** More files (absolute guest paths) and a replacement for the runner line (--coverage). */
  extra?: GuestExtra;
  out: string;
  /**
   * Name the archive after its inputs (`out` gains `-<digest>` before `.cpio`): two runs of
   * different programs at once (the testbed's own VM tests, a fuzz run beside a scenario run)
   * never boot each other's program, and the same program is still built once. Archives of this
   * name older than an hour are pruned when a new one is written.
   */
  perProgram?: boolean;
}

/** How long a per-program archive is kept: a QEMU reads its initrd within seconds of the build. */
const PER_PROGRAM_KEEP_MS = 60 * 60 * 1000;

function prunePerProgram(out: string, keep: string): void {
  const dir = dirname(out);
  const stem = basename(out).replace(/\.cpio$/, '-');
  const now = Date.now();
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    if (!f.startsWith(stem) || !/-[0-9a-f]{12}\.cpio(\.stamp)?$/.test(f) || path === keep || path === `${keep}.stamp`) continue;
    try {
      if (now - statSync(path).mtimeMs > PER_PROGRAM_KEEP_MS) rmSync(path, { force: true });
    } catch {
      // removed meanwhile by another run
    }
  }
}

export interface GuestExtra {
  files: Array<{ path: string; data: string }>;
  runnerScript?: string;
}

/** The guest path of a scenario's own program: its id, with anything odd for a path made `_`. */
export function guestProgramPath(id: string): string {
  return `/scenarios/${id.replace(/[^A-Za-z0-9._-]/g, '_')}.prog`;
}

export interface InitramfsResult {
  path: string;
  rebuilt: boolean;
  bytes: number;
  modules: string[];
  ms: number;
}

/** Applet paths busybox provides (`bin/sh`, `sbin/insmod`, ...), asked from the binary itself. */
async function appletPaths(busybox: string): Promise<string[]> {
  const r = await execa(busybox, ['--list-full']);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** Modules are decompressed once per kernel and cached under build/modules/<release>/. */
async function cachedModules(modulesDir: string, cacheDir: string): Promise<GuestModule[][]> {
  const index = join(cacheDir, 'chains.json');
  const digest = new InputHash().text('modules-v2').text(modulesDir).text(JSON.stringify(GUEST_MODULES)).digest();
  if (isCurrent(index, digest)) {
    const chains = JSON.parse(readFileSync(index, 'utf8')) as Array<Array<Omit<GuestModule, 'bytes'>>>;
    return chains.map((c) => c.map((m) => ({ ...m, bytes: readFileSync(join(cacheDir, m.file)) })));
  }
  const chains = await resolveGuestModules(modulesDir);
  mkdirSync(cacheDir, { recursive: true });
  for (const m of chains.flat()) writeFileSync(join(cacheDir, m.file), m.bytes);
  writeFileSync(index, JSON.stringify(chains.map((c) => c.map(({ bytes: _b, ...rest }) => rest)), null, 2));
  markCurrent(index, digest);
  return chains;
}

export function initramfsEntries(p: {
  busybox: Uint8Array;
  applets: string[];
  modules: GuestModule[][];
  runner: Uint8Array;
  programText: string;
  runnerArgs: string[];
  programs?: ReadonlyArray<{ id: string; text: string }>;
  shell?: boolean;
  extra?: GuestExtra;
  /** The gzipped ext4 image /init mounts on /mnt/ext4 (ext4-image.ts), when the host could make one. */
  ext4?: Uint8Array;
}): CpioEntry[] {
  const extraDirs = [...new Set((p.extra?.files ?? []).map((f) => f.path.replace(/^\//, '').split('/').slice(0, -1).join('/')))];
  const dirs = ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'dev', 'proc', 'sys', 'tmp', 'root', 'lib', 'lib/modules', 'scenarios'];
  for (const d of extraDirs) if (d && !dirs.includes(d)) dirs.push(d);
  const entries: CpioEntry[] = dirs.map((d) => ({ type: 'dir', path: d }));
  // The kernel opens /dev/console for init before devtmpfs is mounted.
  entries.push({ type: 'chardev', path: 'dev/console', major: 5, minor: 1 });
  entries.push({ type: 'file', path: 'bin/busybox', data: p.busybox, mode: 0o755 });
  for (const a of p.applets) {
    if (a === 'bin/busybox') continue;
    const depth = a.split('/').length - 1;
    entries.push({ type: 'symlink', path: a, target: `${'../'.repeat(depth)}bin/busybox` });
  }
  for (const m of p.modules.flat()) entries.push({ type: 'file', path: `lib/modules/${m.file}`, data: m.bytes });
  entries.push({ type: 'file', path: 'runner', data: p.runner, mode: 0o755 });
  entries.push({ type: 'file', path: GUEST_PROGRAM, data: Buffer.from(p.programText) });
  for (const x of p.programs ?? []) entries.push({ type: 'file', path: guestProgramPath(x.id).slice(1), data: Buffer.from(x.text) });
  if (p.ext4) entries.push({ type: 'file', path: 'ext4.img.gz', data: p.ext4 });
  for (const f of p.extra?.files ?? []) entries.push({ type: 'file', path: f.path.replace(/^\//, ''), data: Buffer.from(f.data) });
  const init = p.shell
    ? shellInitScript({ modules: p.modules, waitFor: GUEST_DISK })
    : initScript({
        modules: p.modules,
        runner: ['/runner', ...p.runnerArgs, GUEST_PROGRAM],
        waitFor: GUEST_DISK,
        ...(p.extra?.runnerScript ? { runnerScript: p.extra.runnerScript } : {}),
      });
  entries.push({ type: 'file', path: 'init', data: Buffer.from(init), mode: 0o755 });
  return entries;
}

export async function buildInitramfs(i: InitramfsInputs): Promise<InitramfsResult> {
  const t0 = performance.now();
  const runner = readFileSync(i.runnerPath);
  const modCache = join(dirname(i.out), 'modules', i.modulesDir.split('/').at(-1) ?? 'kernel');
  const modules = await cachedModules(i.modulesDir, modCache);
  const ext4 = await ext4Image(dirname(i.out));
  const digest = new InputHash()
    .text('initramfs-v1')
    .fileMeta(i.busybox)
    .text(JSON.stringify(modules.map((c) => c.map((m) => [m.file, m.params]))))
    .text(i.modulesDir)
    .bytes(runner)
    .text(i.programText)
    .text(JSON.stringify(i.runnerArgs ?? []))
    .text(JSON.stringify(i.extra ?? null))
    .text(initScript({ modules, runner: [], waitFor: GUEST_DISK }))
    .text(i.shell ? shellInitScript({ modules, waitFor: GUEST_DISK }) : '')
    .text(JSON.stringify(i.programs ?? []))
    .text(ext4 ? readFileSync(ext4).toString('base64') : 'no-ext4')
    .digest();
  const out = i.perProgram ? i.out.replace(/\.cpio$/, `-${digest.slice(0, 12)}.cpio`) : i.out;
  const names = modules.flat().map((m) => m.name);
  if (isCurrent(out, digest)) {
    return { path: out, rebuilt: false, bytes: statSync(out).size, modules: names, ms: performance.now() - t0 };
  }
  const cpio = writeCpio(
    initramfsEntries({
      busybox: readFileSync(i.busybox),
      applets: await appletPaths(i.busybox),
      modules,
      runner,
      programText: i.programText,
      runnerArgs: i.runnerArgs ?? [],
      ...(i.programs ? { programs: i.programs } : {}),
      ...(i.shell ? { shell: true } : {}),
      ...(i.extra ? { extra: i.extra } : {}),
      ...(ext4 ? { ext4: readFileSync(ext4) } : {}),
    }),
  );
  mkdirSync(dirname(out), { recursive: true });
  // Write beside and rename, so a QEMU starting meanwhile never reads half an archive.
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, cpio);
  renameSync(tmp, out);
  markCurrent(out, digest);
  if (i.perProgram) prunePerProgram(i.out, out);
  return { path: out, rebuilt: true, bytes: cpio.length, modules: names, ms: performance.now() - t0 };
}
