// The example extension through the public API: its step compiles, its opcode runs on the
// model, and without the extension the opcode is a typed "not modelled" error.

import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRNO, runScenario, type ScenarioInput } from '@uringlab/ring';
import { extension } from '../src/index.js';

const dir = new URL('../scenarios/', import.meta.url);
const load = (name: string): ScenarioInput => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as ScenarioInput;
const results = (doc: ScenarioInput) =>
  runScenario(doc, { extensions: [extension] }).trace.flatMap((e) => (e.ev === 'cqe' ? [[Number(e.user_data), e.res] as const] : []));

describe('example: IORING_OP_FADVISE', () => {
  it('answers 0 for valid advice on a file and EINVAL for unknown advice', () => {
    expect(results(load('example-fadvise-file'))).toEqual([[1, 0], [2, 0], [3, 0], [4, -ERRNO.EINVAL]]);
  });

  it('fails on a pipe with ESPIPE and cancels what is linked after it', () => {
    expect(results(load('example-fadvise-pipe'))).toEqual([[1, -ERRNO.ESPIPE], [2, -ERRNO.ECANCELED]]);
  });

  it('checks the SQE at prep: a bad SQE fails and ends the submission batch', () => {
    expect(results(load('example-fadvise-prep'))).toEqual([[1, 0], [2, -ERRNO.EINVAL]]);
  });

  it('is a typed NOT_MODELLED error without the extension', () => {
    const run = runScenario(load('example-fadvise-pipe'));
    expect(JSON.stringify(run.trace.at(-1))).toMatch(/NOT_MODELLED: no loaded model implements IORING_OP_FADVISE/);
  });

  it('ships only scenarios named with its prefix', () => {
    expect(readdirSync(dir).every((f) => f.startsWith('example-fadvise-'))).toBe(true);
  });
});
