import { describe, expect, it } from 'vitest';
import { parseMadison } from '../src/kernel-resolve.js';
import { compareAbi, guestPackages, loadPins, parseKernelSelector, pickKernelAbi } from '../src/versions.js';

const pins = loadPins();
const names = [
  'linux-binary-7.2.12+deb13-amd64',
  'linux-binary-7.2.13+deb14-amd64',
  'linux-binary-7.2.9+deb13-amd64',
  'linux-binary-7.3.4+deb13-amd64',
  'linux-binary-7.3.4+deb13-cloud-amd64',
  'linux-binary-unsigned-7.3.4+deb13-amd64',
];

describe('kernel pins', () => {
  it('pins the 7.3.4 kernel, libc-dev, liburing and busybox', () => {
    const pkgs = guestPackages(pins, pins.kernel).map((p) => `${p.name}=${p.version}`);
    expect(pkgs).toEqual([
      'linux-binary-7.3.4+deb13-amd64=7.3.4-1~bpo13+1',
      'linux-modules-7.3.4+deb13-amd64=7.3.4-1~bpo13+1',
      'linux-base-7.3.4+deb13-amd64=7.3.4-1~bpo13+1',
      'linux-libc-dev=7.3.4-1~bpo13+1',
      'liburing-dev=2.15-1',
      'liburing2=2.15-1',
      'busybox-static=1:1.38.0-3+b1',
    ]);
  });

  it('parses selectors', () => {
    expect(parseKernelSelector(undefined, pins)).toEqual({ kind: 'pinned', pin: pins.kernel });
    expect(parseKernelSelector('7.2', pins)).toEqual({ kind: 'upstream', prefix: '7.2' });
    expect(parseKernelSelector('7.2.13+deb14-amd64', pins)).toEqual({ kind: 'abi', abi: '7.2.13+deb14-amd64' });
    expect(parseKernelSelector('7.2.13+deb14-amd64=7.2.13-1', pins)).toEqual({
      kind: 'exact',
      pin: { abi: '7.2.13+deb14-amd64', version: '7.2.13-1' },
    });
    expect(() => parseKernelSelector('latest', pins)).toThrow(/not understood/);
  });

  it('picks the newest plain-flavour ABI for a version prefix', () => {
    expect(pickKernelAbi(names, { kind: 'upstream', prefix: '7.2' })).toBe('7.2.13+deb14-amd64');
    expect(pickKernelAbi(names, { kind: 'upstream', prefix: '7.2.9' })).toBe('7.2.9+deb13-amd64');
    expect(pickKernelAbi(names, { kind: 'upstream', prefix: '7.3' })).toBe('7.3.4+deb13-amd64');
    expect(pickKernelAbi(names, { kind: 'upstream', prefix: '7.4' })).toBeUndefined();
    expect(compareAbi('7.2.9+deb13-amd64', '7.2.12+deb13-amd64')).toBeLessThan(0);
  });

  it('reads apt-cache madison output', () => {
    const text =
      ' linux-binary-7.2.13+deb14-amd64 |   7.2.13-1 | http://deb.debian.org/debian sid/main amd64 Packages\n';
    expect(parseMadison(text)).toEqual(['7.2.13-1']);
  });
});
