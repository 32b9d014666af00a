// Reliability, class 4: what comes back from an executor. A model bug is a typed INTERNAL error
// record without a stack (the stack goes to the debug log); an error names the step that failed,
// an `sqe` step included; a record that does not parse (cut short in transport, garbled) becomes
// a TRACE_INVALID event, never an exception; and read(2)/write(2) on a blocking fd agree with
// what a program sees on the kernel (the runner's watchdog ends a wait nothing else ends).

import type { ScenarioInput } from '../src/index.js';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  IOU_COMPLETE, IORING_OP, compileScenario, decodeRecords, defineExtension, diffTraces, opFlags, parseScenario, runOnModel,
  runScenario, type OpDef, type TraceEvent,
} from '../src/extend.js';
import { expectHandled, reportTallies } from './reliability-tally.js';
import { loadScenario, scenarioNames } from './helpers.js';

/** Scenario documents built loosely here (as parsed JSON would be) go through the typed entry as data. */
const runLoose = (doc: unknown, opts?: Parameters<typeof runScenario>[1]) => runScenario(doc as ScenarioInput, opts);

reportTallies('reliability traces');

const buggy: OpDef = {
  opcode: IORING_OP.SYNC_FILE_RANGE, name: 'SYNC_FILE_RANGE', ...opFlags('SYNC_FILE_RANGE'),
  prep: () => {
    const o = undefined as unknown as { len: number };
    return o.len; // a TypeError, as a model bug would throw
  },
  issue: () => IOU_COMPLETE,
};
const buggyExt = defineExtension({ name: '@x/buggy', ops: [buggy] });
const fsyncDoc = {
  name: 'bug', pins: 'an opcode whose model throws a TypeError',
  steps: [{ op: 'setup', ring: 'r', entries: 2 }, { op: 'sqe', ring: 'r', sqe: { opcode: 'SYNC_FILE_RANGE', user_data: 1 } }, { op: 'enter', ring: 'r', to_submit: 1 }],
};
const errors = (t: readonly TraceEvent[]) => t.filter((e): e is Extract<TraceEvent, { ev: 'error' }> => e.ev === 'error');

describe('model errors', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('records an internal exception as a typed INTERNAL error at its step, with no stack in the message', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const r = runLoose(fsyncDoc, { extensions: [buggyExt] });
    const [e] = errors(r.trace);
    expectHandled('internal', 'TypeError in an op', e?.code === 'INTERNAL' && e.step === 2 && /TypeError/.test(e.message) && !/\bat \S+:\d+/.test(e.message), JSON.stringify(e));
    expect(e?.message).toMatch(/^INTERNAL: operation \d+ \(enter\): TypeError: .* \(a bug in the model; set URINGLAB_DEBUG=1 to log its stack\)$/);
    expect(write).not.toHaveBeenCalled();
  });

  it('sends the stack to the debug log when URINGLAB_DEBUG is set', () => {
    vi.stubEnv('URINGLAB_DEBUG', '1');
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => (lines.push(String(s)), true));
    const [e] = errors(runLoose(fsyncDoc, { extensions: [buggyExt] }).trace);
    expectHandled('internal', 'debug log', lines.some((l) => /\[uringlab debug\] operation \d+ \(enter\): TypeError: [\s\S]*\n\s+at /.test(l)), lines.join(''));
    expect(e?.message).not.toMatch(/\n/);
  });

  it('names the sqe step an error happened in, not step -1', () => {
    // Three SQEs into a two-entry SQ with no enter between: the third has no slot.
    const r = runLoose({
      name: 'sq-full', pins: 'an sqe step that cannot be placed',
      steps: [{ op: 'setup', ring: 'r', entries: 2 }, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP' } }, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP' } },
        { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP' } }, { op: 'enter', ring: 'r', to_submit: 3 }],
    });
    const [e] = errors(r.trace);
    expectHandled('steps', 'sq full', e?.step === 3 && /SQ of ring r is full/.test(e.message), JSON.stringify(e));
  });

  it('attributes a runner error (its line mapped to the operation) to that operation\'s step', () => {
    const p = compileScenario(parseScenario({
      name: 'e', pins: 'errors at operations that print nothing',
      steps: [{ op: 'setup', ring: 'r', entries: 2 }, { op: 'sqe', ring: 'r', sqe: { opcode: 'NOP' } }, { op: 'enter', ring: 'r', to_submit: 1 }],
    }));
    const setupRec = runOnModel(p).find((r) => r.startsWith('setup '))!;
    p.ops.forEach((o, i) => {
      // What the runner printed before it failed at operation i: the setup record, once setup ran.
      const before = p.ops.slice(0, i).some((x) => x.op.op === 'setup') ? [setupRec] : [];
      const got = errors(decodeRecords(p, [...before, `error ${i} no such thing`]));
      expectHandled('steps', `error at op ${i} (${o.op.op})`, got.length === 1 && got[0]!.step === o.step, JSON.stringify(got));
    });
  });
});

