// KVM or TCG. A /dev/kvm is not proof of hardware virtualisation: these machines load kvm-pvm,
// a software KVM on which a stock kernel dies ("KVM internal error", and QEMU then pauses) or
// crawls. So KVM is chosen only when the CPU advertises vmx/svm and no PVM module is loaded;
// if a KVM boot still fails, vm.ts falls back to TCG and remembers that for this host boot.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Accel } from './qemu-args.js';

export type AccelChoice = Accel | 'auto';

export interface AccelDecision {
  accel: Accel;
  reason: string;
  /** True when picked automatically: a failed KVM boot may then fall back to TCG. */
  auto: boolean;
}

export interface HostFacts {
  devKvmUsable: boolean;
  cpuFlags: string[];
  pvmLoaded: boolean;
  /** A verdict from an earlier failed KVM boot in this host boot. */
  kvmFailedBefore: string | undefined;
}

export function decideAccel(choice: AccelChoice, h: HostFacts): AccelDecision {
  if (choice === 'kvm') return { accel: 'kvm', reason: 'forced with --accel kvm', auto: false };
  if (choice === 'tcg') return { accel: 'tcg', reason: 'forced with --accel tcg', auto: false };
  if (!h.devKvmUsable) return { accel: 'tcg', reason: 'no usable /dev/kvm', auto: true };
  if (h.pvmLoaded) return { accel: 'tcg', reason: '/dev/kvm is kvm-pvm (software; stock kernels fail on it)', auto: true };
  if (!h.cpuFlags.includes('vmx') && !h.cpuFlags.includes('svm')) {
    return { accel: 'tcg', reason: 'CPU has no vmx/svm flag', auto: true };
  }
  if (h.kvmFailedBefore) return { accel: 'tcg', reason: `KVM failed earlier: ${h.kvmFailedBefore}`, auto: true };
  return { accel: 'kvm', reason: 'hardware virtualisation available', auto: true };
}

export function readHostFacts(verdictFile: string): HostFacts {
  let devKvmUsable = false;
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    devKvmUsable = true;
  } catch {
    // absent or no permission
  }
  let cpuFlags: string[] = [];
  try {
    const m = /^flags\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    cpuFlags = m?.[1]?.split(/\s+/) ?? [];
  } catch {
    // not Linux?
  }
  const pvmLoaded = existsSync('/sys/module/kvm_pvm');
  return { devKvmUsable, cpuFlags, pvmLoaded, kvmFailedBefore: readKvmVerdict(verdictFile) };
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

function readKvmVerdict(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { bootId: string; reason: string };
    return v.bootId === bootId() ? v.reason : undefined;
  } catch {
    return undefined;
  }
}

export function rememberKvmFailure(file: string, reason: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ bootId: bootId(), reason }));
}
