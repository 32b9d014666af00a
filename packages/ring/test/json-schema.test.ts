// The published scenario schema discriminates on `op`: every shipped scenario validates, and a
// misspelt op or field is an error an editor shows (here: ajv, a JSON Schema 2020-12 validator).

import { readFileSync, readdirSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../src/extend.js';

const dirOf = (rel: string) => new URL(rel, import.meta.url);
const load = (dir: URL) => readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8'))] as const);

const published = JSON.parse(readFileSync(dirOf('../scenario.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validate = ajv.compile(published);
const doc = (steps: object[]) => ({ name: 'x', pins: 'a scenario for the schema test', steps: [{ op: 'setup', ring: 'r', entries: 4 }, ...steps] });

describe('scenario.schema.json', () => {
  it('is what the step schemas generate (run `pnpm build` after changing a step)', () => {
    expect(published).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('accepts every shipped core scenario and every kbuf or example scenario (extension ops pass as namespaced)', () => {
    const all = [...load(dirOf('../scenarios/')), ...load(dirOf('../../kbuf-cache/scenarios/')), ...load(dirOf('../../../examples/extension-fadvise/scenarios/'))];
    expect(all.length).toBeGreaterThan(150);
    for (const [f, d] of all) expect(validate(d) ? f : [f, validate.errors]).toBe(f);
  });

  it('flags a misspelt op, a misspelt field and a wrong type', () => {
    expect(validate(doc([{ op: 'setpu', ring: 'r', entries: 4 }]))).toBe(false);
    expect(validate.errors!.some((e) => e.instancePath === '/steps/1/op')).toBe(true);
    expect(validate(doc([{ op: 'reap', ring: 'r', maxx: 2 }]))).toBe(false);
    expect(validate.errors!.some((e) => e.keyword === 'additionalProperties' && e.params.additionalProperty === 'maxx')).toBe(true);
    expect(validate(doc([{ op: 'enter', ring: 'r', to_submit: 'one' }]))).toBe(false);
    expect(validate(doc([{ op: 'reap', ring: 'r' }, { op: 'myext.go', anything: 1 }]))).toBe(true);
  });

  it('with an extension described, its ops are checked too', () => {
    const v = ajv.compile(JSON.parse(readFileSync(dirOf('../../kbuf-cache/scenario.schema.json'), 'utf8')) as object);
    for (const [f, d] of load(dirOf('../../kbuf-cache/scenarios/'))) expect(v(d) ? f : [f, v.errors]).toBe(f);
    expect(v(doc([{ op: 'kbuf.provid', ring: 'r', bgid: 1, nbufs: 1, len: 1, addr: 0 }]))).toBe(false);
    expect(v(doc([{ op: 'kbuf.provide', ring: 'r', bgid: 1, nbufs: 1, len: 1, adr: 0 }]))).toBe(false);
    expect(v(doc([{ op: 'other.step', x: 1 }]))).toBe(true);
  });
});
