// Reliability of the command line: an option value that is an Object.prototype name is unknown,
// and a scenario file holding anything at all ends in a one-line typed error and exit code 1,
// never a stack trace. Counts of inputs tried and handled are printed at the end.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/index.js';

const counts = { tried: 0, handled: 0 };
afterAll(() => {
  console.log(`reliability cli: tried ${counts.tried}, handled ${counts.handled}`);
  expect(counts.handled).toBe(counts.tried);
});

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);
const dir = mkdtempSync(join(tmpdir(), 'uringlab-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('uringlab CLI on hostile input', () => {
  it('treats Object.prototype names as unknown --kernel and --format values', async () => {
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ name: 'ok', pins: 'a valid scenario to run', steps: [{ op: 'setup', ring: 'r', entries: 2 }] }));
    for (const n of PROTO_NAMES) {
      const k = await run(['run', join(dir, 'ok.json'), '--kernel', n]);
      const f = await run(['run', join(dir, 'ok.json'), '--format', n]);
      counts.tried += 2;
      if (k.code === 2 && /unknown --kernel/.test(k.err)) counts.handled++;
      if (f.code === 2 && /unknown --format/.test(f.err)) counts.handled++;
    }
  });

  it('answers a file of any content with one typed line and exit code 1', async () => {
    const contents = [
      '', 'not json', '{', '[]', 'null', '42', '"x"', '{"name":"x"}', '{"__proto__":{"steps":[]}}',
      JSON.stringify({ name: 'x', pins: 'a tmpfile of 1e12 bytes', steps: [{ op: 'tmpfile', name: 'f', size: 1e12 }] }),
      JSON.stringify({ name: 'x', pins: 'a register opcode named constructor', steps: [{ op: 'setup', ring: 'r', entries: 2 }, { op: 'register', ring: 'r', opcode: 'constructor' }] }),
      JSON.stringify({ name: 'x', pins: 'flags named __proto__', steps: [{ op: 'setup', ring: 'r', entries: 2, flags: ['toString'] }] }),
      JSON.stringify({ name: 'x'.repeat(64), pins: 'a name past the runner limit', steps: [{ op: 'setup', ring: 'r', entries: 2 }] }),
      '\u0000\u0001binary',
    ];
    for (const [i, c] of contents.entries()) {
      const file = join(dir, `bad${i}.json`);
      writeFileSync(file, c);
      const r = await run(['run', file]);
      counts.tried++;
      const lines = r.err.trim().split('\n');
      if (r.code === 1 && lines.length === 1 && /: [A-Z_]+: /.test(lines[0]!) && !/\bat \S+:\d+:\d+/.test(r.err)) counts.handled++;
      else console.log(`not handled: ${JSON.stringify(c).slice(0, 60)} -> ${r.code} ${r.err}`);
    }
  });
});
