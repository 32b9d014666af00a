import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { initScript } from '../src/init-script.js';

const script = initScript({
  modules: [
    [{ file: 'failover.ko', params: [] }, { file: 'virtio_net.ko', params: [] }],
    [{ file: 'nvme_core.ko', params: [] }, { file: 'nvme.ko', params: ['poll_queues=1'] }],
  ],
  runner: ['/runner', '/scenarios/all.prog'],
  waitFor: '/dev/nvme0n1',
});

describe('/init', () => {
  it('is valid shell', () => {
    execFileSync('sh', ['-n'], { input: script });
  });

  it('mounts, brings up lo, loads modules and runs the runner in that order', () => {
    const at = (s: string) => {
      const i = script.indexOf(s);
      expect(i, s).toBeGreaterThanOrEqual(0);
      return i;
    };
    const order = [
      'mount -t proc',
      'mount -t devtmpfs',
      'exec </dev/null >/dev/ttyS0 2>&1',
      'mount -t tmpfs tmp /tmp',
      'ip link set lo up',
      'insmod /lib/modules/failover.ko',
      'insmod /lib/modules/nvme.ko poll_queues=1',
      'echo "@@ - kernel $(uname -r)"',
      "'/runner' '/scenarios/all.prog'",
      '@@ - klog-begin',
      "sed 's/^/@@K /'",
      '@@ - klog-end',
      'poweroff -f',
    ].map(at);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('loads all but the last chain in the background and waits for them', () => {
    expect(script).toMatch(/^\( insmod \/lib\/modules\/failover\.ko .*\) &$/m);
    expect(script).toMatch(/^wait$/m);
  });
});
