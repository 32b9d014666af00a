// Turns a kernel selector (`7.2`, `7.2.13`, an ABI) into an exact ABI and package version by
// asking the project-local apt. Answers are remembered so a second run needs no network.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptCache, type AptLayout } from './apt.js';
import { kernelPackageNames, pickKernelAbi, type KernelPin, type KernelSelector } from './versions.js';

function memoFile(l: AptLayout): string {
  return join(l.dir, 'kernel-selectors.json');
}

function selectorKey(sel: KernelSelector): string {
  switch (sel.kind) {
    case 'abi':
      return sel.abi;
    case 'upstream':
      return sel.prefix;
    default:
      return `${sel.pin.abi}=${sel.pin.version}`;
  }
}

export function rememberedKernel(l: AptLayout, sel: KernelSelector): KernelPin | undefined {
  if (sel.kind === 'pinned' || sel.kind === 'exact') return sel.pin;
  if (!existsSync(memoFile(l))) return undefined;
  const memo = JSON.parse(readFileSync(memoFile(l), 'utf8')) as Record<string, KernelPin>;
  return memo[selectorKey(sel)];
}

/** `apt-cache madison` prints `name | version | source`, newest first. */
export function parseMadison(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.split('|').map((f) => f.trim()))
    .filter((f) => f.length >= 3 && f[1])
    .map((f) => f[1] as string);
}

/** Needs fresh lists. Throws with the ABIs on offer when nothing matches. */
export async function resolveKernel(l: AptLayout, sel: KernelSelector): Promise<KernelPin> {
  if (sel.kind === 'pinned' || sel.kind === 'exact') return sel.pin;
  const names = (await aptCache(l, ['pkgnames', 'linux-binary-'])).split('\n');
  const abi = pickKernelAbi(names, sel);
  if (!abi) {
    const offered = names.filter((n) => /^linux-binary-[\d.]+\+deb\d+-amd64$/.test(n)).sort();
    throw new Error(`no kernel matches ${selectorKey(sel)}; the sources offer:\n  ${offered.join('\n  ')}`);
  }
  const pk = kernelPackageNames(abi);
  const versions = parseMadison(await aptCache(l, ['madison', pk.binary]));
  const version = versions[0];
  if (!version) throw new Error(`apt knows ${pk.binary} but offers no version of it`);
  for (const other of [pk.modules, pk.base]) {
    if (!parseMadison(await aptCache(l, ['madison', other])).includes(version)) {
      throw new Error(`${other} ${version} is not in the sources (needed with ${pk.binary})`);
    }
  }
  const pin = { abi, version };
  const memo = existsSync(memoFile(l))
    ? (JSON.parse(readFileSync(memoFile(l), 'utf8')) as Record<string, KernelPin>)
    : {};
  memo[selectorKey(sel)] = pin;
  writeFileSync(memoFile(l), `${JSON.stringify(memo, null, 2)}\n`);
  return pin;
}
