// The primitives the eventfd work added to the program: writemem, poll and time, in text and on
// the model executor, and `time` events left out of the verdict.

import type { ScenarioInput } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { compileScenario, decodeRecords, diffTraces, opToText, parseScenario, runOnModel, runScenario } from '../src/index.js';

const doc = {
  name: 'prim', pins: 'writemem, poll and time on the model',
  steps: [
    { op: 'eventfd', name: 'e', flags: ['NONBLOCK'] },
    { op: 'write', fd: 'e', hex: '0500000000000000' },
    { op: 'poll', fd: 'e', events: ['IN', 'OUT'], timeout_ms: 10 },
    { op: 'read', fd: 'e', len: 8 },
    { op: 'poll', fd: 'e', events: ['IN'], timeout_ms: 10 },
  ],
};

describe('program primitives', () => {
  it('have a text form the runner reads', () => {
    expect(opToText({ op: 'writemem', fd: 'e', region: 'R', off: 0, len: 8 })).toBe('writemem e R 0 8');
    expect(opToText({ op: 'poll', fd: 'e', events: 1, timeoutMs: -1 })).toBe('poll e 1 -1');
    expect(opToText({ op: 'time', name: 'reg', inner: { op: 'read', fd: 'e', len: 8 } })).toBe('time reg read e 8');
    expect(opToText({ op: 'time', name: 'x', inner: { op: 'inject', ring: 'r', what: 'overflow_alloc_fail', n: 1 } })).toBeNull();
  });

  it('write with hex goes through writemem; poll waits and reports revents', () => {
    const { trace } = runScenario(doc as ScenarioInput);
    expect(trace.map((e) => e.ev)).toEqual(['fd', 'io', 'poll', 'io', 'poll']);
    expect(trace[1]).toMatchObject({ ev: 'io', res: 8 });
    expect(trace[2]).toMatchObject({ ev: 'poll', res: 1, revents: ['IN', 'OUT'] });
    expect(trace[3]).toMatchObject({ ev: 'io', res: 8, hex: '0500000000000000' });
    expect(trace[4]).toMatchObject({ ev: 'poll', res: 0, revents: [] });
    expect(() => parseScenario({ ...doc, steps: [doc.steps[0]!, { op: 'write', fd: 'e', hex: '05', len: 1 }] })).not.toThrow();
    expect(() => compileScenario(parseScenario({ ...doc, steps: [doc.steps[0]!, { op: 'write', fd: 'e', hex: '05', len: 1 }] }))).toThrow(/not both/);
  });

  it('time records the model figure after the inner records, and the diff leaves times out', () => {
    const sc = parseScenario({ name: 't', pins: 'a timed read', steps: [{ op: 'eventfd', name: 'e', initval: 1 }] });
    const program = compileScenario(sc);
    const timedProgram = { ...program, ops: [...program.ops, { op: { op: 'time' as const, name: 'rd', inner: { op: 'read' as const, fd: 'e', len: 8 } }, step: 0 }] };
    const records = runOnModel(timedProgram);
    expect(records[1]).toMatch(/^io e 8 /);
    expect(records[2]).toMatch(/^time rd \d+$/);
    const model = decodeRecords(timedProgram, records);
    const kernel = model.map((e) => (e.ev === 'time' ? { ...e, ns: 123456 } : e));
    expect(model.find((e) => e.ev === 'time')).toMatchObject({ name: 'rd' });
    expect(diffTraces(model, kernel).agree).toBe(true);
    expect(diffTraces(model, kernel.filter((e) => e.ev !== 'time')).agree).toBe(true);
  });
});
