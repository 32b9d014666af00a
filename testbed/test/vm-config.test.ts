import { describe, expect, it } from 'vitest';
import { decideAccel, type HostFacts } from '../src/accel.js';
import { patternChunk, diskByte, DISK_BLOCK } from '../src/disk.js';
import { qemuArgs } from '../src/qemu-args.js';

const hw: HostFacts = { devKvmUsable: true, cpuFlags: ['fpu', 'vmx'], pvmLoaded: false, kvmFailedBefore: undefined };

describe('decideAccel', () => {
  it('uses KVM only with real hardware virtualisation', () => {
    expect(decideAccel('auto', hw)).toMatchObject({ accel: 'kvm', auto: true });
    expect(decideAccel('auto', { ...hw, pvmLoaded: true })).toMatchObject({ accel: 'tcg' });
    expect(decideAccel('auto', { ...hw, cpuFlags: ['fpu'] })).toMatchObject({ accel: 'tcg' });
    expect(decideAccel('auto', { ...hw, devKvmUsable: false })).toMatchObject({ accel: 'tcg' });
    expect(decideAccel('auto', { ...hw, kvmFailedBefore: 'KVM internal error' })).toMatchObject({ accel: 'tcg' });
  });

  it('obeys --accel', () => {
    expect(decideAccel('kvm', { ...hw, pvmLoaded: true })).toMatchObject({ accel: 'kvm', auto: false });
    expect(decideAccel('tcg', hw)).toMatchObject({ accel: 'tcg', auto: false });
  });
});

describe('qemuArgs', () => {
  const base = { kernel: 'K', initrd: 'I', disk: 'D', kernelConsole: 'C' };
  it('builds the known-good TCG line with no outside network', () => {
    const a = qemuArgs({ accel: 'tcg', ...base }).join(' ');
    expect(a).toContain('-M q35 -accel tcg -cpu max -smp 2 -m 1024');
    expect(a).toContain('-netdev user,id=n0,restrict=on');
    expect(a).toContain('-device virtio-net-pci,netdev=n0,romfile=');
    expect(a).toContain('-drive file=D,if=none,id=nvm,format=raw');
    expect(a).toContain('-no-reboot -nodefaults -serial stdio');
  });

  it('keeps the kernel console off the record port', () => {
    const args = qemuArgs({ accel: 'tcg', ...base });
    expect(args.join(' ')).toContain('-serial stdio -serial file:C');
    expect(args[args.indexOf('-append') + 1]).toMatch(/console=ttyS1/);
  });

  it('uses the host CPU under KVM', () => {
    expect(qemuArgs({ accel: 'kvm', ...base }).join(' ')).toContain('-accel kvm -cpu host');
  });

  it('passes rdinit and panic=-1 on the command line', () => {
    const args = qemuArgs({ accel: 'tcg', ...base });
    const append = args[args.indexOf('-append') + 1];
    expect(append).toMatch(/panic=-1 rdinit=\/init/);
  });

  it('keeps the guest on 4-level paging, so vmlinux and vmlinuz share one user address limit', () => {
    for (const accel of ['tcg', 'kvm'] as const) {
      const args = qemuArgs({ accel, ...base });
      expect(args[args.indexOf('-append') + 1]!.split(' ')).toContain('no5lvl');
    }
  });
});

describe('disk pattern', () => {
  it('byte i of block b is (b + i) & 0xff', () => {
    const chunk = patternChunk();
    for (const off of [0, 1, 4095, 4096, 4097, 5 * DISK_BLOCK + 3, 255 * DISK_BLOCK + 4095]) {
      expect(chunk[off]).toBe(diskByte(off));
    }
    expect(diskByte(5 * DISK_BLOCK)).toBe(5);
    expect(diskByte(256 * DISK_BLOCK + 2)).toBe(2);
  });
});
