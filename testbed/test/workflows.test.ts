// The CI files users and this repository run: the workflows and the composite action pass both
// linters and the security rules, the rules and the linters do catch what they are for, and the
// README's example workflow is the one this repository runs (with uringlab pinned by SHA).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPinned, checkWorkflowRules } from '../ci/workflow-rules.js';
import { lintWorkflow, REPO, workflowFiles } from '../ci/workflow-lint.js';

const read = (f: string) => readFileSync(join(REPO, f), 'utf8');

describe('the repository CI files', () => {
  it('are the testbed workflow, the action example and the composite action', () => {
    expect(workflowFiles().map((f) => relative(REPO, f))).toEqual([
      '.github/workflows/action-example.yml',
      '.github/workflows/testbed.yml',
      'action.yml',
    ]);
  });

  it('pass action-validator, actionlint and the security rules', async () => {
    for (const f of workflowFiles()) expect(await lintWorkflow(relative(REPO, f), readFileSync(f, 'utf8'))).toEqual([]);
  });

  it('run the tests before the testbed, with KVM forced and the report uploaded', () => {
    const wf = read('.github/workflows/testbed.yml');
    expect(wf).toMatch(/testbed:[\s\S]*needs: test/);
    expect(wf).toContain('99-kvm4all.rules');
    expect(wf).toContain('--accel kvm');
    expect(wf).toMatch(/path: testbed\/\.cache\n\s+key: .*hashFiles\('testbed\/versions\.json'\)/);
    expect(wf).toMatch(/matrix:[\s\S]*kernel: \[pinned\]/);
    expect(wf).toMatch(/upload-artifact@[0-9a-f]{40}[\s\S]*if: always\(\)/);
  });
});

describe('the security rules', () => {
  const bad = `name: bad
on: pull_request_target
permissions: write-all
jobs:
  a:
    runs-on: ubuntu-24.04
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - run: echo "\${{ github.head_ref }}"
      - uses: docker://alpine:3
  b:
    uses: someone/flows/.github/workflows/x.yml@main
`;
  const rules = checkWorkflowRules('bad.yml', bad).map((p) => `${p.rule} ${p.where}`);

  it('catch a tag instead of a SHA, a pull_request_target checkout, wide permissions, a kept token and an injected expression', () => {
    expect(rules).toEqual([
      'permissions permissions',
      'permissions jobs.a.permissions',
      'pinned jobs.a.steps[0]',
      'checkout-credentials jobs.a.steps[0]',
      'untrusted-checkout jobs.a.steps[0]',
      'script-injection jobs.a.steps[1]',
      'pinned jobs.a.steps[2]',
      'pinned jobs.b',
    ]);
  });

  it('want top-level permissions, and hold a composite action to the same rules', () => {
    expect(checkWorkflowRules('w.yml', 'on: push\njobs: {}\n').map((p) => p.rule)).toEqual(['permissions']);
    const action = 'name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - uses: actions/cache@v5\n    - shell: bash\n      run: echo ${{ inputs.x }}\n';
    expect(checkWorkflowRules('action.yml', action).map((p) => p.rule)).toEqual(['pinned', 'script-injection']);
  });

  it('know a pin from a name', () => {
    expect(isPinned('actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1')).toBe(true);
    expect(isPinned('actions/checkout@3d3c42e')).toBe(false);
    expect(isPinned('actions/checkout@v7.0.1')).toBe(false);
    expect(isPinned('./')).toBe(true);
    expect(isPinned(`docker://alpine@sha256:${'a'.repeat(64)}`)).toBe(true);
  });
});

describe('the linters', () => {
  it('report a workflow with an unknown key and an expression of nothing', async () => {
    const wf = 'name: x\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    stepz: []\n    steps:\n      - run: echo hi\n        if: ${{ matrix.nope }}\n';
    const linters = new Set((await lintWorkflow('.github/workflows/x.yml', wf)).map((p) => p.linter));
    expect(linters).toEqual(new Set(['action-validator', 'actionlint']));
  });

  it('report a composite action without runs', async () => {
    const p = await lintWorkflow('action.yml', 'name: x\ndescription: y\n');
    expect(p.some((x) => x.linter === 'action-validator')).toBe(true);
  });
});

describe("the README's example workflow", () => {
  it('is the action example this repository runs, with uringlab pinned and a user folder', () => {
    const readme = read('README.md');
    const m = /<!-- example: \.github\/workflows\/action-example\.yml -->\n```yaml\n([\s\S]*?)\n```/.exec(readme);
    expect(m).not.toBeNull();
    const shown = m![1]!
      .replace(/uses: uringlab\/uringlab@<commit SHA>.*$/m, 'uses: ./')
      .replace('scenarios: test/io_uring', 'scenarios: examples/ci/my-scenarios');
    const file = read('.github/workflows/action-example.yml');
    expect(shown).toBe(file.slice(file.indexOf('name:')).trimEnd());
  });
});