describe('malformed records', () => {
  const names = scenarioNames().filter((n) => !loadScenario(n).modelOnly).slice(0, 40);

  it('decodes a record cut short anywhere into a different trace, never an exception', () => {
    const runs = names.map((n) => {
      const p = compileScenario(parseScenario(loadScenario(n)));
      return { p, records: runOnModel(p) };
    }).filter((x) => x.records.length > 0);
    fc.assert(fc.property(fc.constantFrom(...runs), fc.nat(), fc.nat(), ({ p, records }, ri, cut) => {
      const i = ri % records.length;
      const rec = records[i]!;
      const short = rec.slice(0, cut % rec.length);
      const bad = [...records.slice(0, i), short, ...records.slice(i + 1)];
      let t: TraceEvent[] = [];
      let threw = '';
      try {
        t = decodeRecords(p, bad);
      } catch (e) {
        threw = String(e);
      }
      const good = decodeRecords(p, records);
      expectHandled('malformed', short, !threw && !diffTraces(good, t).agree, threw || 'the cut went unnoticed');
    }), { numRuns: 1000 });
  });

  it('turns garbage records into events, never an exception, and malformed ones into TRACE_INVALID', () => {
    const p = compileScenario(parseScenario({ name: 'g', pins: 'garbage from the transport', steps: [{ op: 'setup', ring: 'r', entries: 2 }, { op: 'reap', ring: 'r' }] }));
    fc.assert(fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (recs) => {
      let n = -1;
      let threw = '';
      try {
        n = decodeRecords(p, recs).length;
      } catch (e) {
        threw = String(e);
      }
      expectHandled('malformed', recs, !threw && n >= 1, threw);
    }), { numRuns: 500 });
    for (const rec of ['setup r', 'setup r 3 zz', 'setup r 3 00', 'setup r x', 'cqe r 0011', 'cqe r', 'reaped r -1', 'reaped r x', 'reaped r 1 2', 'ring r sq_head=1', 'ring r a=b', 'what r 1']) {
      const t = decodeRecords(p, [rec]);
      expectHandled('malformed', rec, t.some((e) => e.ev === 'error' && e.code === 'TRACE_INVALID' && e.message.startsWith('malformed record')), JSON.stringify(t));
    }
  });
});

describe('blocking read(2) and write(2) agree with the kernel', () => {
  it('reads of an empty pipe or zero eventfd end with -EINTR after the watchdog; a full pipe write returns what fit', () => {
    for (const [name, expected] of [
      ['read-empty-pipe-blocks', ['EINTR', 5, 5, 0]],
      ['read-eventfd-zero-blocks', ['EINTR', 'EAGAIN', 8]],
      ['write-full-pipe-blocks', [65536, 'EINTR', 'EPIPE']],
    ] as const) {
      for (const kernel of ['7.3', '6.18'] as const) {
        const io = runLoose(loadScenario(name), { kernel }).trace.filter((e) => e.ev === 'io').map((e) => ('errno' in e && e.errno) || ('res' in e ? e.res : '?'));
        expectHandled('blocking', `${name} on ${kernel}`, JSON.stringify(io) === JSON.stringify(expected), JSON.stringify(io));
      }
    }
  });
});
