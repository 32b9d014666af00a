// A writer (and, for tests, a reader) of the "newc" cpio format the kernel unpacks as its
// initramfs. Writing it ourselves avoids a host dependency and lets us create /dev/console
// without being root. Timestamps are 0 so equal inputs give byte-identical archives.

export type CpioEntry =
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'file'; path: string; data: Uint8Array; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const TRAILER = 'TRAILER!!!';

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => (4 - (n % 4)) % 4;

function header(f: {
  ino: number;
  mode: number;
  nlink: number;
  size: number;
  rdevMajor: number;
  rdevMinor: number;
  nameSize: number;
}): string {
  return (
    '070701' +
    [f.ino, f.mode, 0, 0, f.nlink, 0, f.size, 0, 0, f.rdevMajor, f.rdevMinor, f.nameSize, 0].map(hex8).join('')
  );
}

export function writeCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  const align = () => {
    const p = pad4(offset);
    if (p) push(Buffer.alloc(p));
  };
  const emit = (ino: number, mode: number, name: string, data: Uint8Array, rdev: [number, number] = [0, 0]) => {
    const nameBytes = Buffer.from(`${name}\0`, 'utf8');
    push(
      Buffer.from(
        header({
          ino,
          mode,
          nlink: (mode & 0o170000) === S_IFDIR ? 2 : 1,
          size: data.length,
          rdevMajor: rdev[0],
          rdevMinor: rdev[1],
          nameSize: nameBytes.length,
        }),
        'ascii',
      ),
    );
    push(nameBytes);
    align();
    push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    align();
  };
  let ino = 1;
  for (const e of entries) {
    const name = e.path.replace(/^\/+/, '');
    if (!name) throw new Error('cpio entry with an empty path');
    switch (e.type) {
      case 'dir':
        emit(ino++, S_IFDIR | (e.mode ?? 0o755), name, new Uint8Array());
        break;
      case 'file':
        emit(ino++, S_IFREG | (e.mode ?? 0o644), name, e.data);
        break;
      case 'symlink':
        emit(ino++, S_IFLNK | 0o777, name, Buffer.from(e.target, 'utf8'));
        break;
      case 'chardev':
        emit(ino++, S_IFCHR | (e.mode ?? 0o600), name, new Uint8Array(), [e.major, e.minor]);
        break;
    }
  }
  emit(0, 0, TRAILER, new Uint8Array());
  return Buffer.concat(parts);
}

export interface CpioRead {
  path: string;
  mode: number;
  data: Buffer;
  rdevMajor: number;
  rdevMinor: number;
}

/** Parses a newc archive (used by the tests to check the writer). */
export function readCpio(buf: Buffer): CpioRead[] {
  const out: CpioRead[] = [];
  let at = 0;
  for (;;) {
    if (buf.toString('ascii', at, at + 6) !== '070701') throw new Error(`bad cpio magic at ${at}`);
    const field = (i: number) => parseInt(buf.toString('ascii', at + 6 + i * 8, at + 14 + i * 8), 16);
    const mode = field(1);
    const size = field(6);
    const nameSize = field(11);
    const nameStart = at + 110;
    const path = buf.toString('utf8', nameStart, nameStart + nameSize - 1);
    const dataStart = nameStart + nameSize + pad4(110 + nameSize);
    if (path === TRAILER) return out;
    out.push({ path, mode, data: buf.subarray(dataStart, dataStart + size), rdevMajor: field(9), rdevMinor: field(10) });
    at = dataStart + size + pad4(size);
  }
}
