// Builds the C runner (testbed/runner/*.c) as one static binary against a sysroot's liburing and
// uapi headers. The build is skipped when nothing that goes into it changed: a hash of the
// sources, the compiler command line and liburing.a is kept next to the binary.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const TESTBED_DIR = fileURLToPath(new URL('..', import.meta.url));
export const RUNNER_SOURCE_DIR = join(TESTBED_DIR, 'runner');
export const DEFAULT_BUILD_DIR = join(TESTBED_DIR, 'build');

/** Include and library directories of a sysroot made of unpacked Debian packages. */
export interface RunnerSysroot {
  /** Searched in this order, before the host's own headers (liburing's first). */
  readonly includeDirs: readonly string[];
  /** The directory holding `liburing.a`. */
  readonly libDir: string;
}

const MULTIARCH = 'x86_64-linux-gnu';

/**
 * Include and library dirs for package trees unpacked with `dpkg-deb -x` (each root holds `usr/`).
 * Pass liburing-dev's root before linux-libc-dev's: both ship io_uring headers.
 */
export function debianSysroot(roots: readonly string[]): RunnerSysroot {
  const includeDirs: string[] = [];
  for (const root of roots) {
    for (const dir of [join(root, 'usr/include'), join(root, 'usr/include', MULTIARCH)]) {
      if (existsSync(dir)) includeDirs.push(dir);
    }
  }
  const libDir = roots.map((r) => join(r, 'usr/lib', MULTIARCH)).find((d) => existsSync(join(d, 'liburing.a')));
  if (!libDir) throw new Error(`no usr/lib/${MULTIARCH}/liburing.a under ${roots.join(', ')}`);
  return { includeDirs, libDir };
}

/**
 * Compiler flags for the sysroot's headers. `-isystem` keeps them ahead of /usr/include (Debian
 * 12's 6.1 uapi headers lack what liburing 2.15 needs) and quiets the macro redefinitions that
 * glibc's <sys/uio.h> and the newer <linux/fs.h> trade.
 */
export function includeFlags(includeDirs: readonly string[]): string[] {
  return includeDirs.flatMap((d) => ['-isystem', d]);
}

/** Fails early, with a hint, when the arch headers would silently come from the host. */
export function assertArchHeaders(includeDirs: readonly string[]): void {
  if (!includeDirs.some((d) => existsSync(join(d, 'asm/unistd_64.h')))) {
    throw new Error(
      `none of the include dirs has asm/unistd_64.h; add the multiarch dir (…/usr/include/${MULTIARCH}): ${includeDirs.join(', ')}`,
    );
  }
}

export interface BuildRunnerOptions extends RunnerSysroot {
  /** Where `runner` goes; default testbed/build. */
  readonly outDir?: string;
  /** C compiler; default $CC or gcc. */
  readonly cc?: string;
  /** Rebuild even when the hash matches. */
  readonly force?: boolean;
}

export interface BuildRunnerResult {
  readonly runnerPath: string;
  /** False when an up-to-date binary was reused. */
  readonly rebuilt: boolean;
  readonly hash: string;
}

const CFLAGS = ['-static', '-O2', '-std=gnu11', '-D_GNU_SOURCE', '-Wall', '-Wextra', '-Wshadow'];

async function runnerSources(): Promise<string[]> {
  const names = (await readdir(RUNNER_SOURCE_DIR)).filter((n) => n.endsWith('.c') || n.endsWith('.h')).sort();
  if (!names.some((n) => n === 'main.c')) throw new Error(`no runner sources in ${RUNNER_SOURCE_DIR}`);
  return names;
}

export async function buildRunner(opts: BuildRunnerOptions): Promise<BuildRunnerResult> {
  const outDir = opts.outDir ?? DEFAULT_BUILD_DIR;
  const cc = opts.cc ?? process.env.CC ?? 'gcc';
  const runnerPath = join(outDir, 'runner');
  const stampPath = join(outDir, 'runner.hash');
  const lib = join(opts.libDir, 'liburing.a');
  assertArchHeaders(opts.includeDirs);
  if (!existsSync(lib)) throw new Error(`no liburing.a in ${opts.libDir}`);

  const names = await runnerSources();
  const cFiles = names.filter((n) => n.endsWith('.c')).map((n) => join(RUNNER_SOURCE_DIR, n));
  const args = [...CFLAGS, ...includeFlags(opts.includeDirs), ...cFiles, lib, '-o'];

  const h = createHash('sha256');
  h.update(JSON.stringify({ cc, args }));
  for (const n of names) h.update(`\0${n}\0`).update(await readFile(join(RUNNER_SOURCE_DIR, n)));
  h.update(await readFile(lib));
  const hash = h.digest('hex');

  if (!opts.force && existsSync(runnerPath) && existsSync(stampPath)) {
    if ((await readFile(stampPath, 'utf8')).trim() === hash) return { runnerPath, rebuilt: false, hash };
  }
  await mkdir(outDir, { recursive: true });
  // Build beside the target and rename, so a failed or concurrent build never leaves half a binary.
  const tmp = `${runnerPath}.tmp-${process.pid}`;
  try {
    await execa(cc, [...args, tmp]);
    await rename(tmp, runnerPath);
  } catch (e) {
    await rm(tmp, { force: true });
    const err = e as { stderr?: string; message: string };
    throw new Error(`runner build failed: ${err.stderr || err.message}`);
  }
  await writeFile(stampPath, `${hash}\n`);
  return { runnerPath, rebuilt: true, hash };
}
