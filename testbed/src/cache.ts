// The download cache, verified. Every .deb gets a record beside it (`X.deb.verified`: size,
// sha256, mtime) when it is downloaded, or, for one fetched before records existed, from apt's
// signed index. A later run checks the size every time and the hash whenever the file changed,
// so a truncated or overwritten package is caught. Every unpacked tree keeps a manifest of its
// files (size, mtime) in `.complete`; a tree whose files differ is unpacked again from its
// (verified) package. Half-unpacked `.partial-PID` folders of processes that are gone are removed.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Expected {
  size: number;
  sha256: string;
}

export interface DebRecord extends Expected {
  mtimeMs: number;
  /** download: hashed right after apt-get download checked it; apt-index: matched apt's index; first-use: nothing to compare with. */
  source: 'download' | 'apt-index' | 'first-use';
}

export type Check = { ok: true } | { ok: false; why: string };

export const recordPath = (deb: string) => `${deb}.verified`;

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

function readRecord(deb: string): DebRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(recordPath(deb), 'utf8')) as DebRecord;
    return typeof r.size === 'number' && typeof r.sha256 === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Hashes the file and writes its record; throws when it does not match `expected`. */
export async function recordDeb(deb: string, source: DebRecord['source'], expected?: Expected): Promise<DebRecord> {
  const st = statSync(deb);
  const sha256 = await sha256File(deb);
  if (expected && (expected.size !== st.size || expected.sha256 !== sha256)) {
    throw new Error(`${deb}: ${st.size} bytes, sha256 ${sha256}; apt's index says ${expected.size} bytes, sha256 ${expected.sha256}`);
  }
  const rec: DebRecord = { size: st.size, sha256, mtimeMs: st.mtimeMs, source };
  writeFileSync(recordPath(deb), `${JSON.stringify(rec)}\n`);
  return rec;
}

/**
 * Checks a cached package against its record. One without a record is compared with `expected`
 * (apt's index) when that is known, and recorded either way.
 */
export async function checkDeb(deb: string, expected?: () => Promise<Expected | undefined>): Promise<Check> {
  if (!existsSync(deb)) return { ok: false, why: 'the file is missing' };
  const st = statSync(deb);
  const rec = readRecord(deb);
  if (rec) {
    if (st.size !== rec.size) return { ok: false, why: `it has ${st.size} bytes; ${rec.size} were recorded when it was downloaded` };
    if (st.mtimeMs === rec.mtimeMs) return { ok: true };
    const sha = await sha256File(deb);
    if (sha !== rec.sha256) return { ok: false, why: `its sha256 ${sha} differs from the ${rec.sha256} recorded when it was downloaded` };
    writeFileSync(recordPath(deb), `${JSON.stringify({ ...rec, mtimeMs: st.mtimeMs })}\n`);
    return { ok: true };
  }
  const exp = await expected?.();
  try {
    await recordDeb(deb, exp ? 'apt-index' : 'first-use', exp);
  } catch (e) {
    return { ok: false, why: (e as Error).message.replace(/^[^:]+: /, '') };
  }
  return { ok: true };
}

// ---- unpacked trees ----

export interface TreeManifest {
  version: 1;
  /** Relative path → [size, mtimeMs] of every regular file. */
  files: Record<string, [number, number]>;
}

const MARK = '.complete';

function walk(dir: string, out: string[] = [], root = dir): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out, root);
    else if (e.isFile() && !(dir === root && e.name === MARK)) out.push(p);
  }
  return out;
}

/** Writes the manifest of a freshly unpacked tree (its last step: the tree is complete). */
export function writeTreeManifest(dir: string): void {
  const files: TreeManifest['files'] = {};
  for (const p of walk(dir)) {
    const st = statSync(p);
    files[relative(dir, p)] = [st.size, st.mtimeMs];
  }
  writeFileSync(join(dir, MARK), JSON.stringify({ version: 1, files } satisfies TreeManifest));
}

/**
 * Whether an unpacked tree is whole. `missing`: never completed. A `.complete` from before
 * manifests (empty) is accepted when no file changed after it was written, and then upgraded.
 */
export function checkTree(dir: string): Check | { ok: false; missing: true; why: string } {
  const mark = join(dir, MARK);
  if (!existsSync(mark)) return { ok: false, missing: true, why: 'not unpacked' };
  const text = readFileSync(mark, 'utf8');
  let m: TreeManifest | undefined;
  try {
    m = text.trim() ? (JSON.parse(text) as TreeManifest) : undefined;
  } catch {
    return { ok: false, why: `${mark} is damaged` };
  }
  if (!m) {
    // Written by dpkg-deb -x then `.complete` last: a file changed since then is damaged.
    const done = statSync(mark).mtimeMs;
    for (const p of walk(dir)) if (statSync(p).mtimeMs > done + 1) return { ok: false, why: `${p} changed after it was unpacked` };
    writeTreeManifest(dir);
    return { ok: true };
  }
  for (const [rel, [size, mtimeMs]] of Object.entries(m.files)) {
    const p = join(dir, rel);
    let st;
    try {
      st = statSync(p);
    } catch {
      return { ok: false, why: `${p} is missing` };
    }
    if (st.size !== size) return { ok: false, why: `${p} has ${st.size} bytes, ${size} when unpacked` };
    if (st.mtimeMs !== mtimeMs) return { ok: false, why: `${p} changed after it was unpacked` };
  }
  return { ok: true };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `NAME.partial-PID` and `.refetch-PID` folders whose process is gone; returns what went. */
export function cleanStale(dirs: readonly string[]): string[] {
  const removed: string[] = [];
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      const m = /(?:\.partial-|^\.refetch-)(\d+)$/.exec(name);
      if (!m || alive(Number(m[1]))) continue;
      rmSync(join(d, name), { recursive: true, force: true });
      removed.push(join(d, name));
    }
  }
  return removed;
}
