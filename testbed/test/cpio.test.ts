import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCpio, writeCpio, type CpioEntry } from '../src/cpio.js';

const entries: CpioEntry[] = [
  { type: 'dir', path: 'bin' },
  { type: 'file', path: '/bin/busybox', data: Buffer.from('ELF...'), mode: 0o755 },
  { type: 'symlink', path: 'bin/sh', target: 'busybox' },
  { type: 'chardev', path: 'dev/console', major: 5, minor: 1 },
  { type: 'file', path: 'init', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
  { type: 'file', path: 'empty', data: new Uint8Array() },
];

function hasCpio(): boolean {
  try {
    execFileSync('cpio', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('writeCpio', () => {
  it('round-trips through the reader', () => {
    const back = readCpio(writeCpio(entries));
    expect(back.map((e) => e.path)).toEqual(['bin', 'bin/busybox', 'bin/sh', 'dev/console', 'init', 'empty']);
    expect(back[1]?.data.toString()).toBe('ELF...');
    expect(back[1]?.mode).toBe(0o100755);
    expect(back[2]?.data.toString()).toBe('busybox');
    expect((back[2]?.mode ?? 0) & 0o170000).toBe(0o120000);
    expect(back[3]).toMatchObject({ mode: 0o020600, rdevMajor: 5, rdevMinor: 1 });
    expect(back[5]?.data.length).toBe(0);
  });

  it('aligns every header to 4 bytes and ends with the trailer', () => {
    const buf = writeCpio(entries);
    expect(buf.length % 4).toBe(0);
    expect(buf.includes(Buffer.from('TRAILER!!!\0'))).toBe(true);
  });

  it('is deterministic', () => {
    expect(writeCpio(entries).equals(writeCpio(entries))).toBe(true);
  });

  if (!hasCpio()) console.warn('cpio cross-check skipped: GNU cpio is not installed (apt-get install cpio)');
  it.runIf(hasCpio())('is read by GNU cpio', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'cpio-')), 'a.cpio');
    writeFileSync(f, writeCpio(entries));
    const listing = execFileSync('cpio', ['-it', '--quiet', '-F', f], { encoding: 'utf8' });
    expect(listing.trim().split('\n')).toEqual(['bin', 'bin/busybox', 'bin/sh', 'dev/console', 'init', 'empty']);
  });
});
