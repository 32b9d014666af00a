// QEMU killed from outside while the guest runs the scenarios: the run says so ("QEMU was killed
// by SIGKILL"), judges the scenarios it lost as divergences with that reason, never retries with
// another kernel image nor marks the image as one that does not boot, and its report fails.
// Boots Linux under QEMU (TCG): skipped, with the reason, where QEMU or the packages are missing.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { which } from '../src/host-tools.js';
import { buildRunner, debianSysroot } from '../src/runner-build.js';
import { prepare, vmlinuxBadMarker } from '../src/prepare.js';
import { runInVm } from '../src/vm.js';
import { loadSuite } from '../src/suite.js';
import { judge } from '../src/judge.js';
import { conclude } from '../src/conclude.js';

const ROOTS = inject('devRoots');
const why = ROOTS.length === 0 ? inject('devRootsProblem') : !which('qemu-system-x86_64') ? 'no qemu-system-x86_64' : '';
if (why) console.warn(`VM fault test skipped: ${why}`);
const tmp = mkdtempSync(join(tmpdir(), 'uringlab-vmfault-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The QEMU this process started (its disk image is named after our pid), if it runs. */
function ourQemu(): number | undefined {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.startsWith('qemu-system-x86_64') && cmd.includes(`nvme-${process.pid}.img`)) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

describe.skipIf(why !== '')('QEMU killed mid-run', () => {
  it('is reported with its signal, blames no kernel image, and fails the report', async () => {
    const suite = await loadSuite({ filter: /^(nop-basic|read-empty-pipe-blocks|write-pipe-then-read|link-failure-cancels)$/ });
    const prepared = await prepare({ accel: 'tcg' });
    const runnerPath = (await buildRunner(debianSysroot(prepared.sysroot.devRoots))).runnerPath;
    const marker = vmlinuxBadMarker(prepared.dirs, prepared.sysroot.kernelRelease);
    const markerBefore = existsSync(marker) ? readFileSync(marker, 'utf8') : undefined;
    const programText = suite.scenarios.filter((s) => s.text).map((s) => s.text).join('\n');
    let killed = false;
    const run = await runInVm({
      programText, runnerPath, prepared,
      onEvent: (e) => {
        // Kill it once the guest is inside a scenario that blocks for a second.
        if (e.type === 'scenario-begin' && e.id === 'read-empty-pipe-blocks' && !killed) {
          const pid = ourQemu();
          if (pid) {
            process.kill(pid, 'SIGKILL');
            killed = true;
          }
        }
      },
    });
    expect(killed).toBe(true);
    expect(run.outcome).toBe('died');
    expect(run.problem).toMatch(/^QEMU was killed by SIGKILL \(not by the testbed\)/);
    expect(run.notes.join('\n')).not.toMatch(/retried|did not boot|vmlinux failed/);
    expect(existsSync(marker) ? readFileSync(marker, 'utf8') : undefined).toBe(markerBefore);

    const verdicts = suite.scenarios.map((s) => judge(s, '7.3', run.scenarios.get(s.program.id)));
    const v = (n: string) => verdicts.find((x) => x.name === n)!;
    expect(v('read-empty-pipe-blocks')).toMatchObject({ verdict: 'diverge', explanation: expect.stringMatching(/the kernel run stopped during this scenario: QEMU was killed by SIGKILL/) });
    expect(v('write-pipe-then-read')).toMatchObject({ verdict: 'diverge', explanation: expect.stringMatching(/no result for this scenario \(the run stopped before it: QEMU was killed by SIGKILL/) });
    const out = join(tmp, 'out');
    const r = conclude({ outDir: out, mode: 'vm', profile: '7.3', suite, run, layout: undefined, verdicts, timings: {}, wallS: 1 });
    expect(r.exitCode).toBe(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { ok: boolean; notes: string[] };
    expect(summary.ok).toBe(false);
    expect(summary.notes.join('\n')).toMatch(/died: QEMU was killed by SIGKILL/);
  }, 300_000);
});
