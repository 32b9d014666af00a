import { describe, expect, it } from 'vitest';
import { scanSplats, stripTimestamp } from '../src/splats.js';

describe('scanSplats', () => {
  it('finds the usual kernel splats', () => {
    const lines = [
      '<4>[   10.1] WARNING: CPU: 1 PID: 80 at io_uring/io_uring.c:123 io_foo+0x1/0x2',
      '<1>[   10.2] BUG: unable to handle page fault for address: 0000000000001000',
      '<4>[   10.3] kernel BUG at mm/slub.c:400!',
      '<4>[   10.4] Oops: general protection fault, probably for non-canonical address',
      '<3>[   10.5] rcu: INFO: rcu_preempt self-detected stall on CPU',
      '<4>[   10.6] WARNING: possible circular locking dependency detected',
      '<3>[   10.7] BUG: KASAN: slab-use-after-free in io_req_complete',
      '<3>[   10.8] INFO: task kworker/0:1:42 blocked for more than 120 seconds.',
      '<0>[   10.9] Kernel panic - not syncing: Fatal exception',
    ];
    expect(scanSplats(lines)).toHaveLength(lines.length);
  });

  it('ignores ordinary boot messages', () => {
    const lines = [
      '[    0.1] rcu: Hierarchical RCU implementation.',
      '[    0.1] rcu: RCU calculated value of scheduler-enlistment delay is 25 jiffies.',
      '[    0.2] RCU Tasks: Setting shift to 1 and lim to 1 rcu_task_cb_adjust=1.',
      '<4>[    0.0] tsc: Unable to calibrate against PIT',
      '<4>[    0.7] mtrr: your CPUs had inconsistent fixed MTRR settings',
      '<5>[    2.5] failover: module verification failed: signature and/or required key missing - tainting kernel',
      '[    3.0] x86/mm: Checked W+X mappings: passed, no W+X pages found.',
    ];
    expect(scanSplats(lines)).toEqual([]);
  });

  it('counts a message seen on the console and in the log once', () => {
    expect(scanSplats(['[ 5.000001] BUG: x', '<1>[ 5.000001] BUG: x'])).toEqual(['BUG: x']);
  });

  it('strips level and timestamp', () => {
    expect(stripTimestamp('<4>[   12.345678] hello')).toBe('hello');
    expect(stripTimestamp('[ 1.5] hi')).toBe('hi');
  });
});
