// Rebuild-only-what-changed: an output is current when the hash of its inputs, stored beside
// it as OUTPUT.stamp, matches. Inputs are described by content or by (path, size, mtime).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

export class InputHash {
  private readonly h = createHash('sha256');

  text(s: string): this {
    this.h.update(`t${s.length}:${s}`);
    return this;
  }

  bytes(b: Uint8Array): this {
    this.h.update(`b${b.length}:`).update(b);
    return this;
  }

  /** Cheap file identity: fetched and built files are replaced, never edited in place. */
  fileMeta(path: string): this {
    const st = statSync(path);
    return this.text(`${path}|${st.size}|${st.mtimeMs}`);
  }

  fileContent(path: string): this {
    return this.bytes(readFileSync(path));
  }

  digest(): string {
    return this.h.digest('hex');
  }
}

export function isCurrent(output: string, digest: string): boolean {
  const stamp = `${output}.stamp`;
  return existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest;
}

export function markCurrent(output: string, digest: string): void {
  writeFileSync(`${output}.stamp`, digest);
}
