// `pnpm testbed shell` as a person uses it, with the keystrokes scripted: boot the guest, run a
// compiled scenario by hand, look at tracefs and /proc, interrupt a job with Ctrl-C, then Ctrl-D
// (the byte a terminal in raw mode sends, 0x04) ends the shell and the guest powers off cleanly.
// Boots Linux under QEMU (TCG): skipped, with the reason, where QEMU or the packages are missing.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { which } from '../src/host-tools.js';
import { SHELL_POWEROFF, SHELL_READY } from '../src/init-script.js';
import { REPO_DIR } from '../src/suite.js';

const ROOTS = inject('devRoots');
const why = ROOTS.length === 0 ? inject('devRootsProblem') : !which('qemu-system-x86_64') ? 'no qemu-system-x86_64' : '';
if (why) console.warn(`testbed shell test skipped: ${why}`);

let child: ChildProcess | undefined;
afterAll(() => {
  // Our own child's group (tsx, zx's shell, QEMU), if a failed expectation left it running.
  if (child?.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

describe.skipIf(why !== '')('testbed shell', () => {
  it('runs a scenario by hand, shows tracefs and /proc, and powers off on Ctrl-D', async () => {
    const c = spawn(
      join(REPO_DIR, 'node_modules/.bin/tsx'),
      ['--conditions=@uringlab/source', join(REPO_DIR, 'testbed/src/main.ts'), 'shell', '--accel', 'tcg', '--filter', '^nop-ioprio$'],
      { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: { ...process.env, URINGLAB_SHELL_TIMEOUT_MS: '150000' } },
    );
    child = c;
    let out = '';
    let err = '';
    const waiters: Array<{ re: RegExp; from: number; done: () => void }> = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (w.re.test(out.slice(w.from))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done();
        }
      }
    };
    c.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      check();
    });
    c.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<number | null>((res) => c.on('exit', (code) => res(code)));
    const waitFor = (re: RegExp, ms: number) =>
      new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no ${re} within ${ms} ms; output:\n${out.slice(-2000)}\n${err.slice(-1000)}`)), ms);
        waiters.push({ re, from: 0, done: () => (clearTimeout(t), res()) });
        check();
      });
    /** Types a line and waits for what it prints (not its echo: the pattern is not in the line). */
    const type = async (line: string, expect: RegExp, ms = 20_000) => {
      const from = out.length;
      c.stdin!.write(line);
      await new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`no ${expect} after ${JSON.stringify(line)}; output:\n${out.slice(from)}`)), ms);
        waiters.push({ re: expect, from, done: () => (clearTimeout(t), res()) });
        check();
      });
    };

    await waitFor(new RegExp(SHELL_READY), 120_000);
    await waitFor(/uringlab:\/tmp# /, 10_000);
    await type('echo MARK $((6*7))\n', /MARK 42/);
    // The compiled scenario, run by hand: its records, and the runner's exit status.
    await type('/runner /scenarios/nop-ioprio.prog; echo RC=$?\n', /RC=\d+/);
    expect(out).toMatch(/@@ nop-ioprio begin[\s\S]*@@ nop-ioprio cqe r [0-9a-f]+[\s\S]*@@ nop-ioprio end/);
    expect(out).toContain('RC=0');
    await type('grep -c "^io_uring:" /sys/kernel/tracing/available_events | sed "s/^/IOURING-EVENTS /"\n', /IOURING-EVENTS [1-9]\d*/);
    await type('echo DISABLED=$(cat /proc/sys/kernel/io_uring_disabled) TTY=$(tty)\n', /DISABLED=0 TTY=\/dev\/ttyS0/);
    // Ctrl-C reaches the foreground job in the guest (ttyS0 is the shell's terminal), not QEMU.
    c.stdin!.write('sleep 60\n');
    await new Promise((r) => setTimeout(r, 1000));
    await type('\x03', /uringlab:\/tmp# /, 10_000);
    await type('echo AFTER-INT\n', /AFTER-INT\r?\n/);
    // Ctrl-D on an empty line: the shell ends, /init powers off, QEMU exits 0.
    c.stdin!.write('\x04');
    const code = await exited;
    expect(out).toContain(SHELL_POWEROFF);
    expect(out).toMatch(/guest powered off after/);
    expect(code).toBe(0);
  }, 240_000);
});
