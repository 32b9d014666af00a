// The executable as a shell runs it: a closed pipe ends it quietly.

import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

describe('uringlab executable', () => {
  it('`uringlab run DIR | head -1` prints one line and no EPIPE stack trace', async () => {
    const r = await execa('bash', ['-c', `set -o pipefail; "${TSX}" --conditions=@uringlab/source src/bin.ts run ../ring/scenarios ../ring/scenarios ../ring/scenarios | head -1`], {
      cwd: CLI_DIR, reject: false, timeout: 60_000,
    });
    expect(r.stdout.split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ev: 'scenario' });
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.exitCode).toBe(0);
  });
});
