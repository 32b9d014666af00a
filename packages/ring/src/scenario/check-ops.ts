// The operations a step compiled to, checked the way the runner will check them (testbed/runner):
// sizes and lengths within its limits, ranges inside their regions, fixups that fit, names that
// exist, lines within its token limit. A scenario the runner would reject fails here, naming the
// step, instead of reaching a kernel and coming back as a misleading divergence.

import { IORING_SETUP } from '../uapi/constants.js';
import type { CompileContext } from './compile-context.js';
import { RUNNER_LIMITS as L } from './limits.js';
import { opToText, type Fixup, type ProgramOp } from './program.js';

function count(cc: CompileContext, v: number, what: string, min: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < min || v > max) cc.fail(`${what} ${v} is outside ${min}..${max} (the runner's limit)`);
}

/** [off, off+len) must lie in the region, as region_span() demands. */
function span(cc: CompileContext, region: string, off: number, len: number, what: string): void {
  cc.requireRegion(region);
  const size = cc.regions.get(region)!;
  if (!Number.isSafeInteger(off) || off < 0 || !Number.isSafeInteger(len) || len < 0 || off + len > size) {
    cc.fail(`${what} of ${len} bytes at offset ${off} does not fit in region ${region} (${size} bytes)`);
  }
}

function fixups(cc: CompileContext, fx: readonly Fixup[], len: number): void {
  for (const f of fx) {
    const width = f.kind === 'f' ? 4 : 8;
    if (!Number.isSafeInteger(f.at) || f.at < 0 || f.at + width > len) cc.fail(`a fixup at byte ${f.at} does not fit in ${len} bytes`);
    if (f.kind === 'a') {
      cc.requireRegion(f.region);
      if (!Number.isSafeInteger(f.add)) cc.fail(`address offset ${f.add} is not an integer`);
    } else if (f.kind === 'f') {
      cc.requireFd(f.fd);
    }
  }
}

export function checkOp(cc: CompileContext, o: ProgramOp): void {
  // The runner refuses to touch an unmapped region's bytes (a fixup may still point into it).
  if ((o.op === 'wmem' || o.op === 'rmem' || o.op === 'fill' || o.op === 'writemem') && cc.unmapped.has(o.region)) {
    cc.fail(`region ${o.region} was unmapped by a munmap step; its bytes can no longer be written or read`);
  }
  switch (o.op) {
    case 'region': count(cc, o.size, `region ${o.name}: size`, 1, L.regionSize); break;
    case 'filemap': count(cc, o.size, `filemap ${o.name}: size`, 1, L.regionSize); cc.requireFd(o.fd); break;
    case 'hugeregion': count(cc, o.size, `hugeregion ${o.name}: size`, 1, L.regionSize); break;
    case 'fill': span(cc, o.region, o.off, o.len, 'fill'); break;
    case 'wmem': span(cc, o.region, o.off, o.bytes.byteLength, 'a memory write'); fixups(cc, o.fixups, o.bytes.byteLength); break;
    case 'rmem': count(cc, o.len, 'read_mem length', 1, L.regionSize); span(cc, o.region, o.off, o.len, 'a memory read'); break;
    case 'mmap': count(cc, o.size, `mmap ${o.region}: size`, 1, L.mmapSize); break;
    case 'write': count(cc, o.len, 'write length', 0, L.ioLength); break;
    case 'read': count(cc, o.len, 'read length', 0, L.ioLength); break;
    case 'tmpfile': count(cc, o.size, `tmpfile ${o.fd}: size`, 0, L.tmpfileSize); break;
    case 'writemem': count(cc, o.len, 'write length', 0, L.ioLength); span(cc, o.region, o.off, o.len, 'a write(2) from memory'); break;
    case 'poll':
      count(cc, o.events, 'poll events', 0, 0xffff);
      count(cc, o.timeoutMs, 'poll timeout', -1, 0x7fffffff);
      break;
    case 'time':
      if (o.inner.op === 'time') cc.fail(`time ${o.name}: times one operation, not another time`);
      checkOp(cc, o.inner);
      break;
    case 'sqe': {
      const ring = cc.ring(o.ring);
      const n = o.bytes.byteLength;
      if (n !== 64 && n !== 128) cc.fail(`an SQE is 64 or 128 bytes, not ${n}`);
      if (n === 128 && !(ring.flags & (IORING_SETUP.SQE128 | IORING_SETUP.SQE_MIXED))) cc.fail(`a 128-byte SQE needs an SQE128 or SQE_MIXED ring; ${o.ring} is neither`);
      if (o.array !== undefined && ring.flags & IORING_SETUP.NO_SQARRAY) cc.fail(`array= on ring ${o.ring}, which has no SQ array (NO_SQARRAY)`);
      fixups(cc, o.fixups, n);
      break;
    }
    case 'enter':
      if (o.arg) {
        if (!Number.isSafeInteger(o.arg.off) || !Number.isSafeInteger(o.arg.size) || o.arg.size < 0) cc.fail('the enter argument needs an integer offset and size');
        if (o.arg.region !== '-') span(cc, o.arg.region, o.arg.off, o.arg.size, 'the enter argument');
      }
      break;
    case 'procstatus':
      if (!o.fields.length || o.fields.some((f) => !/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(f))) cc.fail(`procstatus names /proc/self/status fields (letters, digits, _), got ${o.fields.join(' ') || 'none'}`);
      break;
    case 'creds':
      count(cc, o.uid, 'creds uid', 0, 0x7fffffff);
      count(cc, o.memlock, 'creds RLIMIT_MEMLOCK', 0, Number.MAX_SAFE_INTEGER);
      break;
    case 'register':
      if (o.region !== null) span(cc, o.region, o.off, 0, 'the register argument');
      break;
    default:
      break;
  }
  const text = opToText(o);
  if (text !== null) {
    if (text.includes('\0') || text.includes('\n')) cc.fail(`operation ${o.op} would put a NUL byte or a line break in the program`);
    const tokens = text.split(' ').length;
    if (tokens > L.tokensPerLine) cc.fail(`operation ${o.op} needs ${tokens} tokens on one line; the runner takes ${L.tokensPerLine}`);
  }
}
