// The QEMU command line: q35, NVMe disk, virtio-net NIC with no way out (restrict=on), two
// serial ports and nothing else. ttyS0 (stdio) carries only what /init and the runner print;
// the kernel console is ttyS1 (a file), so a kernel message can never split a record line.

export type Accel = 'kvm' | 'tcg';

export interface QemuConfig {
  accel: Accel;
  kernel: string;
  initrd: string;
  disk: string;
  /** File that receives the kernel console (second serial port, ttyS1). */
  kernelConsole: string;
  /** Firmware for -bios (qboot); QEMU's default SeaBIOS when absent. */
  firmware?: string;
  memMiB?: number;
  smp?: number;
  /** Extra kernel command line words. */
  append?: string[];
  /**
   * ttyS0 is a terminal for a person (`testbed shell`): Ctrl-C goes to the guest (signal=off)
   * instead of killing QEMU, and QEMU's Ctrl-A escapes stay (mux=on; Ctrl-A x quits a hung guest).
   */
  interactive?: boolean;
}

// loglevel=5 (after quiet) lets warnings through to the console as they happen, so a splat is
// seen even when the guest dies before /init sends the kernel log; a normal boot prints only a
// handful of them. cryptomgr.notests skips the crypto self-tests: about 1 s of an emulated
// boot, and io_uring does not depend on them.
// no5lvl keeps the guest on 4-level paging whichever image boots: the bzImage's decompressor
// would switch `-cpu max` to 5-level paging (the raw vmlinux never does), which moves the top of
// user memory past 2^47 - 4096 and changes what access_ok() accepts.
export const BASE_APPEND = ['console=ttyS1', 'panic=-1', 'rdinit=/init', 'quiet', 'loglevel=5', 'cryptomgr.notests', 'no5lvl'];

/**
 * qboot (shipped with QEMU's data files) only loads the kernel and jumps: about 0.25 s faster
 * than SeaBIOS under TCG, and all a -kernel boot needs.
 */
export const QBOOT = '/usr/share/qemu/qboot.rom';

export function qemuArgs(c: QemuConfig): string[] {
  return [
    '-M', 'q35',
    '-accel', c.accel,
    '-cpu', c.accel === 'kvm' ? 'host' : 'max',
    '-smp', String(c.smp ?? 2),
    '-m', String(c.memMiB ?? 1024),
    ...(c.firmware ? ['-bios', c.firmware] : []),
    '-nographic', '-no-reboot', '-nodefaults',
    ...(c.interactive ? ['-chardev', 'stdio,id=ttyS0,mux=on,signal=off', '-serial', 'chardev:ttyS0'] : ['-serial', 'stdio']),
    '-serial', `file:${c.kernelConsole}`,
    '-kernel', c.kernel,
    '-initrd', c.initrd,
    '-append', [...BASE_APPEND, ...(c.append ?? [])].join(' '),
    '-drive', `file=${c.disk.replace(/,/g, ',,')},if=none,id=nvm,format=raw`, // ',,' escapes a comma
    '-device', 'nvme,serial=uringlab,drive=nvm',
    '-netdev', 'user,id=n0,restrict=on',
    '-device', 'virtio-net-pci,netdev=n0,romfile=',
  ];
}
