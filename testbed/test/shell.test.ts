// `testbed shell` without a VM: the interactive /init, the QEMU line that hands ttyS0 to a
// person, the initramfs that carries each scenario's program, and the stage command lines.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initramfsEntries, guestProgramPath } from '../src/initramfs.js';
import { initScript, SHELL_POWEROFF, SHELL_READY, shellInitScript } from '../src/init-script.js';
import { decideAccel } from '../src/accel.js';
import { dirs } from '../src/paths.js';
import type { Prepared } from '../src/prepare.js';
import { qemuArgs } from '../src/qemu-args.js';
import { shellQemuArgs } from '../src/shell.js';
import { REPO_DIR } from '../src/suite.js';

const modules = [[{ file: 'nvme_core.ko', params: [] }, { file: 'nvme.ko', params: ['poll_queues=1'] }]];
const shell = shellInitScript({ modules, waitFor: '/dev/nvme0n1' });

describe('the shell /init', () => {
  it('is valid shell', () => {
    execFileSync('sh', ['-n'], { input: shell });
  });

  it('prepares the guest a run gets, then starts a shell with ttyS0 as its terminal, then powers off', () => {
    const at = (s: string) => {
      const i = shell.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      'mount -t devtmpfs',
      'exec </dev/ttyS0 >/dev/ttyS0 2>&1',
      'mount -t tracefs tracefs /sys/kernel/tracing',
      'ip link set lo up',
      'insmod /lib/modules/nvme.ko poll_queues=1',
      '[ ! -b /dev/nvme0n1 ]',
      SHELL_READY,
      'setsid -c sh',
      SHELL_POWEROFF,
      'poweroff -f',
    ].map(at);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // init must not exit (the kernel would panic) and must not run the scenarios itself.
    expect(shell.trimEnd().split('\n').at(-1)).toBe('poweroff -f');
    expect(shell).not.toContain('/runner /scenarios/all.prog\n');
  });

  it('takes the terminal size from the environment the kernel command line gives init', () => {
    expect(shell).toContain('stty rows "$URINGLAB_ROWS" cols "$URINGLAB_COLS"');
  });
});

describe('QEMU for a person at the console', () => {
  const base = { accel: 'tcg' as const, kernel: 'K', initrd: 'I', disk: 'D', kernelConsole: 'C' };
  it('passes Ctrl-C to the guest and keeps the kernel console off the shell', () => {
    const a = qemuArgs({ ...base, interactive: true });
    const j = a.join(' ');
    expect(j).toContain('-chardev stdio,id=ttyS0,mux=on,signal=off -serial chardev:ttyS0 -serial file:C');
    expect(a).not.toContain('stdio');
    expect(a[a.indexOf('-append') + 1]).toMatch(/console=ttyS1/);
  });

  it('leaves the run line as it was', () => {
    const a = qemuArgs(base).join(' ');
    expect(a).toContain('-serial stdio -serial file:C');
    expect(a).not.toContain('chardev');
  });
});

describe('a KVM runner (GitHub Actions after the udev rule)', () => {
  // GitHub's hosted x86 runners are AMD EPYC: svm, a real /dev/kvm, no kvm_pvm.
  const runner = { devKvmUsable: true, cpuFlags: ['fpu', 'svm'], pvmLoaded: false, kvmFailedBefore: undefined };
  const prepared = (accel: ReturnType<typeof decideAccel>): Prepared => ({
    dirs: dirs('/tb'),
    sysroot: {} as Prepared['sysroot'],
    kernelImage: { path: '/k/vmlinux', kind: 'vmlinux', vmlinuz: '/k/vmlinuz' },
    accel,
    notes: [],
    timings: { fetchMs: 0, hostToolsMs: 0, kernelMs: 0 },
  });

  it('is detected as KVM, and its shell boots with the host CPU, the terminal size and ttyS0 on stdio', () => {
    const d = decideAccel('auto', runner);
    expect(d).toMatchObject({ accel: 'kvm', auto: true });
    const a = shellQemuArgs(prepared(d), { initrd: 'I', disk: 'D', kernelConsole: 'C' }, { rows: 40, cols: 120 });
    expect(a.join(' ')).toContain('-accel kvm -cpu host');
    expect(a.join(' ')).toContain('-kernel /k/vmlinux -initrd I');
    expect(a.join(' ')).toContain('-chardev stdio,id=ttyS0,mux=on,signal=off');
    expect(a[a.indexOf('-append') + 1]!.split(' ')).toEqual(expect.arrayContaining(['URINGLAB_ROWS=40', 'URINGLAB_COLS=120', 'no5lvl']));
  });

  it('is TCG without the udev rule, and --accel kvm still forces KVM', () => {
    expect(decideAccel('auto', { ...runner, devKvmUsable: false })).toMatchObject({ accel: 'tcg', reason: 'no usable /dev/kvm' });
    expect(decideAccel('kvm', { ...runner, devKvmUsable: false })).toMatchObject({ accel: 'kvm', auto: false });
    const a = shellQemuArgs(prepared(decideAccel('tcg', runner)), { initrd: 'I', disk: 'D', kernelConsole: 'C' });
    expect(a.join(' ')).toContain('-accel tcg -cpu max');
    expect(a[a.indexOf('-append') + 1]).not.toContain('URINGLAB_ROWS');
  });
});

describe('the shell initramfs', () => {
  const entries = initramfsEntries({
    busybox: new Uint8Array([1]),
    applets: ['bin/sh'],
    modules: [],
    runner: new Uint8Array([2]),
    programText: 'scenario a\nscenario b/c\n',
    runnerArgs: [],
    programs: [{ id: 'a', text: 'scenario a\n' }, { id: 'b/c', text: 'scenario b/c\n' }],
    shell: true,
  });
  const file = (p: string) => entries.find((e) => e.path === p);

  it('holds each scenario program by name, all of them, and the runner', () => {
    expect(guestProgramPath('b/c')).toBe('/scenarios/b_c.prog');
    expect(file('scenarios/a.prog')).toMatchObject({ type: 'file' });
    expect(file('scenarios/b_c.prog')).toMatchObject({ type: 'file' });
    expect(file('/scenarios/all.prog')).toMatchObject({ type: 'file' });
    expect(file('runner')).toMatchObject({ type: 'file', mode: 0o755 });
  });

  it('has the shell init, and a run keeps the runner init', () => {
    const init = file('init');
    expect(init?.type === 'file' && Buffer.from(init.data).toString()).toContain('setsid -c sh');
    const run = initramfsEntries({ busybox: new Uint8Array([1]), applets: [], modules: [], runner: new Uint8Array([2]), programText: '', runnerArgs: [] });
    const runInit = run.find((e) => e.path === 'init');
    expect(runInit?.type === 'file' && Buffer.from(runInit.data).toString()).toBe(
      initScript({ modules: [], runner: ['/runner', '/scenarios/all.prog'], waitFor: '/dev/nvme0n1' }),
    );
  });
});

describe('stage command lines', () => {
  const testbed = (...args: string[]) =>
    spawnSync(join(REPO_DIR, 'node_modules/.bin/tsx'), ['--conditions=@uringlab/source', join(REPO_DIR, 'testbed/src/main.ts'), ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('reject what a stage does not take, with its usage line and exit 2', () => {
    const r = testbed('build', '--accel', 'kvm');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('build does not take --accel');
    expect(r.stderr).toContain('usage: pnpm testbed build');
  });

  it('print their usage for --help', () => {
    const r = testbed('boot', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: pnpm testbed boot');
  });
});
