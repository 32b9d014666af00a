import { describe, expect, it } from 'vitest';
import { collectConsole, programScenarioIds, RecordCollector } from '../src/records.js';

describe('programScenarioIds', () => {
  it('lists scenario ids in order, ignoring comments and operations', () => {
    const text = '# header\nscenario a.1\n  setup r0 8 p 0\nend\nscenario b-2\nend\n';
    expect(programScenarioIds(text)).toEqual(['a.1', 'b-2']);
  });
});

describe('RecordCollector', () => {
  it('collects records between begin and end, and the kernel release', () => {
    const c = collectConsole(
      [
        'SeaBIOS (version x)',
        '@@ - kernel 7.3.4+deb13-amd64',
        '@@ s1 begin',
        '@@ s1 setup r0 3 00ff',
        '@@ s1 enter r0 1',
        '@@ s1 end',
        '@@ - runner-exit 0',
        '@@ - klog-begin',
        '@@K <4>[    1.000000] hello',
        '@@ - klog-end',
        '',
      ].join('\r\n'),
      ['s1'],
    );
    expect(c.kernelRelease).toBe('7.3.4+deb13-amd64');
    const s1 = c.scenarios.get('s1');
    expect(s1?.status).toBe('ok');
    expect(s1?.records).toEqual(['setup r0 3 00ff', 'enter r0 1']);
    expect(c.kernelLog).toEqual(['<4>[    1.000000] hello']);
    expect(c.kernelLogComplete).toBe(true);
    expect(c.meta).toContain('runner-exit 0');
    expect(c.other).toEqual(['SeaBIOS (version x)']);
  });

  it('takes `watchdog N` as the count of calls the watchdog ended, not as a trace record', () => {
    const c = collectConsole('@@ s1 begin\n@@ s1 enter r0 -4\n@@ s1 watchdog 1\n@@ s1 end\n@@ s2 begin\n@@ s2 end\n', ['s1', 's2']);
    expect(c.scenarios.get('s1')).toMatchObject({ records: ['enter r0 -4'], watchdog: 1 });
    expect(c.scenarios.get('s2')?.watchdog).toBeUndefined();
  });

  it('keeps the first kernel line (init and runner both print one)', () => {
    const c = collectConsole('@@ - kernel A\n@@ - kernel B\n');
    expect(c.kernelRelease).toBe('A');
  });

  it('marks skip, crash and timeout with their reasons', () => {
    const c = collectConsole(
      '@@ a begin\n@@ a skip needs nvme\n@@ a end\n' +
        '@@ b begin\n@@ b enter r0 1\n@@ b crash 11\n@@ b end\n' +
        '@@ c begin\n@@ c timeout\n@@ c end\n',
    );
    expect(c.scenarios.get('a')).toMatchObject({ status: 'skip', reason: 'needs nvme', records: ['skip needs nvme'] });
    expect(c.scenarios.get('b')).toMatchObject({ status: 'crash', reason: 'signal 11' });
    expect(c.scenarios.get('c')).toMatchObject({ status: 'timeout' });
  });

  it('reports expected scenarios that never began as missing', () => {
    const c = collectConsole('@@ a begin\n@@ a end\n', ['a', 'b']);
    expect(c.scenarios.get('b')).toMatchObject({ status: 'missing' });
    expect([...c.scenarios.keys()]).toEqual(['a', 'b']);
  });

  it('marks a scenario left open by an interrupted run', () => {
    const col = new RecordCollector(['a', 'b']);
    col.write('@@ a begin\n@@ a enter r0 -4\n');
    const c = col.result({ status: 'timeout', reason: 'hard timeout after 60 s' });
    expect(c.scenarios.get('a')).toMatchObject({ status: 'timeout', reason: 'hard timeout after 60 s' });
    expect(c.scenarios.get('b')).toMatchObject({ status: 'missing', reason: 'hard timeout after 60 s' });
  });

  it('handles chunks split mid-line', () => {
    const col = new RecordCollector();
    for (const ch of ['@@ x be', 'gin\n@@ x cq', 'e r0 00\n@@ x end', '\n']) col.write(ch);
    expect(col.result().scenarios.get('x')).toMatchObject({ status: 'ok', records: ['cqe r0 00'] });
  });

  it('splits a record that starts mid-line after console noise', () => {
    const c = collectConsole('Booting from ROM..@@ - kernel 7.3\n');
    expect(c.kernelRelease).toBe('7.3');
    expect(c.other).toEqual(['Booting from ROM..']);
  });

  it('times scenarios with the clock it is given', () => {
    let now = 0;
    const ends: number[] = [];
    const col = new RecordCollector([], { onEnd: (r) => ends.push(r.ms ?? -1) }, () => now);
    col.write('@@ a begin\n');
    now = 25;
    col.write('@@ a end\n');
    expect(ends).toEqual([25]);
    expect(col.firstBeginAt).toBe(0);
  });

  it('scans the raw console for splats when the kernel log did not come back', () => {
    const c = collectConsole('@@ a begin\n[    5.1] BUG: kernel NULL pointer dereference, address: 0\n');
    expect(c.kernelLogComplete).toBe(false);
    expect(c.splats).toEqual(['BUG: kernel NULL pointer dereference, address: 0']);
  });
});
