// Scenario selection cannot pass silently: --scenarios finds files in subfolders, and a
// selection of nothing (a wrong path, an empty folder, a filter matching nothing) is an error.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuite, REPO_DIR } from '../src/suite.js';
import { parseFilter, SelectionError } from '../src/selection.js';

const root = mkdtempSync(join(tmpdir(), 'testbed-selection-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function scenario(path: string, name: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const doc = { name, pins: 'a ring of 4 entries can be set up', steps: [{ op: 'setup', ring: 'r', entries: 4 }] };
  writeFileSync(path, JSON.stringify(doc));
}

// Only the user's files: no model package is loaded, so these tests stay fast.
const only = (extra: string[], filter?: RegExp) => loadSuite({ extra, onlyExtra: true, packages: [], ...(filter ? { filter } : {}) });

describe('--scenarios', () => {
  const tree = join(root, 'tree');
  scenario(join(tree, 'b', 'deep', 'two.json'), 'two');
  scenario(join(tree, 'a', 'one.json'), 'one');
  writeFileSync(join(tree, 'a', 'notes.txt'), 'not a scenario');

  it('finds the .json files in every subfolder of a folder of folders', async () => {
    const s = await only([tree]);
    expect(s.scenarios.map((x) => x.scenario.name)).toEqual(['one', 'two']);
    expect(s.errors).toEqual([]);
  });

  it('rejects a path that does not exist, by name', async () => {
    const missing = join(root, 'no-such-dir');
    await expect(only([missing])).rejects.toThrow(new SelectionError(`--scenarios ${missing}: no such file or folder`));
  });

  it('rejects a folder with no scenario in it or below it', async () => {
    const empty = join(root, 'empty');
    mkdirSync(join(empty, 'sub'), { recursive: true });
    await expect(only([empty])).rejects.toThrow(/--scenarios .*empty: no \.json file in this folder or its subfolders/);
    // Even next to a folder that does hold scenarios: a wrong path is never ignored.
    await expect(only([tree, empty])).rejects.toBeInstanceOf(SelectionError);
  });

  it('rejects --only-scenarios without a --scenarios path', async () => {
    await expect(loadSuite({ onlyExtra: true, packages: [] })).rejects.toThrow('--only-scenarios needs at least one --scenarios PATH');
  });

  it('rejects a selection whose every file is invalid, listing them', async () => {
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'x.json'), '{"name": "x"}');
    await expect(only([bad])).rejects.toThrow(/^no valid scenario selected; 1 invalid:\n {2}.*x\.json: /);
  });
});

describe('--filter', () => {
  it('rejects a filter that matches none of the scenarios', async () => {
    await expect(only([join(root, 'tree')], parseFilter('nomatch'))).rejects.toThrow(
      new SelectionError('--filter nomatch matches none of the 2 scenarios'),
    );
  });

  it('keeps the scenarios it matches', async () => {
    expect((await only([join(root, 'tree')], parseFilter('^tw'))).scenarios.map((x) => x.scenario.name)).toEqual(['two']);
  });

  it('rejects a pattern that is not a regular expression', () => {
    expect(() => parseFilter('(')).toThrow(/^--filter \(: not a regular expression/);
  });
});

describe('pnpm testbed', () => {
  it('fails with the message and exit code 2 when --filter matches nothing, before fetching or booting', async () => {
    const r = await execa(join(REPO_DIR, 'node_modules', '.bin', 'tsx'), ['--conditions=@uringlab/source', 'testbed/src/main.ts', '--filter', 'nomatch'], {
      cwd: REPO_DIR, reject: false, timeout: 60_000, env: { CI: '1' },
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--filter nomatch matches none of the \d+ scenarios/);
    expect(r.stdout).not.toMatch(/PASS/);
  }, 90_000);
});
