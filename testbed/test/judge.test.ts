import { describe, expect, it } from 'vitest';
import { runOnModel } from '@uringlab/ring';
import { judge, skipReason } from '../src/judge.js';
import { loadSuite } from '../src/suite.js';
import { renderHtml, type RunSummary } from '../src/report.js';

const suite = await loadSuite();
const byName = (n: string) => suite.scenarios.find((s) => s.scenario.name === n)!;

describe('testbed suite', () => {
  it('loads every package scenario without errors', () => {
    expect(suite.errors).toEqual([]);
    expect(suite.scenarios.length).toBeGreaterThanOrEqual(50);
    expect(byName('cq-overflow-order').text).toMatch(/^scenario cq-overflow-order\n/);
  });

  it('keeps model-only scenarios off the kernel with their reason', () => {
    expect(byName('cq-dropped-ebadr').text).toBeUndefined();
    expect(skipReason(byName('cq-dropped-ebadr'), '7.3')).toMatch(/^model only: dropping a CQE/);
    expect(skipReason(byName('sqe-mixed-nop128'), '6.18')).toBe('applies to kernel 7.3 only');
  });

  it('filters by name and rejects a missing --scenarios path', async () => {
    const s = await loadSuite({ filter: /^setup-/ });
    expect(s.scenarios.every((x) => x.scenario.name.startsWith('setup-'))).toBe(true);
    await expect(loadSuite({ extra: ['/nonexistent/x.json'] })).rejects.toThrow(/no such file/);
  });
});

describe('judging', () => {
  const s = byName('link-failure-cancels');
  const records = runOnModel(s.program, { profile: '7.3' });

  it('agrees when the kernel printed what the model predicts', () => {
    expect(judge(s, '7.3', { id: s.scenario.name, records, status: 'ok' })).toMatchObject({ verdict: 'agree', alone: 'agree', together: 'agree' });
  });

  it('diverges with an explanation when one CQE differs', () => {
    const bad = records.map((r) => (r.startsWith('cqe r 02') ? r.replace(/^(cqe r 0200000000000000)83ffffff/, '$100000000') : r));
    expect(bad).not.toEqual(records);
    const v = judge(s, '7.3', { id: s.scenario.name, records: bad, status: 'ok' });
    expect(v.verdict).toBe('diverge');
    expect(v).toMatchObject({ alone: 'diverge', together: 'diverge' });
    expect(v.explanation).toMatch(/^with its own package's model \(core\) and with every extension loaded \(core \+ [^)]*\): .*kernel 0, model -125/);
  });

  it('reports runner skips as skips and crashes as divergences, never as passes', () => {
    expect(judge(s, '7.3', { id: 'x', records: ['skip nvme'], status: 'skip', reason: 'nvme' })).toMatchObject({ verdict: 'skip', reason: "requires nvme, which this kernel's machine lacks" });
    // A failure on the kernel's side is the same for both models, so it names neither.
    expect(judge(s, '7.3', { id: 'x', records: [], status: 'crash', reason: 'SIGSEGV' })).toMatchObject({ verdict: 'diverge', together: 'diverge', explanation: 'the runner crashed (SIGSEGV) on the kernel' });
    expect(judge(s, '7.3', undefined).verdict).toBe('diverge');
  });

  it('renders a self-contained report', () => {
    const v = judge(s, '7.3', { id: s.scenario.name, records, status: 'ok' });
    const summary: RunSummary = {
      kernel: '7.3.4', profile: '7.3', mode: 'vm', accel: 'tcg', scenarios: 1, agree: 1, diverge: 0, skipped: 0, judged_together: 1,
      boot_s: 3.1, wall_s: 9, timings: {}, layout: { checked: 10, mismatches: [] }, splats: [], invalid: [], notes: [], measurements: [], ok: true,
    };
    const html = renderHtml(summary, [v]);
    expect(html).toMatch(/<b class="pass">PASS<\/b>/);
    expect(html).toMatch(/link-failure-cancels/);
    // Self-contained: nothing fetched (the one script is inline, for the filter box).
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).not.toMatch(/<link\b|@import|url\(/);
  });
});
