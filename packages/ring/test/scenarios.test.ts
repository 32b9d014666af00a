import { describe, expect, it } from 'vitest';
import { compileScenario, isModelOnly, parseScenario, programToText, runScenario } from '../src/index.js';
import { cqes, events, loadScenario, scenarioNames, traceOf } from './helpers.js';

describe('shipped scenarios', () => {
  const names = scenarioNames();
  it('are at least 30, each pinning one behaviour in one line', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const n of names) {
      const d = loadScenario(n);
      expect(d.name).toBe(n);
      expect(String(d.pins)).not.toMatch(/\n/);
    }
  });

  it.each(names)('%s runs on both profiles without model errors and compiles for the runner', (n) => {
    const doc = loadScenario(n);
    const kernels = (doc.kernels as ('7.3' | '6.18')[] | undefined) ?? ['7.3', '6.18'];
    for (const kernel of kernels) {
      const r = runScenario(doc, { kernel });
      expect(r.trace.filter((e) => e.ev === 'error')).toEqual([]);
    }
    const p = compileScenario(parseScenario(doc));
    if (doc.modelOnly) expect(isModelOnly(p) || typeof doc.modelOnly === 'string').toBe(true);
    else expect(programToText(p)).toMatch(/^scenario /);
  });
});

describe('ring core behaviour (facts observed on 6.18, sources of 7.3)', () => {
  it('keeps global CQE order across overflow and holds SQ_CQ_OVERFLOW until the backlog drains', () => {
    const t = traceOf('cq-overflow-order');
    expect(cqes(t).map((c) => Number(c.user_data))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const rings = events(t, 'ring');
    expect(rings[0]).toMatchObject({ cq_tail: 8, sq_flags: ['CQ_OVERFLOW'], cq_overflow: 0 });
    expect(rings[1]!.sq_flags).toEqual(['CQ_OVERFLOW']);
    expect(rings.at(-1)!.sq_flags).toEqual([]);
  });

  it('wakes polls armed on one file newest first', () => {
    expect(cqes(traceOf('poll-wakes-newest-first')).map((c) => Number(c.user_data))).toEqual([4, 3, 2, 1]);
  });

  it('keeps the eventfd counter inside fs/eventfd.c\'s rules', () => {
    const io = events(traceOf('efd-counter-rules'), 'io').map((e) => e.errno ?? e.hex ?? e.res);
    expect(io).toEqual(['EAGAIN', 'EINVAL', 'EINVAL', 'EINVAL', 8, 'EAGAIN', 'EINVAL', 'feffffffffffffff', '0100000000000000', '0100000000000000', 'EAGAIN']);
  });

  it('does not flush the backlog without GETEVENTS', () => {
    const rings = events(traceOf('cq-overflow-no-flush-without-getevents'), 'ring');
    expect(rings[1]!.cq_tail).toBe(rings[2]!.cq_tail);
    expect(rings[2]!.sq_flags).toEqual(['CQ_OVERFLOW']);
    expect(rings[3]!.cq_tail).toBeGreaterThan(rings[2]!.cq_tail);
  });

  it('queues new completions behind the backlog even when the ring has room', () => {
    const t = traceOf('cq-overflow-new-cqes-queue-behind');
    expect(cqes(t).map((c) => Number(c.user_data))).toEqual([1, 2, 3, 4, 5, 6, 10]);
  });

  it('counts a dropped CQE in cq_overflow and reports EBADR exactly once', () => {
    const t = traceOf('cq-dropped-ebadr');
    const enters = events(t, 'enter').map((e) => e.errno ?? e.res);
    expect(enters.slice(-2)).toEqual(['EBADR', 'EINTR']);
    expect(events(t, 'ring').at(-1)!.cq_overflow).toBe(1);
  });

  it('suppresses successful CQEs with CQE_SKIP_SUCCESS but posts failures', () => {
    expect(cqes(traceOf('skip-success')).map((c) => c.user_data)).toEqual(['2']);
    expect(cqes(traceOf('skip-success-on-failure')).map((c) => c.errno)).toEqual(['EINVAL']);
  });

  it('hides the cancelled tail of a link whose failing member skips success (6.18 observed)', () => {
    expect(cqes(traceOf('link-skip-chain')).map((c) => [c.user_data, c.res])).toEqual([['2', -22]]);
  });

  it('cancels the rest of a failed link, and HARDLINK continues', () => {
    expect(cqes(traceOf('link-failure-cancels')).map((c) => c.res)).toEqual([-5, -125, -125]);
    expect(cqes(traceOf('hardlink-continues')).map((c) => c.res)).toEqual([-5, 0]);
    expect(cqes(traceOf('link-init-failure')).map((c) => [c.user_data, c.res])).toEqual([['1', -125], ['2', -22], ['3', -125]]);
  });

  it('fails IO_DRAIN with EOPNOTSUPP once CQE_SKIP_SUCCESS was used (6.18 observed)', () => {
    expect(cqes(traceOf('drain-after-skip')).map((c) => c.res)).toEqual([0, -95, -95]);
  });

  it('runs a drained request after everything before it', () => {
    expect(cqes(traceOf('drain-orders')).map((c) => c.user_data)).toEqual(['1', '2', '3', '4']);
  });

  it('rejects BUFFER_SELECT on NOP with EOPNOTSUPP (6.18 observed)', () => {
    expect(cqes(traceOf('nop-buffer-select'))[0]!.res).toBe(-95);
  });

  it('stops the batch at an invalid opcode unless SUBMIT_ALL', () => {
    const t = traceOf('invalid-opcode');
    expect(events(t, 'enter')[0]!.res).toBe(1);
    expect(cqes(t).map((c) => c.res)).toEqual([-22]);
    expect(events(traceOf('submit-all'), 'enter')[0]!.res).toBe(2);
  });

  it('counts dropped SQ array entries and ends the batch there', () => {
    const t = traceOf('sq-dropped');
    expect(events(t, 'enter')[0]!.res).toBe(0);
    expect(events(t, 'ring')[0]!.sq_dropped).toBe(1);
    expect(cqes(t).map((c) => c.user_data)).toEqual(['2']);
  });

  it('returns off/addr in big_cqe on CQE32 rings and pads CQE_MIXED rings with a SKIP CQE', () => {
    expect(cqes(traceOf('cqe32-nop'))[0]!.big_cqe).toEqual(['17', '42']);
    const mixed = cqes(traceOf('cqe-mixed-filler'));
    expect(mixed.some((c) => c.flags.includes('SKIP'))).toBe(true);
    expect(mixed.at(-1)).toMatchObject({ user_data: '9', flags: ['32'], big_cqe: ['5', '6'] });
  });

  it('waits on an empty pipe and completes once data arrives', () => {
    const t = traceOf('pipe-read-waits');
    expect(events(t, 'ring')[0]!.cq_tail).toBe(0);
    expect(cqes(t)[0]!.res).toBe(10);
    expect(events(t, 'mem')[0]!.hex).toBe('030405060708090a0b0c');
  });

  it('answers PROBE with last_op 64 on 7.3 and 62 on 6.18', () => {
    const m73 = events(traceOf('probe', '7.3'), 'mem')[0]!;
    const m618 = events(traceOf('probe', '6.18'), 'mem')[0]!;
    expect(m73.fields).toMatchObject({ last_op: 64, ops_len: 4 });
    expect(m618.fields).toMatchObject({ last_op: 62 });
  });
});
