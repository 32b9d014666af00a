// The sizing helper: deterministic, sensible, and usable from the CLI with text, JSON and HTML.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cli, fmtBytes, fmtCount, fmtPct, kbufSize, renderHtml, suggestGroupSize, sweepGroupSizes, sweepSizes, type SizingInput,
} from '../src/index.js';

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

  it('suggestGroupSize finds the smallest group without ENOBUFS, reporting each run', () => {
    const runs: number[] = [];
    const s = suggestGroupSize(README_EXAMPLE, { onProgress: (p) => { if (!runs.includes(p.groupSize)) runs.push(p.groupSize); } })!;
    expect(s.report.enobufs).toBe(0);
    expect(s.report).toEqual(kbufSize({ ...README_EXAMPLE, groupSize: s.groupSize }));
    expect(kbufSize({ ...README_EXAMPLE, groupSize: s.groupSize - 1 }).enobufs).toBeGreaterThan(0);
    expect(runs.slice(0, 2)).toEqual([32, 64]);
    expect(runs[runs.length - 1]).toBe(s.groupSize);
  });

  it('sweeps group sizes around the answer', () => {
    expect(sweepSizes(40, 32)).toEqual([10, 20, 30, 32, 36, 40, 50, 60]);
    expect(sweepSizes(null, 32768)).toEqual([8192, 16384, 24576, 29491, 32768]);
    const pts = sweepGroupSizes(README_EXAMPLE, [8, 64]);
    expect(pts.map((p) => p.groupSize)).toEqual([8, 64]);
    expect(pts[0]!.enobufs).toBeGreaterThan(0);
    expect(pts[1]).toMatchObject({ enobufs: 0, fallbackRate: 0 });
  });

  it('an overloaded group never counts more ENOBUFS than messages: the loop re-arms one receive per free buffer', () => {
    // 256 connections want 51 buffers on average (Little's law); 16 cannot keep up. Re-arming
    // every waiting receive for each returned buffer made ENOBUFS outnumber messages ~60 to 1.
    const r = kbufSize({ connections: 256, groupSize: 16, durationMs: 40 });
    expect(r.enobufs).toBeGreaterThan(0);
    expect(r.enobufs).toBeLessThanOrEqual(r.messages);
    expect(r.fallbackRate).toBeCloseTo(r.enobufs / r.cqes, 12);
    expect(r.fallbackRate).toBeLessThan(1);
  });

  it('takes more connections than the SQ has entries', () => {
    const r = kbufSize({ connections: 600, groupSize: 2048, durationMs: 5 });
    expect(r.messages).toBeGreaterThan(0);
    expect(r.enobufs).toBe(0);
    expect(r.bytesReceived).toBe(r.bytesSent);
  });

  it('reports progress through virtual time, ending at 1; stopAtEnobufs ends a run at its first ENOBUFS', () => {
    const seen: number[] = [];
    kbufSize({ ...README_EXAMPLE, durationMs: 20 }, { onProgress: (d) => seen.push(d) });
    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(1);
    const early = kbufSize({ ...README_EXAMPLE, groupSize: 8 }, { stopAtEnobufs: true });
    expect(early.enobufs).toBe(1);
    expect(early.messages).toBeLessThan(kbufSize({ ...README_EXAMPLE, groupSize: 8 }).messages);
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
    expect(r.out).toMatch(/sweep {13}\d+: \d+, /);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/Smallest group with no ENOBUFS: 35 buffers<\/strong> \(35 &times; 4\.0 KiB = 140\.0 KiB, a ring of 64 entries\)/);
    expect(page.match(/<svg /g)).toHaveLength(2);
    expect(page).toContain('aria-label="ENOBUFS and fallback rate against group size"');
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('--sweep runs the sizes given; a bad list exits 2', () => {
    const j = capture(['--group', '8', '--duration-ms', '20', '--sweep', '4,16', '--json']);
    expect(j.code).toBe(0);
    expect((JSON.parse(j.out) as { sweep: { groupSize: number }[] }).sweep.map((p) => p.groupSize)).toEqual([4, 16]);
    const bad = capture(['--sweep', '4,x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--sweep takes group sizes from 1 to 32768/);
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

  it('renderHtml: human units, the mean line, values on hover, the answer or how to get it', () => {
    const r = kbufSize(README_EXAMPLE);
    const page = renderHtml(r);
    expect(page).toContain('Provided-buffer sizing');
    expect(page).toContain('group 32');
    // Bytes in MiB/KiB, counts grouped: no raw byte counts such as 13963190.
    expect(page).toContain(`${fmtBytes(r.bytesSent)} sent`);
    expect(page).not.toContain(String(r.bytesSent));
    expect(page).toContain(`${fmtCount(r.messages)} (`);
    // The mean line sits at the mean.
    expect(page).toMatch(new RegExp(`<line class="mean"[^>]*/><text[^>]*>mean ${r.meanInUse.toFixed(1)}</text>`));
    // One hover band per series bucket, each with a tooltip and a readout.
    expect(page.match(/<g class="hv">/g)).toHaveLength(r.series.length);
    expect(page).toMatch(/<title>0\.00-0\.25 ms: up to \d+ of 32 buffers in use<\/title>/);
    expect(page).toContain('.plot .hv:hover .tip{display:inline}');
    expect(page).toContain('Run with <code>--suggest</code>');
    expect(page.match(/<svg /g)).toHaveLength(1);
    const sweep = sweepGroupSizes(README_EXAMPLE, [16, 35]);
    const withSweep = renderHtml(r, { suggestion: { groupSize: 35, report: r }, sweep });
    expect(withSweep.match(/<svg /g)).toHaveLength(2);
    expect(withSweep).toContain('suggested 35');
    expect(withSweep).toMatch(new RegExp(`<title>group 16: ${fmtCount(sweep[0]!.enobufs)} ENOBUFS, fallback ${fmtPct(sweep[0]!.fallbackRate).replace('.', '\\.')}, `));
    expect(renderHtml(r, { suggestion: null })).toContain('No group of up to 32,768 buffers avoids ENOBUFS');
  });

  it('formats bytes, counts and shares for people', () => {
    expect(fmtBytes(13963190)).toBe('13.3 MiB');
    expect(fmtBytes(512)).toBe('512 B');
    expect(fmtBytes(4096)).toBe('4.0 KiB');
    expect(fmtBytes(3 * 2 ** 30)).toBe('3.0 GiB');
    expect(fmtCount(24225878)).toBe('24,225,878');
    expect(fmtCount(999)).toBe('999');
    expect(fmtPct(0)).toBe('0%');
    expect(fmtPct(0.0037)).toBe('0.37%');
    expect(fmtPct(0.5)).toBe('50.0%');
    expect(fmtPct(0.00001)).toBe('<0.01%');
  });
});
