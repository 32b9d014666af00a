// Judged together: a package scenario is judged with its own package's model and with every
// extension loaded, against one kernel trace, so a break between packages shows as a divergence.

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CoreStep, defineExtension, runOnModel, type Extension } from '@uringlab/ring/extend';
import { judge, type ScenarioVerdict } from '../src/judge.js';
import { countVerdicts, writeReport, type RunSummary } from '../src/report.js';
import { loadSuite, type ModelPackage, type SuiteScenario } from '../src/suite.js';
import type { ScenarioResult } from '../src/records.js';

const root = mkdtempSync(join(tmpdir(), 'testbed-together-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ONE_NOP = {
  name: 'one-nop',
  pins: 'a plain NOP completes with res 0',
  steps: [
    { op: 'setup', ring: 'r', entries: 4 },
    { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP', user_data: 7 } },
    { op: 'enter', ring: 'r', to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] },
    { op: 'reap', ring: 'r' },
  ],
};

/** A package folder holding `scenarios`, with `extension` as what its source exports. */
function pkg(name: string, scenarios: object[], extension?: Extension): ModelPackage {
  const dir = mkdtempSync(join(root, 'pkg-'));
  mkdirSync(join(dir, 'scenarios'));
  scenarios.forEach((s, i) => writeFileSync(join(dir, 'scenarios', `${i}.json`), JSON.stringify(s)));
  return { name, dir, ...(extension ? { extension } : {}) };
}

/** The core's package with ONE_NOP, plus an extension package, loaded as the testbed would. */
async function coreWith(extension: Extension): Promise<SuiteScenario> {
  const suite = await loadSuite({ packages: [pkg('@uringlab/ring', [ONE_NOP]), pkg(`@x/${extension.name}`, [], extension)] });
  expect(suite.errors).toEqual([]);
  return suite.scenarios[0]!;
}

/** What a kernel that behaves like the core model prints for the scenario. */
const kernelLikeCore = (s: SuiteScenario): ScenarioResult => ({ id: s.scenario.name, records: runOnModel(s.program, { profile: '7.3' }), status: 'ok' });

const harmless = defineExtension({ name: 'harmless' });
// Loaded next to the core, it leaves every new ring disabled (as if R_DISABLED were set), so
// io_uring_enter() fails with EBADFD: the kind of break only "together" can see.
const nopFails = defineExtension({
  name: 'nopfail',
  hooks: { ringCreated(ctx) { ctx.disabled = true; } },
});

describe('judging a package scenario with every extension loaded', () => {
  it('judges an agreeing scenario both ways, and counts it once', async () => {
    const s = await coreWith(harmless);
    expect(s.extensions).toEqual([]);
    expect(s.together?.extensions).toEqual([harmless]);
    const v = judge(s, '7.3', kernelLikeCore(s));
    expect(v).toMatchObject({ verdict: 'agree', alone: 'agree', together: 'agree' });
    expect(v.modelTogether).toEqual(v.model);
    expect(countVerdicts([v])).toEqual({ scenarios: 1, agree: 1, diverge: 0, skipped: 0, judged_together: 1 });
  });

  it('reports an extension that changes the core\'s result as a divergence "with every extension loaded"', async () => {
    const s = await coreWith(nopFails);
    const v = judge(s, '7.3', kernelLikeCore(s));
    expect(v).toMatchObject({ verdict: 'diverge', alone: 'agree', together: 'diverge' });
    expect(v.explanation).toMatch(/^with every extension loaded \(core \+ nopfail\): At step 2 \(enter r\) .*res: kernel 1, model -77/);
    expect(countVerdicts([v])).toMatchObject({ agree: 0, diverge: 1, judged_together: 1 });
  });

  it('says which model diverged when only its own package\'s model is wrong', async () => {
    const s = await coreWith(harmless);
    const kernel = { ...kernelLikeCore(s), records: runOnModel(s.program, { profile: '7.3', extensions: [nopFails] }) };
    const v = judge(s, '7.3', kernel);
    expect(v).toMatchObject({ verdict: 'diverge', alone: 'diverge', together: 'diverge' });
    expect(v.explanation).toMatch(/^with its own package's model \(core\) and with every extension loaded \(core \+ harmless\): At step 2 \(enter r\)/);
  });

  it('turns a model that throws into a divergence instead of stopping the run', async () => {
    const throws = defineExtension({ name: 'throws', init: () => { throw new Error('boom'); } });
    const s = await coreWith(throws);
    const v = judge(s, '7.3', kernelLikeCore(s));
    expect(v).toMatchObject({ verdict: 'diverge', alone: 'agree', together: 'diverge' });
    // Typed, and without a stack: the stack goes to the debug log (URINGLAB_DEBUG).
    expect(v.explanation).toMatch(/^with every extension loaded \(core \+ throws\): the model failed: INTERNAL: creating the model kernel: Error: boom \(a bug in the model; set URINGLAB_DEBUG=1 to log its stack\)$/);
  });

  it('judges once when its own package\'s extension is every extension, and user scenarios once', async () => {
    const suite = await loadSuite({ packages: [pkg('@x/only', [ONE_NOP], harmless)] });
    const s = suite.scenarios[0]!;
    expect(s.together).toBeUndefined();
    const v = judge(s, '7.3', kernelLikeCore(s));
    expect(v).toMatchObject({ verdict: 'agree', together: 'same' });
    expect(v.modelTogether).toBeUndefined();
    expect(countVerdicts([v]).judged_together).toBe(0);

    const user = await loadSuite({ packages: [pkg('@x/other', [], nopFails)], extra: [join(pkg('@x/files', [ONE_NOP]).dir, 'scenarios')] });
    expect(user.scenarios[0]).toMatchObject({ source: 'user', extensions: [nopFails], together: undefined });
  });

  it('does not judge the second model on a scenario the kernel skipped', async () => {
    const s = await coreWith(nopFails);
    const v = judge(s, '7.3', { id: s.scenario.name, records: ['skip nvme'], status: 'skip', reason: 'nvme' });
    expect(v).toMatchObject({ verdict: 'skip', alone: 'skip', together: 'skip' });
    expect(countVerdicts([v])).toMatchObject({ skipped: 1, judged_together: 0 });
  });
});

describe('the report of a scenario judged together', () => {
  it('records both verdicts and both model traces in results.jsonl, and the count in summary.json', async () => {
    const s = await coreWith(nopFails);
    const v = judge(s, '7.3', kernelLikeCore(s));
    const out = mkdtempSync(join(root, 'out-'));
    const summary: RunSummary = {
      kernel: '7.3.4', profile: '7.3', mode: 'native', accel: 'none', ...countVerdicts([v]), boot_s: null, wall_s: 1,
      timings: {}, layout: null, splats: [], invalid: [], notes: [], measurements: [], ok: false,
    };
    writeReport(out, summary, [v]);
    const line = JSON.parse(readFileSync(join(out, 'results.jsonl'), 'utf8')) as ScenarioVerdict;
    expect(line).toMatchObject({ name: 'one-nop', verdict: 'diverge', alone: 'agree', together: 'diverge' });
    expect(line.modelTogether).not.toEqual(line.model);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ agree: 0, diverge: 1, skipped: 0, judged_together: 1 });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/with every extension loaded \(core \+ nopfail\)/);
  });
});

