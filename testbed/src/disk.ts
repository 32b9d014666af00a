// Step 2c: the guest's NVMe disk, made fresh for every run so writes by one run never leak into
// the next. Pattern: byte i of 4 KiB block b is (b + i) & 0xff — the same bytes the protocol's
// `fill REGION OFF 4096 b` produces, so a scenario can predict any block's content.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export const DISK_BLOCK = 4096;
export const DISK_BYTES = 64 * 1024 * 1024;

export function diskByte(offset: number): number {
  return (Math.floor(offset / DISK_BLOCK) + (offset % DISK_BLOCK)) & 0xff;
}

/** The pattern repeats every 256 blocks (1 MiB), so one chunk is written over and over. */
export function patternChunk(): Buffer {
  const chunk = Buffer.alloc(256 * DISK_BLOCK);
  for (let b = 0; b < 256; b++) {
    for (let i = 0; i < DISK_BLOCK; i++) chunk[b * DISK_BLOCK + i] = (b + i) & 0xff;
  }
  return chunk;
}

export function writeDisk(path: string, bytes: number = DISK_BYTES): { path: string; ms: number } {
  const t0 = performance.now();
  if (bytes % (256 * DISK_BLOCK) !== 0) throw new Error('disk size must be a multiple of 1 MiB');
  mkdirSync(dirname(path), { recursive: true });
  const chunk = patternChunk();
  const fd = openSync(path, 'w');
  try {
    for (let off = 0; off < bytes; off += chunk.length) writeSync(fd, chunk, 0, chunk.length, off);
  } finally {
    closeSync(fd);
  }
  return { path, ms: performance.now() - t0 };
}
