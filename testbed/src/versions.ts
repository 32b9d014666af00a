// Reads the pins in ../versions.json and turns a kernel override into a selector.
// The pins are the single source of truth; everything else asks this module.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TESTBED_DIR } from './paths.js';

export interface Pins {
  mirror: string;
  suites: string[];
  keyring: string;
  kernel: { abi: string; version: string };
  packages: Record<string, string>;
  host: { release: string; packages: Record<string, string> };
}

/** A package to fetch at an exact version. */
export interface PackageSpec {
  name: string;
  version: string;
}

export function loadPins(file: string = join(TESTBED_DIR, 'versions.json')): Pins {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Pins;
  const mirror = process.env['URINGLAB_DEBIAN_MIRROR'];
  return mirror ? { ...raw, mirror } : raw;
}

/** The kernel the guest boots: Debian's ABI name (e.g. `7.3.4+deb13-amd64`) and package version. */
export interface KernelPin {
  abi: string;
  version: string;
}

/**
 * How the user asked for a kernel. Accepted forms:
 *  - `7.2` or `7.2.13`: newest matching upstream version found in the sources,
 *  - `7.2.13+deb14-amd64`: that ABI, newest package version,
 *  - `7.2.13+deb14-amd64=7.2.13-1`: exactly that.
 */
export type KernelSelector =
  | { kind: 'pinned'; pin: KernelPin }
  | { kind: 'exact'; pin: KernelPin }
  | { kind: 'abi'; abi: string }
  | { kind: 'upstream'; prefix: string };

export function parseKernelSelector(text: string | undefined, pins: Pins): KernelSelector {
  const t = text?.trim();
  if (!t) return { kind: 'pinned', pin: pins.kernel };
  const eq = t.indexOf('=');
  if (eq > 0) return { kind: 'exact', pin: { abi: t.slice(0, eq), version: t.slice(eq + 1) } };
  if (/^\d+\.\d+(\.\d+)?\+deb\d+-[a-z0-9-]+$/.test(t)) return { kind: 'abi', abi: t };
  if (/^\d+\.\d+(\.\d+)?$/.test(t)) return { kind: 'upstream', prefix: t };
  throw new Error(
    `kernel selector ${JSON.stringify(t)} not understood: use 7.2, 7.2.13, 7.2.13+deb14-amd64 or ABI=VERSION`,
  );
}

/** The selector from an explicit option, else URINGLAB_KERNEL, else the pin. */
export function kernelSelector(option: string | undefined, pins: Pins): KernelSelector {
  return parseKernelSelector(option ?? process.env['URINGLAB_KERNEL'], pins);
}

export function kernelPackageNames(abi: string): { binary: string; modules: string; base: string } {
  return { binary: `linux-binary-${abi}`, modules: `linux-modules-${abi}`, base: `linux-base-${abi}` };
}

export function guestPackages(pins: Pins, kernel: KernelPin): PackageSpec[] {
  const k = kernelPackageNames(kernel.abi);
  return [
    { name: k.binary, version: kernel.version },
    { name: k.modules, version: kernel.version },
    { name: k.base, version: kernel.version },
    ...Object.entries(pins.packages).map(([name, version]) => ({ name, version })),
  ];
}

/** Splits `7.2.13+deb14-amd64` into numbers so ABIs sort by upstream version, then Debian ABI. */
function abiKey(abi: string): number[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?\+deb(\d+)/.exec(abi);
  if (!m) return [];
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), Number(m[4])];
}

export function compareAbi(a: string, b: string): number {
  const ka = abiKey(a);
  const kb = abiKey(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const d = (ka[i] ?? -1) - (kb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Picks the ABI a selector means among the `linux-binary-*` package names the sources list.
 * Only the plain flavour (`-amd64`, not `-cloud-amd64`/`-rt-amd64`, not `unsigned`) is considered.
 */
export function pickKernelAbi(packageNames: string[], sel: { kind: 'abi'; abi: string } | { kind: 'upstream'; prefix: string }): string | undefined {
  const abis = packageNames
    .map((n) => /^linux-binary-(\d+\.\d+\.\d+\+deb\d+-amd64)$/.exec(n.trim())?.[1])
    .filter((a): a is string => a !== undefined);
  const matching =
    sel.kind === 'abi'
      ? abis.filter((a) => a === sel.abi)
      : abis.filter((a) => a === sel.prefix || a.startsWith(`${sel.prefix}.`) || a.startsWith(`${sel.prefix}+`));
  return matching.sort(compareAbi).at(-1);
}
