import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenario } from '@uringlab/ring';
import { modelKernel } from '../src/fuzz/kernels.js';
import { formatSummary, runFuzz } from '../src/fuzz/run.js';
import { plantedFadvise as planted, truthfulFadvise as truthful } from '@uringlab/ring/testing';

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'fuzz-test-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('pnpm testbed --fuzz', { timeout: 60_000 }, () => {
  it('finds a planted divergence, shrinks it and writes the regression scenario and the summary', async () => {
    const out = tmp();
    const found = join(out, 'found');
    // The "kernel" is the truthful model; the judged model answers FADVISE on a pipe wrongly.
    const s = await runFuzz({
      cases: 40, seed: 11, extensions: [planted],
      on: { kernel: modelKernel('7.3', [truthful]), profile: '7.3' },
      foundDir: found, outDir: out,
    });
    expect(s.ok).toBe(false);
    expect(s.divergent_cases).toBeGreaterThan(0);
    expect(s.divergences).toBe(1);
    const cls = s.classes[0]!;
    expect(cls.key).toContain('plant.fadvise');
    expect(cls.flaky).toBeUndefined();
    expect(cls.steps.to).toBeLessThan(cls.steps.from);
    expect(readdirSync(found)).toEqual([cls.file]);
    expect(cls.file).toMatch(/^fuzz-11-\d+\.json$/);
    const doc = JSON.parse(readFileSync(join(found, cls.file!), 'utf8')) as { name: string; description: string; steps: { op: string }[] };
    expect(doc.name).toBe(cls.file!.replace(/\.json$/, ''));
    expect(doc.description).toContain('ESPIPE');
    expect(doc.description).toContain('--seed 11');
    expect(doc.steps.filter((x) => x.op === 'plant.fadvise')).toHaveLength(1);
    expect(doc.steps.length).toBeLessThanOrEqual(8);
    parseScenario(doc, [planted]);
    const summary = JSON.parse(readFileSync(join(out, 'fuzz-summary.json'), 'utf8')) as { cases: number; seed: number; divergences: number };
    expect(summary).toMatchObject({ cases: 40, seed: 11, divergences: 1 });
    const text = formatSummary(s, found);
    expect(text).toMatch(/^FAIL: fuzz 40 cases \(seed 11\)/m);
    expect(text).toContain('1 distinct divergences after shrinking');
  });

  it('passes, and writes no regression file, when the model agrees with the kernel', async () => {
    const out = tmp();
    const s = await runFuzz({
      cases: 30, seed: 5, extensions: [truthful],
      on: { kernel: modelKernel('6.18', [truthful]), profile: '6.18' },
      foundDir: join(out, 'found'), outDir: out,
    });
    expect(s).toMatchObject({ ok: true, divergent_cases: 0, divergences: 0, invalid: [], problems: [] });
    expect(readdirSync(join(out, 'found'))).toEqual([]);
    expect(existsSync(join(out, 'fuzz-summary.json'))).toBe(true);
    expect(formatSummary(s, out)).toMatch(/^PASS: fuzz 30 cases \(seed 5\)/m);
  });

  it('is the same run for the same seed', async () => {
    const run = () =>
      runFuzz({
        cases: 40, seed: 11, extensions: [planted], shrinkPerClass: 1, maxRounds: 4,
        on: { kernel: modelKernel('7.3', [truthful]), profile: '7.3' }, foundDir: join(tmp(), 'f'), outDir: tmp(),
      });
    const a = await run();
    const b = await run();
    expect(a.divergences).toBe(1);
    expect(b.classes).toEqual(a.classes);
    expect(b.steps_per_case).toBe(a.steps_per_case);
  });

  it('reports cases the kernel answers with a crash or a runner error, not silently drops them', async () => {
    const out = tmp();
    const base = modelKernel('7.3', []);
    const crashing = {
      label: 'crashing',
      async run(programs: Parameters<typeof base.run>[0]) {
        const r = await base.run(programs);
        const first = programs[0]!.id;
        r.results.set(first, { id: first, records: ['crash SIGSEGV'], status: 'crash' as const, reason: 'signal SIGSEGV' });
        return r;
      },
    };
    const s = await runFuzz({ cases: 5, seed: 9, extensions: [], on: { kernel: crashing, profile: '7.3' }, foundDir: join(out, 'f'), outDir: out });
    expect(s.ok).toBe(false);
    expect(s.runner_failures).toEqual([{ name: 'fuzz-9-0', key: 'runner crash' }]);
    expect(formatSummary(s, out)).toContain('runner failure: fuzz-9-0: runner crash');
  });

  // A kernel whose first case ends early with the watchdog having fired: `slowFor` runs say so.
  function cutShort(slowOnPatientRun: boolean) {
    const base = modelKernel('7.3', []);
    return {
      label: 'slow',
      async run(programs: Parameters<typeof base.run>[0], opts?: { patient?: boolean }) {
        const r = await base.run(programs);
        const id = 'fuzz-9-0';
        const got = r.results.get(id);
        if (got && (!opts?.patient || slowOnPatientRun)) r.results.set(id, { ...got, records: got.records.slice(0, -1), watchdog: 1 });
        return r;
      },
    };
  }

  it('runs a case the watchdog cut short again with a patient watchdog: agreeing then, it is slow, not divergent', async () => {
    const out = tmp();
    const s = await runFuzz({ cases: 5, seed: 9, extensions: [], on: { kernel: cutShort(false), profile: '7.3' }, foundDir: join(out, 'f'), outDir: out });
    expect(s).toMatchObject({ ok: true, divergent_cases: 0, divergences: 0, slow: [{ name: 'fuzz-9-0', watchdog: 1 }] });
    expect(formatSummary(s, out)).toMatch(/slow: 1 case that the watchdog cut short agreed when run again .*\(fuzz-9-0\): not divergences/);
  });

  it('still counts a case that diverges with the patient watchdog too', async () => {
    const out = tmp();
    const s = await runFuzz({ cases: 5, seed: 9, extensions: [], shrinkPerClass: 1, maxRounds: 2, on: { kernel: cutShort(true), profile: '7.3' }, foundDir: join(out, 'f'), outDir: out });
    expect(s.ok).toBe(false);
    expect(s.divergent_cases).toBe(1);
    expect(s.slow).toEqual([]);
  });
});