describe('parsing a package scenario with every extension loaded', () => {
  it('reports an extension step that shadows a core step as a conflict for every scenario it touches', async () => {
    // A step that would take over the core's `reap` (reaping 7 instead of all).
    const shadow = defineExtension({
      name: 'shadow',
      steps: [{ op: 'reap', schema: CoreStep, description: 'reaps 7', compile: () => [{ op: 'reap', ring: 'r', max: 7 }] }],
    });
    const setupOnly = { name: 'setup-only', pins: 'a ring can be set up', steps: [{ op: 'setup', ring: 'r', entries: 4 }] };
    const extra = pkg('@x/plain', [ONE_NOP]);
    const suite = await loadSuite({ packages: [pkg('@uringlab/ring', [setupOnly]), pkg('@x/shadow', [], shadow)], extra: [join(extra.dir, 'scenarios')] }).catch((e: Error) => e);
    expect(suite).toBeInstanceOf(Error);
    expect((suite as Error).message).toMatch(/EXTENSION_CONFLICT: scenario step "reap" is defined by @uringlab\/ring and again by shadow/);
  });
});

describe('the repository\'s suite', () => {
  it('judges the core\'s scenarios with every extension too, and a package whose extension is every extension once', async () => {
    const suite = await loadSuite();
    const core = suite.scenarios.filter((s) => s.source === '@uringlab/ring');
    expect(core.length).toBeGreaterThan(0);
    expect(suite.extensions.length).toBeGreaterThan(0);
    expect(core.every((s) => s.extensions.length === 0 && s.together?.extensions.length === suite.extensions.length)).toBe(true);
    for (const s of suite.scenarios) expect(s.together === undefined).toBe(suite.extensions.every((e) => s.extensions.includes(e)));
  }, 60_000); // loads every package and compiles every scenario twice: seconds on a busy machine
});
