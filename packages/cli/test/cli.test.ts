import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/index.js';
import pkg from '../package.json' with { type: 'json' };

const SCENARIOS = fileURLToPath(new URL('../../ring/scenarios/', import.meta.url));
const KBUF_SCENARIOS = fileURLToPath(new URL('../../kbuf-cache/scenarios/', import.meta.url));

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

function lines(out: string): { ev: string; [k: string]: unknown }[] {
  return out.trim().split('\n').map((l) => JSON.parse(l) as { ev: string });
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'uringlab-cli-'));
}

describe('uringlab run', () => {
  it('prints a scenario line, then the trace as JSONL', async () => {
    const r = await run(['run', `${SCENARIOS}/nop-basic.json`]);
    expect(r.code).toBe(0);
    const ev = lines(r.out);
    expect(ev[0]).toMatchObject({ ev: 'scenario', name: 'nop-basic', kernel: '7.3' });
    expect(ev.filter((e) => e.ev === 'cqe')).toHaveLength(3);
  });

  it('prints a table and honours --kernel', async () => {
    const r = await run(['run', `${SCENARIOS}/probe.json`, '--kernel', '6.18', '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/step\s+event\s+on\s+res/);
    expect(r.out).toMatch(/"last_op":62/);
  });

  it('marks every scenario of a folder run, and says on stderr what ran', async () => {
    const r = await run(['run', SCENARIOS]);
    expect(r.code).toBe(0);
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json'));
    const heads = lines(r.out).filter((e) => e.ev === 'scenario');
    expect(heads).toHaveLength(files.length);
    expect(new Set(heads.map((h) => h.name)).size).toBe(files.length);
    expect(r.err).toBe(`${files.length} scenarios on 7.3: ${files.length} ran, 0 skipped, 0 failed\n`);
  });

  it('skips scenarios whose kernels field leaves out the profile, as the testbed does', async () => {
    const r = await run(['run', SCENARIOS, '--kernel', '6.18']);
    expect(r.code).toBe(0);
    const skipped = lines(r.out).filter((e) => e.ev === 'scenario' && e.skipped);
    expect(skipped.map((e) => e.name)).toContain('sqe-mixed-nop128');
    expect(skipped[0]!.skipped).toBe('applies to kernel 7.3 only');
    expect(r.err).toContain('skip sqe-mixed-nop128: applies to kernel 7.3 only');
    expect(r.err).toMatch(new RegExp(`${skipped.length} skipped, 0 failed`));
  });

  it('reports an invalid scenario as a typed error with exit code 1', async () => {
    const dir = tmp();
    writeFileSync(`${dir}/bad.json`, JSON.stringify({ name: 'bad', pins: 'a broken scenario file', steps: [{ op: 'setup', ring: 'r' }] }));
    const r = await run(['run', `${dir}/bad.json`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/SCENARIO_INVALID: bad: step 0 \(setup\): entries/);
  });

  it('names file:line:column of a JSON syntax error', async () => {
    const dir = tmp();
    writeFileSync(`${dir}/broken.json`, '{\n  "name": "x",\n  "pins": "a file with a missing comma"\n  "steps": []\n}\n');
    const r = await run(['run', `${dir}/broken.json`]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${dir}/broken.json:4:3: expected ',' or '}' after a property value, found "\\""\n`);
    const l = await run(['list', `${dir}/broken.json`]);
    expect(l.code).toBe(1);
    expect(l.err).toContain('broken.json:4:3');
  });

  it('reports a model error on stderr and exits 1', async () => {
    const dir = tmp();
    writeFileSync(`${dir}/m.json`, JSON.stringify({
      name: 'model-error', pins: 'an opcode the model does not have',
      steps: [{ op: 'setup', ring: 'r', entries: 2 }, { op: 'sqe', ring: 'r', sqe: { opcode: 'OPENAT' } }, { op: 'enter', ring: 'r', to_submit: 1 }],
    }));
    const r = await run(['run', `${dir}/m.json`]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/m\.json: model error at step \d+: /);
  });

  it('runs the scenarios an installed package ships, by package name', async () => {
    const r = await run(['run', '@uringlab/kbuf-cache', '--kernel', '6.18']);
    expect(r.code).toBe(0);
    const n = readdirSync(KBUF_SCENARIOS).filter((f) => f.endsWith('.json')).length;
    expect(lines(r.out).filter((e) => e.ev === 'scenario')).toHaveLength(n);
  });

  it('loads an extra extension with --extension', async () => {
    const ext = fileURLToPath(new URL('../../../examples/extension-fadvise/src/index.ts', import.meta.url));
    const scenario = fileURLToPath(new URL('../../../examples/extension-fadvise/scenarios/example-fadvise-file.json', import.meta.url));
    expect((await run(['run', scenario])).err).toMatch(/unknown step op "fadvise.advise"/);
    const r = await run(['run', scenario, '--extension', ext]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect((await run(['run', scenario, '--extension', '@nope/missing'])).err).toBe('error: --extension @nope/missing: no such module or installed package\n');
  });
});

describe('uringlab list', () => {
  it('lists an installed package\'s shipped scenarios', async () => {
    const r = await run(['list', '@uringlab/kbuf-cache']);
    expect(r.code).toBe(0);
    const n = readdirSync(KBUF_SCENARIOS).filter((f) => f.endsWith('.json')).length;
    expect(r.out.trim().split('\n')).toHaveLength(n);
    expect(r.out).toMatch(/^kbuf-[a-z0-9-]+: .{10,}/m);
  });

  it('marks scenarios limited to some kernels', async () => {
    const r = await run(['list', `${SCENARIOS}/sqe-mixed-nop128.json`]);
    expect(r.out).toMatch(/\[kernel 7\.3 only\]\n$/);
  });
});

describe('usage', () => {
  it('an unknown command is an unknown command, with a suggestion when one is close', async () => {
    const r = await run(['frob', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: unknown command 'frob'/);
    expect((await run(['rn', 'x.json'])).err).toMatch(/Did you mean run\?/);
  });

  it('suggests the option a typo meant', async () => {
    const r = await run(['run', 'x.json', '--kernal', '6.18']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option '--kernal'\n\(Did you mean --kernel\?\)/);
    expect((await run(['size', '--conections', '4'])).err).toMatch(/Did you mean --connections\?/);
  });

  it('--version and per-command help go to stdout with exit code 0', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: `${pkg.version}\n`, err: '' });
    const h = await run(['run', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^Usage: uringlab run \[options\] <targets\.\.\.>/);
    expect(h.out).toContain('--kernel <id>');
    const top = await run(['--help']);
    expect(top.out).toMatch(/Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 /);
    expect((await run(['size', '--help'])).out).toContain('--suggest');
  });

  it('bad values, missing targets and no command exit 2 with a message on stderr', async () => {
    const k = await run(['run', `${SCENARIOS}/nop-basic.json`, '--kernel', '5.4']);
    expect(k.code).toBe(2);
    expect(k.err).toMatch(/argument '5\.4' is invalid\. Allowed choices are 7\.3, 6\.18/);
    expect((await run(['run'])).code).toBe(2);
    const missing = await run(['run', '/nonexistent.json']);
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toBe('error: no such file or folder: /nonexistent.json\n');
    expect((await run(['list', '@uringlab/does-not-exist'])).err).toBe('error: no file, folder or installed package named @uringlab/does-not-exist\n');
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: uringlab');
  });
});

describe('uringlab size', () => {
  it('runs the provided-buffer sizing helper of @uringlab/kbuf-cache', async () => {
    const r = await run(['size', '--connections', '4', '--group', '8', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as Record<string, unknown>;
    expect(report).toHaveProperty('enobufs');
    expect(report).toHaveProperty('fallbackRate');
  });

  it('reports search progress on stderr when asked, and the answer on stdout', async () => {
    const r = await run(['size', '--connections', '8', '--group', '2', '--duration-ms', '20', '--suggest', '--progress']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/smallest group with no ENOBUFS: \d+/);
    expect(r.err).toMatch(/^simulating: group 2\nsearching: group 2 \(run 1\)\nsearching: group 4 \(run 2\)\n/);
    expect((await run(['size', '--connections', '8', '--group', '2', '--duration-ms', '20', '--suggest'])).err).toBe('');
  });

  it('reads a workload file and names the place of a JSON error in it', async () => {
    const dir = tmp();
    writeFileSync(`${dir}/w.json`, '{ "connections": 4, "groupSize": 8, }');
    const r = await run(['size', '--workload', `${dir}/w.json`]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${dir}/w.json:1:37: a trailing comma before }\n`);
    writeFileSync(`${dir}/w.json`, '{ "connections": 4, "groupSize": 8 }');
    expect((await run(['size', '--workload', `${dir}/w.json`, '--json'])).out).toMatch(/"groupSize": 8/);
  });
});
