import { describe, expect, it } from 'vitest';
import { supervise } from '../src/proc.js';

describe('supervise', () => {
  it('streams output and reports a normal exit', async () => {
    let out = '';
    const r = await supervise('sh', ['-c', 'echo one; echo two'], { hardTimeoutMs: 5000, onStdout: (c) => (out += c) });
    expect(out).toBe('one\ntwo\n');
    expect(r).toMatchObject({ exitCode: 0, killedFor: undefined, timedOut: false });
  });

  it('kills the whole group at the hard timeout', async () => {
    const r = await supervise('sh', ['-c', 'sleep 30 & sleep 30'], { hardTimeoutMs: 300, onStdout: () => {} });
    expect(r.timedOut).toBe(true);
    expect(r.killedFor).toMatch(/hard timeout/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('kills a silent child', async () => {
    const r = await supervise('sh', ['-c', 'echo hi; sleep 30'], {
      hardTimeoutMs: 10_000,
      silenceTimeoutMs: 300,
      onStdout: () => {},
    });
    expect(r.killedFor).toMatch(/no output/);
  });

  it('kills at once when stderr says so', async () => {
    const r = await supervise('sh', ['-c', 'echo "KVM internal error" >&2; sleep 30'], {
      hardTimeoutMs: 10_000,
      onStdout: () => {},
      onStderr: (c) => (c.includes('KVM internal error') ? 'kvm failed' : undefined),
    });
    expect(r).toMatchObject({ killedFor: 'kvm failed', timedOut: false });
  });
});
