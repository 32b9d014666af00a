// Execution contexts and CPUs: what task code, io-wq workers, timers and device completions see.

import { describe, expect, it } from 'vitest';
import { Scheduler, type ExecContext } from '../src/sched.js';

interface Seen {
  context: ExecContext;
  cpu: number;
  inTask: boolean;
  inInterrupt: boolean;
}

function where(s: Scheduler): Seen {
  return { context: s.context, cpu: s.cpu, inTask: s.inTask(), inInterrupt: s.inInterrupt() };
}

const code = (c: string) => expect.objectContaining({ code: c });

describe('execution contexts', () => {
  it('task code runs in task context on the task CPU, 0 by default', () => {
    const s = new Scheduler({ nrCpus: 4 });
    expect(where(s)).toEqual({ context: 'task', cpu: 0, inTask: true, inInterrupt: false });
    expect(s.taskCpu).toBe(0);
  });

  it('punted work runs as an io-wq worker, in process context, on a CPU other than the task\'s', () => {
    const s = new Scheduler({ nrCpus: 4, seed: 7 });
    const seen: Seen[] = [];
    for (let i = 0; i < 20; i++) s.punt(() => seen.push(where(s)));
    expect(s.pendingWorkers).toBe(20);
    s.settle();
    expect(seen).toHaveLength(20);
    for (const w of seen) expect(w).toMatchObject({ context: 'iowq', inTask: true, inInterrupt: false });
    const cpus = new Set(seen.map((w) => w.cpu));
    expect(cpus.has(0)).toBe(false);
    expect(cpus.size).toBeGreaterThan(1);
    expect(where(s)).toMatchObject({ context: 'task', cpu: 0 });
  });

  it('picks the same worker CPUs for the same seed', () => {
    const cpusFor = (seed: number) => {
      const s = new Scheduler({ nrCpus: 8, seed });
      const out: number[] = [];
      for (let i = 0; i < 16; i++) s.punt(() => out.push(s.cpu));
      s.settle();
      return out;
    };
    expect(cpusFor(3)).toEqual(cpusFor(3));
    expect(cpusFor(3)).not.toEqual(cpusFor(4));
  });

  it('keeps the single CPU of a 1-CPU machine for workers', () => {
    const s = new Scheduler({ nrCpus: 1 });
    let cpu = -1;
    s.punt(() => (cpu = s.cpu));
    s.settle();
    expect(cpu).toBe(0);
  });

  it('fires timers in softirq on the task CPU by default, and device completions in hardirq where asked', () => {
    const s = new Scheduler({ nrCpus: 4 });
    const seen: Record<string, Seen> = {};
    s.after(10, () => (seen.timer = where(s)));
    s.after(20, () => (seen.irq = where(s)), { context: 'hardirq' });
    s.after(30, () => (seen.irq3 = where(s)), { context: 'hardirq', cpu: 3 });
    s.after(40, () => (seen.work = where(s)), { context: 'iowq', cpu: 2 });
    while (s.advance()) { /* run them all */ }
    expect(seen).toEqual({
      timer: { context: 'softirq', cpu: 0, inTask: false, inInterrupt: true },
      irq: { context: 'hardirq', cpu: 0, inTask: false, inInterrupt: true },
      irq3: { context: 'hardirq', cpu: 3, inTask: false, inInterrupt: true },
      work: { context: 'iowq', cpu: 2, inTask: true, inInterrupt: false },
    });
  });

  it('nests: an interrupt in a worker sees its own context, the worker gets its own back', () => {
    const s = new Scheduler({ nrCpus: 4, seed: 5 });
    const seen: Seen[] = [];
    s.punt(() => {
      seen.push(where(s));
      s.runIn('hardirq', s.cpu, () => seen.push(where(s)));
      s.onCpu(0, () => seen.push(where(s)));
      seen.push(where(s));
    });
    s.settle();
    const worker = seen[0]!.cpu;
    expect(seen.map((w) => [w.context, w.cpu])).toEqual([['iowq', worker], ['hardirq', worker], ['iowq', 0], ['iowq', worker]]);
  });
});

