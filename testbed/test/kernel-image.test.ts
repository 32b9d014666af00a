import { describe, expect, it } from 'vitest';
import { isElf, zstdPayload } from '../src/kernel-image.js';

/** A fake bzImage: setup header pointing at a zstd frame followed by the 4-byte size. */
function fakeBzImage(frame: number[]): Uint8Array {
  const setupSects = 3;
  const pmStart = (setupSects + 1) * 512;
  const payloadOffset = 0x40;
  const buf = new Uint8Array(pmStart + payloadOffset + frame.length + 4 + 16);
  const dv = new DataView(buf.buffer);
  buf[0x1f1] = setupSects;
  dv.setUint32(0x202, 0x53726448, true);
  dv.setUint32(0x248, payloadOffset, true);
  dv.setUint32(0x24c, frame.length + 4, true);
  buf.set(frame, pmStart + payloadOffset);
  return buf;
}

describe('zstdPayload', () => {
  it('cuts the frame out of the boot header fields, without the appended size', () => {
    const frame = [0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3];
    expect([...(zstdPayload(fakeBzImage(frame)) ?? [])]).toEqual(frame);
  });

  it('falls back to the first magic when there is no header', () => {
    const buf = new Uint8Array([0, 0, 0x28, 0xb5, 0x2f, 0xfd, 9]);
    expect([...(zstdPayload(buf) ?? [])]).toEqual([0x28, 0xb5, 0x2f, 0xfd, 9]);
    expect(zstdPayload(new Uint8Array(16))).toBeUndefined();
  });

  it('recognises ELF', () => {
    expect(isElf(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]))).toBe(true);
    expect(isElf(new Uint8Array([0x4d, 0x5a, 0, 0]))).toBe(false);
  });
});
