// Debian ships a bzImage whose payload is one zstd frame. Under TCG the in-guest decompressor
// costs about 2 s per boot, so we unpack the ELF vmlinux once on the host; QEMU boots it
// directly through its PVH entry note (CONFIG_PVH=y).
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { InputHash, isCurrent, markCurrent } from './stamp.js';
import { which } from './host-tools.js';

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * Finds the compressed kernel inside a bzImage: the boot header's payload_offset and
 * payload_length (protocol ≥ 2.08) when they point at a zstd frame, else the first zstd magic.
 * The kernel build appends the uncompressed size (4 bytes) after the frame; it is cut off.
 */
export function zstdPayload(bz: Uint8Array): Uint8Array | undefined {
  const dv = new DataView(bz.buffer, bz.byteOffset, bz.byteLength);
  const isMagic = (at: number) => ZSTD_MAGIC.every((b, i) => bz[at + i] === b);
  if (bz.length > 0x250 && dv.getUint32(0x202, true) === 0x53726448 /* "HdrS" */) {
    const setupSects = bz[0x1f1] || 4;
    const start = (setupSects + 1) * 512 + dv.getUint32(0x248, true);
    const len = dv.getUint32(0x24c, true);
    if (isMagic(start) && start + len <= bz.length) return bz.subarray(start, start + len - 4);
  }
  for (let i = 0; i + 4 <= bz.length; i++) if (isMagic(i)) return bz.subarray(i);
  return undefined;
}

export function isElf(b: Uint8Array): boolean {
  return b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}

/** Returns the vmlinux path, or undefined when it cannot be made (then boot vmlinuz). */
export async function unpackVmlinux(vmlinuz: string, out: string): Promise<string | undefined> {
  const digest = new InputHash().text('vmlinux-v1').fileMeta(vmlinuz).digest();
  if (isCurrent(out, digest)) return out;
  if (!which('zstd')) return undefined;
  const frame = zstdPayload(readFileSync(vmlinuz));
  if (!frame) return undefined;
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.tmp`;
  // zstd stops at the end of the frame; trailing bytes would make it fail, hence the exact cut.
  const r = await execa('zstd', ['-d', '-q', '-f', '-o', tmp], { input: frame, reject: false });
  if (r.exitCode !== 0) return undefined;
  const head = new Uint8Array(4);
  const fd = openSync(tmp, 'r');
  readSync(fd, head, 0, 4, 0);
  closeSync(fd);
  if (!isElf(head)) return undefined;
  renameSync(tmp, out);
  markCurrent(out, digest);
  return out;
}
