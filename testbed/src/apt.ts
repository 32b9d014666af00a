// A project-local apt: its own config, sources, lists, cache and (empty) dpkg status, all
// under .cache/apt. apt reads $APT_CONFIG before anything else, and that file points every
// Dir:: setting away from /etc/apt and /var/lib, so the system's apt is never read or written.
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Pins, PackageSpec } from './versions.js';

export interface AptLayout {
  dir: string;
  conf: string;
  sources: string;
  lists: string;
  cache: string;
  status: string;
  empty: string;
}

export function aptLayout(dir: string): AptLayout {
  return {
    dir,
    conf: join(dir, 'apt.conf'),
    sources: join(dir, 'sources.list'),
    lists: join(dir, 'lists'),
    cache: join(dir, 'cache'),
    status: join(dir, 'status'),
    empty: join(dir, 'empty.d'),
  };
}

export function sourcesList(pins: Pins): string {
  return pins.suites
    .map((s) => `deb [arch=amd64 signed-by=${pins.keyring}] ${pins.mirror} ${s} main\n`)
    .join('');
}

export function aptConf(l: AptLayout): string {
  const q = (s: string) => JSON.stringify(s);
  const none = join(l.dir, 'does-not-exist');
  return [
    `Dir::Etc::Main ${q(none)};`,
    `Dir::Etc::Parts ${q(l.empty)};`,
    `Dir::Etc::SourceList ${q(l.sources)};`,
    `Dir::Etc::SourceParts ${q(l.empty)};`,
    `Dir::Etc::Preferences ${q(none)};`,
    `Dir::Etc::PreferencesParts ${q(l.empty)};`,
    `Dir::Etc::Trusted ${q(none)};`,
    `Dir::Etc::TrustedParts ${q(l.empty)};`,
    `Dir::State ${q(l.dir)};`,
    `Dir::State::Lists ${q(l.lists)};`,
    `Dir::State::Status ${q(l.status)};`,
    `Dir::Cache ${q(l.cache)};`,
    `Dir::Log ${q(join(l.dir, 'log'))};`,
    `APT::Architecture "amd64";`,
    `APT::Architectures { "amd64"; };`,
    `Acquire::Languages "none";`,
    `Acquire::Retries "3";`,
    // Signatures and hashes are still checked. Freshness is not: versions are pinned exactly, so
    // a stale index can only lack a pin (and fail), and the archive these machines reach is a
    // frozen mirror whose sid Release is past its Valid-Until.
    `Acquire::Check-Valid-Until "false";`,
    `Acquire::Check-Date "false";`,
    // As root apt drops to _apt for downloads, which cannot write into our root-owned cache.
    `APT::Sandbox::User "root";`,
    '',
  ].join('\n');
}

/** Writes the config files (only when their content changed) and the directories apt expects. */
export function writeAptLayout(l: AptLayout, pins: Pins): void {
  for (const d of [l.dir, join(l.lists, 'partial'), join(l.cache, 'archives', 'partial'), l.empty]) {
    mkdirSync(d, { recursive: true });
  }
  const writeIfChanged = (file: string, text: string) => {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  };
  writeIfChanged(l.conf, aptConf(l));
  writeIfChanged(l.sources, sourcesList(pins));
  if (!existsSync(l.status)) writeFileSync(l.status, '');
}

export function aptEnv(l: AptLayout): Record<string, string> {
  return { APT_CONFIG: l.conf, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
}

/** True once `apt-get update` has stored a Packages index for every suite. */
export function listsPresent(l: AptLayout, pins: Pins): boolean {
  if (!existsSync(l.lists)) return false;
  const files = readdirSync(l.lists);
  return pins.suites.every((s) => files.some((f) => f.includes(`_dists_${s}_`) && f.includes('_Packages')));
}

/** `name=version` arguments for apt-get download. */
export function downloadArgs(specs: PackageSpec[]): string[] {
  return ['download', ...specs.map((s) => `${s.name}=${s.version}`)];
}

/** The file name apt-get download gives a package (epoch colon escaped as %3a). */
export function debFilePrefix(spec: PackageSpec): string {
  return `${spec.name}_${spec.version.replace(/:/g, '%3a')}_`;
}

export async function aptGet(l: AptLayout, args: string[], cwd: string): Promise<string> {
  const r = await execa('apt-get', ['-q', ...args], { env: aptEnv(l), cwd, all: true, reject: false });
  if (r.exitCode !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.exitCode}):\n${r.all}`);
  return r.all ?? '';
}

export async function aptCache(l: AptLayout, args: string[]): Promise<string> {
  const r = await execa('apt-cache', args, { env: aptEnv(l), reject: false });
  if (r.exitCode !== 0) throw new Error(`apt-cache ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}
