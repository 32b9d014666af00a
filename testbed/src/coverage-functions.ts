// The list of io_uring's functions for one kernel build, derived once from Debian's debug
// package of that build (linux-image-ABI-dbg: its vmlinux carries the DWARF, and the real
// System.map, which the binary package only stubs). The package is large (1.2 GB for 7.3.4), so it
// is fetched into a temporary folder, read with binutils' readelf, and deleted; only the derived
// list stays, in .cache/coverage/. Nothing of it is committed.
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { aptGet, aptLayout } from './apt.js';
import { functionsUnder, hex16, parseAranges, parseCuNames, parseSystemMap, type FunctionSet } from './coverage-dwarf.js';
import type { Dirs } from './paths.js';
import type { KernelPin } from './versions.js';

/** Bump when the derivation changes, so older lists are derived again. */
const FORMAT = 1;
export const IO_URING_DIR = 'io_uring/';

export interface StoredFunctions {
  format: number;
  kernel: KernelPin;
  source: string;
  /** System.map's `_text`: the guest must load at the same address (booted with nokaslr). */
  text: string;
  functions: Array<{ addr: string; name: string; file: string }>;
  spans: Array<{ start: string; end: string }>;
}

export function functionsFile(d: Dirs, k: KernelPin): string {
  return join(d.cache, 'coverage', `${k.abi}_${k.version.replace(/[^A-Za-z0-9.+~-]/g, '_')}`, 'io_uring-functions.json');
}

/** The traceable functions' lines in available_filter_functions, as the guest last found them. */
export function traceableFile(d: Dirs, k: KernelPin): string {
  return join(functionsFile(d, k), '..', 'traceable.txt');
}

export function toStored(k: KernelPin, source: string, text: bigint, set: FunctionSet): StoredFunctions {
  return {
    format: FORMAT,
    kernel: k,
    source,
    text: hex16(text),
    functions: set.functions.map((f) => ({ addr: hex16(f.addr), name: f.name, file: f.file })),
    spans: set.spans.map((s) => ({ start: hex16(s.start), end: hex16(s.end) })),
  };
}

/** Lines of a command's stdout, streamed (readelf prints tens of MB for a kernel). */
async function commandLines(cmd: string, args: string[]): Promise<string[]> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const keep: string[] = [];
  const rl = createInterface({ input: child.stdout });
  const done = new Promise<number>((res, rej) => {
    child.on('error', rej);
    child.on('close', (code) => res(code ?? 1));
  });
  for await (const l of rl) {
    if (/Compilation Unit @|DW_AT_name|Offset into \.debug_info|^\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s*$/.test(l)) keep.push(l);
  }
  const code = await done;
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}`);
  return keep;
}

export interface DeriveOptions {
  dirs: Dirs;
  kernel: KernelPin;
  say?(message: string): void;
}

/** The stored list, deriving it first when it is missing or from an older derivation. */
export async function ioUringFunctions(o: DeriveOptions): Promise<{ stored: StoredFunctions; derivedMs?: number }> {
  const file = functionsFile(o.dirs, o.kernel);
  if (existsSync(file)) {
    try {
      const s = JSON.parse(readFileSync(file, 'utf8')) as StoredFunctions;
      if (s.format === FORMAT && s.functions.length > 0) return { stored: s };
    } catch {
      /* derived again below */
    }
  }
  const t0 = performance.now();
  const pkg = `linux-image-${o.kernel.abi}-dbg`;
  const tmp = join(o.dirs.cache, 'coverage', `.derive-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    o.say?.(`downloading ${pkg} (its DWARF says which functions are io_uring's; once per kernel)`);
    await aptGet(aptLayout(o.dirs.apt), ['download', `${pkg}=${o.kernel.version}`], tmp);
    const deb = readdirSync(tmp).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg}=${o.kernel.version} produced no .deb`);
    const inner = `./usr/lib/debug/lib/modules/${o.kernel.abi}`;
    o.say?.(`unpacking vmlinux and System.map from ${deb}`);
    await execa('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "$3/vmlinux" "$3/System.map"', 'sh', join(tmp, deb), tmp, inner]);
    rmSync(join(tmp, deb), { force: true });
    const vmlinux = join(tmp, inner, 'vmlinux');
    o.say?.('reading the compile units and their address ranges (readelf)');
    const names = parseCuNames(await commandLines('readelf', ['--debug-dump=info', '--dwarf-depth=1', vmlinux]));
    const ranges = parseAranges(await commandLines('readelf', ['--debug-dump=aranges', vmlinux]), names);
    const map = readFileSync(join(tmp, inner, 'System.map'), 'utf8');
    const text = /^([0-9a-f]{16}) T _text$/m.exec(map)?.[1];
    if (!text) throw new Error(`${pkg}'s System.map has no _text`);
    const set = functionsUnder(parseSystemMap(map), ranges, IO_URING_DIR);
    if (!set.functions.length) throw new Error(`no compile unit under ${IO_URING_DIR} in ${pkg}'s DWARF`);
    const stored = toStored(o.kernel, `${pkg}=${o.kernel.version}`, BigInt(`0x${text}`), set);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.tmp`, `${JSON.stringify(stored, null, 1)}\n`);
    renameSync(`${file}.tmp`, file);
    return { stored, derivedMs: performance.now() - t0 };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
