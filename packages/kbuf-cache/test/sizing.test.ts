// The sizing helper: deterministic, sensible, and usable from the CLI with text, JSON and HTML.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, kbufSize, renderHtml, suggestGroupSize, type SizingInput } from '../src/index.js';

const README_EXAMPLE: SizingInput = {
  connections: 32, rate: 2000, msgSize: [256, 4096], holdUs: 300, groupSize: 32, bufLen: 4096, mode: 'ring', durationMs: 100,
};

function capture(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = cli(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('kbufSize', () => {
  it('is deterministic for a given workload and seed', () => {
    expect(kbufSize(README_EXAMPLE)).toEqual(kbufSize(README_EXAMPLE));
    expect(kbufSize({ ...README_EXAMPLE, seed: 2 }).messages).not.toBe(kbufSize(README_EXAMPLE).messages);
  });

  it('an ample group never runs out; an undersized one hits ENOBUFS and ends multishot receives', () => {
    const ample = kbufSize({ ...README_EXAMPLE, groupSize: 256 });
    expect(ample.enobufs).toBe(0);
    expect(ample.multishotTerminations).toBe(0);
    expect(ample.bytesReceived).toBe(ample.bytesSent);
    const small = kbufSize({ ...README_EXAMPLE, groupSize: 8 });
    expect(small.enobufs).toBeGreaterThan(0);
    expect(small.terminations.ENOBUFS).toBe(small.multishotTerminations);
    expect(small.peakInUse).toBe(8);
  });

  it('occupancy stays within the group and the series covers the run', () => {
    const r = kbufSize(README_EXAMPLE);
    expect(r.peakInUse).toBeLessThanOrEqual(32);
    expect(r.meanInUse).toBeLessThanOrEqual(r.peakInUse);
    expect(r.series).toHaveLength(400);
    expect(Math.max(...r.series.map((p) => p.inUse))).toBe(r.peakInUse);
    expect(r.series.reduce((a, p) => a + p.enobufs, 0)).toBe(r.enobufs);
  });

  it('fixed-size messages that fill the buffer waste nothing; half-size ones waste half', () => {
    expect(kbufSize({ ...README_EXAMPLE, groupSize: 256, msgSize: 4096 }).wastedPct).toBe(0);
    expect(kbufSize({ ...README_EXAMPLE, groupSize: 256, msgSize: 2048 }).wastedPct).toBeCloseTo(50, 0);
  });

  it('incremental buffers pack several messages per buffer: fewer buffers out for the same load', () => {
    const ring = kbufSize(README_EXAMPLE);
    const inc = kbufSize({ ...README_EXAMPLE, mode: 'incremental' });
    expect(inc.enobufs).toBe(0);
    expect(inc.meanInUse).toBeLessThan(ring.meanInUse);
  });

  it('legacy groups and rings behave alike for single-buffer receives', () => {
    const a = kbufSize(README_EXAMPLE);
    const b = kbufSize({ ...README_EXAMPLE, mode: 'legacy' });
    expect([b.enobufs, b.peakInUse, b.wastedBytes]).toEqual([a.enobufs, a.peakInUse, a.wastedBytes]);
  });

  it('single-shot receives never count multishot terminations', () => {
    const r = kbufSize({ ...README_EXAMPLE, groupSize: 8, multishot: false });
    expect(r.multishotTerminations).toBe(0);
    expect(r.enobufs).toBeGreaterThan(0);
  });

  it('suggestGroupSize finds the smallest group without ENOBUFS', () => {
    const s = suggestGroupSize(README_EXAMPLE)!;
    expect(s.report.enobufs).toBe(0);
    expect(kbufSize({ ...README_EXAMPLE, groupSize: s.groupSize - 1 }).enobufs).toBeGreaterThan(0);
  });

  it('rejects a workload that makes no sense', () => {
    expect(() => kbufSize({ msgSize: [10, 5] })).toThrow(/min is larger/);
    expect(() => kbufSize({ groupSize: 0 })).toThrow();
  });
});

describe('sizing CLI and HTML', () => {
  it('prints the report, the suggestion, and writes a self-contained HTML page with the plot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbuf-size-'));
    const html = join(dir, 'r.html');
    const r = capture(['--connections', '32', '--rate', '2000', '--msg-size', '256-4096', '--hold-us', '300', '--group', '32', '--buf-len', '4096', '--suggest', '--html', html]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ENOBUFS\s+\d+/);
    expect(r.out).toMatch(/smallest group with no ENOBUFS: \d+/);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg');
    expect(page).toContain('<polyline');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('--json prints the report as JSON; --help prints usage; bad input exits 2', () => {
    const j = capture(['--group', '16', '--duration-ms', '20', '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out).workload.groupSize).toBe(16);
    expect(capture(['--help']).out).toContain('usage: uringlab-kbuf-size');
    expect(capture(['--mode', 'bogus']).code).toBe(2);
    expect(capture(['--msg-size', 'x']).code).toBe(2);
    expect(capture(['--nope']).code).toBe(2);
  });

  it('renderHtml escapes nothing it should not and holds the numbers', () => {
    const page = renderHtml(kbufSize({ ...README_EXAMPLE, durationMs: 10 }));
    expect(page).toContain('Provided-buffer sizing');
    expect(page).toContain('group size 32');
  });
});
