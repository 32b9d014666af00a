import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe('uringlab rsrc plan', () => {
  it('prints both strategies for the seed pool', async () => {
    const r = await run(['rsrc', 'plan', '--pool', '900g', '--page-size', '1g', '--rings', '8']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^pool 900 GiB: 900 buffers of 1 GiB on 1 GiB pages \(235,929,600 base pages, 900 folios\), 8 rings, prices native-6\.18/);
    expect(r.out).toMatch(/register, per ring: 7\d\d\.\d ms {3}clone, per ring: \d+\.\d µs {3}ratio [\d,]+×/);
    expect(r.out).toMatch(/register the pool in each ring +\d\.\d\d s +7\.03 TiB +fits/);
    expect(r.out).toMatch(/register once, clone into the other rings +7\d\d\.\d ms +900 GiB +fits/);
    expect(r.out).toContain('registering once and cloning is 8.0× faster for 8 rings');
  });

  it('prints JSON and writes the HTML report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'uringlab-rsrc-'));
    const r = await run(['rsrc', 'plan', '--pool', '64m', '--page-size', '2m', '--rings', '3', '--memlock', '100m', '--json', '--html', `${dir}/p.html`]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.out) as { input: { bufferBytes: number }; shape: { buffers: number }; strategies: { id: string; enomemAtRing: number | null }[] };
    expect(plan.input.bufferBytes).toBe(2 * 1024 * 1024);
    expect(plan.shape.buffers).toBe(32);
    expect(plan.strategies.map((s) => [s.id, s.enomemAtRing])).toEqual([['register-each', 2], ['register-once-clone', null]]);
    const html = readFileSync(`${dir}/p.html`, 'utf8');
    expect(html).toContain('<svg class="plot ratio"');
    expect(html).toContain('<p class="answer">Register once and clone: 3 rings');
  });

  it('takes the 7.3 VM prices and limits', async () => {
    const r = await run(['rsrc', 'plan', '--pool', '8g', '--page-size', '1g', '--buffer-size', '2g', '--profile', 'vm-7.3']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/4 buffers of 2 GiB .* prices vm-7\.3 \(kernel 7\.3\)/);
  });

  it.each([
    [['--pool', '-1'], /^error: EINVAL: pool size must be positive, not -1\n$/],
    [['--pool', '1g', '--page-size', '3000'], /^error: EINVAL: page size must be a power of two from 4 KiB to 1 GiB/],
    [['--pool', '1g', '--rings', '0'], /^error: EINVAL: ring count must be a whole number of at least 1, not 0/],
    [['--pool', '1g', '--rings', 'two'], /^error: EINVAL: ring count must be a whole number/],
    [['--pool', '100t'], /^error: EINVAL: \d+ buffers of 1 GiB exceed IORING_MAX_REG_BUFFERS \(16384\)/],
    [['--pool', '4g', '--buffer-size', '2g'], /^error: EFAULT: a buffer of 2 GiB is past 6\.18's per-buffer cap of 1 GiB/],
    [['--pool', '200t', '--profile', 'vm-7.3'], /^error: ENOMEM: a pool of 200 TiB is larger than the x86-64 user address space/],
    [['--pool', 'huge'], /^error: EINVAL: pool size: "huge" is not a size/],
  ])('rsrc plan %j is a usage error', async (args, msg) => {
    const r = await run(['rsrc', 'plan', ...args]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(msg);
  });

  it('needs --pool and knows its profiles', async () => {
    expect((await run(['rsrc', 'plan'])).err).toMatch(/required option '--pool <SIZE>' not specified/);
    const bad = await run(['rsrc', 'plan', '--pool', '1g', '--profile', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Allowed choices are native-6\.18, vm-7\.3, seed/);
  });
});