describe('task migration', () => {
  it('moves task code, default timers and worker choice with the task', () => {
    const s = new Scheduler({ nrCpus: 2 });
    s.migrateTask(1);
    expect(where(s)).toMatchObject({ context: 'task', cpu: 1 });
    expect(s.taskCpu).toBe(1);
    const seen: Seen[] = [];
    s.after(5, () => seen.push(where(s)));
    s.punt(() => seen.push(where(s)));
    s.runIn('task', 1, () => seen.push(where(s)));
    while (s.settle() || s.advance()) { /* run them all */ }
    expect(seen.map((w) => [w.context, w.cpu])).toEqual([['task', 1], ['iowq', 0], ['softirq', 1]]);
  });

  it('runs a task-context timer wherever the task is when it fires', () => {
    const s = new Scheduler({ nrCpus: 4 });
    let seen: Seen | undefined;
    s.after(10, () => (seen = where(s)), { context: 'task' });
    s.migrateTask(3);
    s.advance();
    expect(seen).toMatchObject({ context: 'task', cpu: 3 });
  });

  it('moves task code inside a running task frame too', () => {
    const s = new Scheduler({ nrCpus: 2 });
    const cpus: number[] = [];
    s.runIn('task', 0, () => {
      cpus.push(s.cpu);
      s.migrateTask(1);
      cpus.push(s.cpu);
    });
    expect(cpus).toEqual([0, 1]);
    expect(s.cpu).toBe(1);
  });

  it('refuses bad CPUs, task code off the task CPU, and sched_setaffinity from interrupts', () => {
    const s = new Scheduler({ nrCpus: 2 });
    for (const bad of [2, -1, 0.5, Number.NaN]) expect(() => s.migrateTask(bad)).toThrow(code('EINVAL'));
    expect(() => s.runIn('softirq', 2, () => 0)).toThrow(code('EINVAL'));
    expect(() => s.onCpu(5, () => 0)).toThrow(code('EINVAL'));
    expect(() => s.after(1, () => {}, { cpu: 9 })).toThrow(code('EINVAL'));
    expect(() => s.runIn('task', 1, () => 0)).toThrow(code('INTERNAL'));
    expect(() => s.after(1, () => {}, { context: 'task', cpu: 1 })).toThrow(code('INTERNAL'));
    expect(() => s.runIn('softirq', 1, () => s.migrateTask(1))).toThrow(code('INTERNAL'));
    expect(() => s.runIn('nmi' as ExecContext, 0, () => 0)).toThrow(code('EINVAL'));
    expect(s.taskCpu).toBe(0);
  });

  it('lets an io-wq worker move the task without moving itself', () => {
    const s = new Scheduler({ nrCpus: 4, seed: 2 });
    const seen: number[] = [];
    s.punt(() => {
      const mine = s.cpu;
      s.migrateTask(mine === 3 ? 2 : 3);
      seen.push(mine, s.cpu, s.taskCpu);
    });
    s.settle();
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).not.toBe(seen[0]);
    expect(s.cpu).toBe(seen[2]);
  });
});

describe('restoring context after a throw', () => {
  it('restores context and CPU when work run in place throws', () => {
    const s = new Scheduler({ nrCpus: 4 });
    s.migrateTask(2);
    expect(() => s.runIn('hardirq', 3, () => { throw new Error('boom'); })).toThrow('boom');
    expect(where(s)).toMatchObject({ context: 'task', cpu: 2 });
    expect(() => s.onCpu(1, () => { throw new Error('boom'); })).toThrow('boom');
    expect(s.cpu).toBe(2);
  });

  it('restores the worker context when a nested interrupt throws', () => {
    const s = new Scheduler({ nrCpus: 4, seed: 9 });
    const seen: Seen[] = [];
    s.punt(() => {
      const before = where(s);
      try {
        s.runIn('softirq', 0, () => { throw new Error('inner'); });
      } catch { /* handled by the worker */ }
      seen.push(before, where(s));
    });
    s.settle();
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]!.context).toBe('iowq');
  });

  it('restores task context when a timer throws, and later timers still run', () => {
    const s = new Scheduler({ nrCpus: 2 });
    const got: string[] = [];
    s.after(10, () => { throw new Error('timer'); }, { context: 'hardirq', cpu: 1 });
    s.after(20, () => got.push(`${s.context}@${s.cpu}`));
    expect(() => s.advance()).toThrow('timer');
    expect(where(s)).toMatchObject({ context: 'task', cpu: 0 });
    expect(s.advance()).toBe(true);
    expect(got).toEqual(['softirq@0']);
  });
});

describe('the clock', () => {
  it('never goes back, and refuses timers that could never fire', () => {
    const s = new Scheduler();
    s.now = 100;
    expect(() => (s.now = 99)).toThrow(code('INTERNAL'));
    expect(() => (s.now = Number.NaN)).toThrow(code('INTERNAL'));
    expect(s.now).toBe(100);
    expect(() => s.after(Infinity, () => {})).toThrow(code('EINVAL'));
    expect(() => s.after(Number.NaN, () => {})).toThrow(code('EINVAL'));
    s.after(-5, () => {});
    expect(s.pendingTimers).toBe(1);
    expect(s.settle()).toBe(true);
    expect(s.now).toBe(100);
  });

  it('rejects impossible machines', () => {
    expect(() => new Scheduler({ nrCpus: 0 })).toThrow(code('EINVAL'));
    expect(() => new Scheduler({ gracePeriodNs: 0 })).toThrow(code('EINVAL'));
  });
});
