// The QEMU command line: q35, NVMe disk, virtio-net NIC with no way out (restrict=on), the
// serial console on stdio and nothing else.

export type Accel = 'kvm' | 'tcg';

export interface QemuConfig {
  accel: Accel;
  kernel: string;
  initrd: string;
  disk: string;
  memMiB?: number;
  smp?: number;
  /** Extra kernel command line words. */
  append?: string[];
}

export const BASE_APPEND = ['console=ttyS0', 'panic=-1', 'rdinit=/init', 'quiet'];

export function qemuArgs(c: QemuConfig): string[] {
  return [
    '-M', 'q35',
    '-accel', c.accel,
    '-cpu', c.accel === 'kvm' ? 'host' : 'max',
    '-smp', String(c.smp ?? 2),
    '-m', String(c.memMiB ?? 1024),
    '-nographic', '-no-reboot', '-nodefaults',
    '-serial', 'stdio',
    '-kernel', c.kernel,
    '-initrd', c.initrd,
    '-append', [...BASE_APPEND, ...(c.append ?? [])].join(' '),
    '-drive', `file=${c.disk},if=none,id=nvm,format=raw`,
    '-device', 'nvme,serial=uringlab,drive=nvm',
    '-netdev', 'user,id=n0,restrict=on',
    '-device', 'virtio-net-pci,netdev=n0,romfile=',
  ];
}
