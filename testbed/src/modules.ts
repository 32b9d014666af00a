// The few kernel modules the guest loads, with their dependencies, in load order. Debian's
// modules package ships no modules.dep (depmod runs at install), so we read each module's
// `depends=` from its .modinfo strings after decompressing it with xz.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { EXT4_IMAGE_MIB } from './ext4-image.js';

/** The modules the guest needs and their parameters. */
export const GUEST_MODULES: ReadonlyArray<{ name: string; params: string[] }> = [
  { name: 'virtio_net', params: [] },
  // poll_queues gives the NVMe device a polled queue, so IOPOLL reads work.
  { name: 'nvme', params: ['poll_queues=1'] },
  // ext4 on a ram disk, for tmpfiles made with fs: ext4 (ext4-image.ts).
  { name: 'ext4', params: [] },
  { name: 'brd', params: ['rd_nr=1', `rd_size=${EXT4_IMAGE_MIB * 1024}`] },
];

export interface GuestModule {
  name: string;
  /** File name inside the initramfs (decompressed: saves the in-guest xz work under TCG). */
  file: string;
  params: string[];
  bytes: Uint8Array;
}

/** Kernel module names treat '-' and '_' alike. */
export function modName(s: string): string {
  return s.replace(/-/g, '_');
}

export function moduleNameOfFile(file: string): string {
  return modName(basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, ''));
}

/** Reads a NUL-separated `key=value` from a module's .modinfo section. */
export function modinfoField(ko: Uint8Array, key: string): string | undefined {
  const needle = Buffer.from(`${key}=`);
  const buf = Buffer.from(ko.buffer, ko.byteOffset, ko.byteLength);
  for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + 1)) {
    if (at > 0 && buf[at - 1] !== 0) continue;
    const end = buf.indexOf(0, at);
    return buf.subarray(at + needle.length, end < 0 ? undefined : end).toString('latin1');
  }
  return undefined;
}

export function parseDepends(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(modName);
}

function indexModules(dir: string, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) indexModules(p, out);
    else if (/\.ko(\.(xz|zst|gz))?$/.test(e.name)) out.set(moduleNameOfFile(e.name), p);
  }
  return out;
}

async function decompress(path: string): Promise<Uint8Array> {
  if (path.endsWith('.ko')) return readFileSync(path);
  const tool = path.endsWith('.xz') ? 'xz' : path.endsWith('.zst') ? 'zstd' : 'gzip';
  const r = await execa(tool, ['-dc', path], { encoding: 'buffer' });
  return r.stdout;
}

/**
 * Orders a dependency graph so every module comes after what it depends on, roots in the
 * order given. `deps(name)` lists direct dependencies.
 */
export function loadOrder(roots: string[], deps: (name: string) => string[]): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: string, path: string[]) => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'visiting') throw new Error(`module dependency cycle: ${[...path, m].join(' -> ')}`);
    state.set(m, 'visiting');
    for (const d of deps(m)) visit(d, [...path, m]);
    state.set(m, 'done');
    order.push(m);
  };
  for (const r of roots) visit(modName(r), []);
  return order;
}

/**
 * One load order per wanted module (its dependencies first). The guest loads the chains side
 * by side (two vCPUs), so they must not share a module; if they do, one chain holds them all.
 */
export function loadChains(roots: string[], deps: (name: string) => string[]): string[][] {
  const chains = roots.map((r) => loadOrder([r], deps));
  const all = chains.flat();
  return new Set(all).size === all.length ? chains : [loadOrder(roots, deps)];
}

export async function resolveGuestModules(
  modulesDir: string,
  wanted: ReadonlyArray<{ name: string; params: string[] }> = GUEST_MODULES,
): Promise<GuestModule[][]> {
  const files = indexModules(join(modulesDir, 'kernel'));
  const bytes = new Map<string, Uint8Array>();
  // Read every module of the closure first (async), then order synchronously.
  const pending = wanted.map((w) => modName(w.name));
  while (pending.length > 0) {
    const m = pending.pop() as string;
    if (bytes.has(m)) continue;
    const file = files.get(m);
    if (!file) throw new Error(`module ${m} not found under ${modulesDir} (built in? then drop it)`);
    const b = await decompress(file);
    bytes.set(m, b);
    pending.push(...parseDepends(modinfoField(b, 'depends')));
  }
  const chains = loadChains(
    wanted.map((w) => w.name),
    (m) => parseDepends(modinfoField(bytes.get(m) as Uint8Array, 'depends')),
  );
  return chains.map((chain) =>
    chain.map((name) => ({
      name,
      file: `${name}.ko`,
      params: wanted.find((w) => modName(w.name) === name)?.params ?? [],
      bytes: bytes.get(name) as Uint8Array,
    })),
  );
}
