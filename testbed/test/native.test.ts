import { describe, expect, it } from 'vitest';
import { ioUringDisabledReason, setupAllRefused } from '../src/native.js';

describe('io_uring availability on the host', () => {
  it('reads kernel.io_uring_disabled', () => {
    expect(ioUringDisabledReason('0\n', false)).toBeUndefined();
    expect(ioUringDisabledReason(undefined, false)).toBeUndefined();
    expect(ioUringDisabledReason('2\n', true)).toMatch(/disabled/);
    expect(ioUringDisabledReason('1\n', true)).toBeUndefined();
    expect(ioUringDisabledReason('1\n', false)).toMatch(/restricted/);
  });

  it('notices when every setup is refused', () => {
    expect(setupAllRefused([{ records: ['setup r0 -1 00'] }, { records: ['setup r0 -38 00'] }])).toBe(true);
    expect(setupAllRefused([{ records: ['setup r0 -1 00'] }, { records: ['setup r0 3 00'] }])).toBe(false);
    expect(setupAllRefused([{ records: ['skip root'] }])).toBe(false);
  });
});
