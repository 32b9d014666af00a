// The report in a real browser: scripts/report-check.ts renders a report with a real divergence
// in Debian's headless Chromium and checks what a reader sees (divergence first, the first
// differing event highlighted, nothing wider than a 1280 px window, the filter box, no-JS view).
// `pnpm check:html` runs the same checks in CI, where chromium is installed; here the test runs
// when a chromium is on PATH (or named by CHROMIUM) and says why it skips otherwise.

import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_DIR } from '../src/suite.js';

function chromium(): string | undefined {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'chromium'), constants.X_OK);
      return join(dir, 'chromium');
    } catch { /* not here */ }
  }
  return undefined;
}

const out = mkdtempSync(join(tmpdir(), 'testbed-report-browser-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const browser = chromium();

describe('the report in headless Chromium', () => {
  it.skipIf(!browser)(`shows the divergence first, highlighted, wrapped and filterable${browser ? '' : ' (skipped: no chromium on PATH)'}`, async () => {
    const r = await promisify(execFile)(process.execPath,
      ['--experimental-websocket', '--import', 'tsx', '--conditions=@uringlab/source', 'scripts/report-check.ts', out],
      { cwd: REPO_DIR, timeout: 120_000 }).catch((e: { stdout?: string; stderr?: string; message: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? e.message }));
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failed, r.stderr).toEqual([]);
    const counts = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
    expect(counts, `${r.stdout}\n${r.stderr}`).not.toBeNull();
    expect(Number(counts![1])).toBeGreaterThanOrEqual(10);
    expect(Number(counts![2])).toBe(0);
  }, 150_000);
});
