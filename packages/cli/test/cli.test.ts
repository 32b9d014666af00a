import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { main } from '../src/index.js';

const SCENARIOS = fileURLToPath(new URL('../../ring/scenarios/', import.meta.url));

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('uringlab CLI', () => {
  it('runs a scenario and prints JSONL', async () => {
    const r = await run(['run', `${SCENARIOS}/nop-basic.json`]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { ev: string });
    expect(lines.filter((e) => e.ev === 'cqe')).toHaveLength(3);
  });

  it('prints a table and honours --kernel', async () => {
    const r = await run(['run', `${SCENARIOS}/probe.json`, '--kernel', '6.18', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/step\s+event\s+on\s+res/);
    expect(r.out).toMatch(/"last_op":62/);
  });

  it('runs every shipped scenario of a folder', async () => {
    const r = await run(['run', SCENARIOS]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });

  it('rejects bad arguments with exit code 2 and a message', async () => {
    expect((await run(['run', 'x.json', '--kernel', '5.4'])).err).toMatch(/unknown --kernel 5.4/);
    expect((await run(['run'])).code).toBe(2);
    expect((await run(['run', '/nonexistent.json'])).code).toBe(2);
  });

  it('reports an invalid scenario as a typed error with exit code 1', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/uringlab-cli-');
    writeFileSync(`${dir}/bad.json`, JSON.stringify({ name: 'bad', pins: 'a broken scenario file', steps: [{ op: 'setup', ring: 'r' }] }));
    const r = await run(['run', `${dir}/bad.json`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SCENARIO_INVALID: bad: step 0 \(setup\): entries/);
  });
});

describe('uringlab size', () => {
  it('runs the provided-buffer sizing helper of @uringlab/kbuf-cache', async () => {
    const r = await run(['size', '--connections', '4', '--group', '8', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as Record<string, unknown>;
    expect(report).toHaveProperty('enobufs');
  });
});

describe('extension packages', () => {
  it('runs scenarios with kbuf steps, loading @uringlab/kbuf-cache', async () => {
    const file = fileURLToPath(new URL('../../kbuf-cache/scenarios/kbuf-ring-recv-order.json', import.meta.url));
    const r = await run(['run', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const bids = r.out.trim().split('\n').map((l) => JSON.parse(l) as { ev: string; bid?: number }).filter((e) => e.ev === 'cqe').map((e) => e.bid);
    expect(bids.slice(0, 2)).toEqual([100, 101]);
  });
});
