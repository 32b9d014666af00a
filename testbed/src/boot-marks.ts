// When to stop booting the unpacked vmlinux and fall back to Debian's vmlinuz for good. One failed
// boot proves little (a busy host, a killed QEMU), so the mark needs REQUIRED_FAILURES failures in
// a row of the same image, each one a boot that never reached /init while vmlinuz, booted right
// after, did. The mark file keeps the image's identity and why each boot failed; a vmlinux that
// boots clears it, and a new image (a different size or mtime) starts counting from zero.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';

export const REQUIRED_FAILURES = 2;

export interface ImageId {
  size: number;
  mtimeMs: number;
}

export interface BootFailure {
  at: string;
  reason: string;
}

export interface BootMarks {
  image: ImageId;
  failures: BootFailure[];
}

export function imageId(path: string): ImageId | undefined {
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

const same = (a: ImageId, b: ImageId) => a.size === b.size && a.mtimeMs === b.mtimeMs;

/** The failures recorded for this image (none when the file is absent, unreadable or about another image). */
export function readMarks(file: string, image: ImageId | undefined): BootFailure[] {
  if (!image || !existsSync(file)) return [];
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as BootMarks;
    return m.image && same(m.image, image) && Array.isArray(m.failures) ? m.failures : [];
  } catch {
    return []; // an older plain-text mark, or a damaged one: it proves nothing
  }
}

/** Whether the image failed often enough to skip it, and why, in words for the run's notes. */
export function markedBad(file: string, image: ImageId | undefined): { bad: boolean; why: string } {
  const f = readMarks(file, image);
  const why = f.map((x) => `${x.at}: ${x.reason}`).join('; ');
  return { bad: f.length >= REQUIRED_FAILURES, why };
}

/** Adds a failure; returns how many this image has now. */
export function recordFailure(file: string, image: ImageId | undefined, reason: string, now = new Date()): number {
  if (!image) return 0;
  const failures = [...readMarks(file, image), { at: now.toISOString(), reason }];
  const marks: BootMarks = { image, failures };
  writeFileSync(file, `${JSON.stringify(marks, null, 2)}\n`);
  return failures.length;
}

/** The image booted: earlier failures were not its fault. */
export function clearFailures(file: string): void {
  rmSync(file, { force: true });
}
