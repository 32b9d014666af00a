// The host programs the testbed runs. QEMU is the only real dependency; zstd unpacks the kernel
// (optional: vmlinuz boots too, just slower) and xz reads module metadata. Missing ones are
// installed with the system's apt when we are root (install only: sources are never edited),
// otherwise we stop and print the command to run.
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { loadPins } from './versions.js';
import { ignoreEvents, type OnEvent } from './events.js';

export function which(cmd: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The host's release codename (bookworm here), so `-t` keeps apt on the host's own suite. */
function hostRelease(fallback: string): string {
  try {
    const m = /^VERSION_CODENAME=(.+)$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1]?.replace(/"/g, '') || fallback;
  } catch {
    return fallback;
  }
}

export function installCommand(debPackages: string[], release: string): string[] {
  return ['apt-get', 'install', '-y', '--no-install-recommends', '-t', release, ...debPackages];
}

export interface EnsureToolsOptions {
  /** Commands needed, e.g. ['qemu-system-x86_64', 'xz']. Keys of versions.json host.packages. */
  commands: string[];
  /** Installed alongside when we are root anyway; otherwise their absence is tolerated. */
  optional?: string[];
  onEvent?: OnEvent;
}

export async function ensureHostTools(opts: EnsureToolsOptions): Promise<void> {
  const pins = loadPins();
  const required = opts.commands.filter((c) => !which(c));
  if (required.length === 0) return;
  const missing = [...required, ...(opts.optional ?? []).filter((c) => !which(c))];
  const debs = [...new Set(missing.map((c) => pins.host.packages[c] ?? c))];
  const cmd = installCommand(debs, hostRelease(pins.host.release));
  if (process.getuid?.() !== 0) {
    throw new Error(`missing on this host: ${required.join(', ')}. Install with:\n  sudo ${cmd.join(' ')}`);
  }
  const say = (message: string) => (opts.onEvent ?? ignoreEvents)({ type: 'step', step: 'host', message });
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  say(`installing ${debs.join(' ')} with the system apt`);
  const [bin, ...args] = cmd as [string, ...string[]];
  let r = await execa(bin, args, { env, all: true, reject: false });
  if (r.exitCode !== 0) {
    // A fresh machine may have no package lists yet.
    say('apt-get update (system lists), then retry');
    await execa('apt-get', ['update'], { env, all: true });
    r = await execa(bin, args, { env, all: true, reject: false });
  }
  if (r.exitCode !== 0) throw new Error(`${cmd.join(' ')} failed:\n${r.all}`);
  const still = opts.commands.filter((c) => !which(c));
  if (still.length > 0) throw new Error(`still missing after install: ${still.join(', ')}`);
}
