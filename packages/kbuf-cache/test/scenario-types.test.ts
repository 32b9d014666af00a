// The scenario type is a discriminated union over `op`: core and kbuf steps type-check, typos
// do not. `pnpm typecheck` checks this file: each expected error below fails it if the typo
// under it ever type-checks.

import { describe, expect, it } from 'vitest';
import { runScenario, type ScenarioInput, type ScenarioStep } from '@uringlab/ring';
import { kbufExtension, type KbufStep } from '../src/index.js';

const provide: KbufStep = { op: 'kbuf.provide', ring: 'r', bgid: 1, nbufs: 2, len: 64, addr: { region: 'bufs' }, bid: 10 };

const good: ScenarioInput = {
  name: 'typed', pins: 'a typed scenario with core and kbuf steps',
  steps: [
    { op: 'setup', ring: 'r', entries: 8 },
    { op: 'region', name: 'bufs', size: 4096 },
    provide,
    { op: 'enter', ring: 'r', to_submit: 1, min_complete: 1, flags: ['GETEVENTS'] },
    { op: 'reap', ring: 'r' },
  ],
};

// @ts-expect-error: no step is called 'setpu'
const typoOp: ScenarioStep = { op: 'setpu', ring: 'r', entries: 8 };
// @ts-expect-error: setup has `entries`, not `entires`
const typoField: ScenarioStep = { op: 'setup', ring: 'r', entires: 8 };
// @ts-expect-error: kbuf.provide's bgid is a number
const typoKbuf: ScenarioStep = { op: 'kbuf.provide', ring: 'r', bgid: 'one', nbufs: 1, len: 1, addr: 0 };

describe('ScenarioInput', () => {
  it('a typed scenario runs; the typos above are rejected at run time too', () => {
    const r = runScenario(good, { extensions: [kbufExtension()] });
    expect(r.trace.filter((e) => e.ev === 'cqe')).toHaveLength(1);
    for (const bad of [typoOp, typoField, typoKbuf]) {
      expect(() => runScenario({ name: 'bad', pins: 'a scenario with a typo in it', steps: [{ op: 'setup', ring: 'r', entries: 8 }, bad] }, { extensions: [kbufExtension()] }))
        .toThrow(/SCENARIO_INVALID/);
    }
  });
});
