// sock_recvmsg() on the core's stream sockets, into a RecvIter: data is copied segment by
// segment, a fault before anything was copied is -EFAULT, and msg_inq reports what is left.

import { ERRNO } from '../uapi/errno.js';
import { counter } from '../cost.js';
import type { IoHost } from '../core/host.js';
import type { StreamEnd } from '../files/stream.js';
import type { RecvIter } from './iter.js';

const C_COPY = counter('copy', 'net_bytes');
/** One call into the socket layer (tcp_recvmsg and friends), for the cost model. */
const C_RECVMSG = counter('event', 'net:sock_recvmsg');

export interface RecvResult {
  ret: number;
  /** msg_inq after the call: bytes still queued, or -1 when the socket does not say. */
  inq: number;
}

/** Bytes of the iterator's remaining room that are mapped, from the current position. */
function writablePrefix(k: IoHost, it: RecvIter): number {
  let skip = it.done;
  let n = 0;
  for (const s of it.segs) {
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    const addr = s.addr + skip;
    const len = s.len - skip;
    skip = 0;
    if (!k.memory.mapped(addr, len)) return n;
    n += len;
  }
  return n;
}

function scatter(k: IoHost, it: RecvIter, data: Uint8Array): void {
  let skip = it.done;
  let at = 0;
  for (const s of it.segs) {
    if (at >= data.byteLength) break;
    if (skip >= s.len) {
      skip -= s.len;
      continue;
    }
    const take = Math.min(s.len - skip, data.byteLength - at);
    k.memory.write(s.addr + skip, data.subarray(at, at + take));
    at += take;
    skip = 0;
  }
  it.done += data.byteLength;
}

export function sockRecv(k: IoHost, sock: StreamEnd, it: RecvIter): RecvResult {
  k.costs.add(C_RECVMSG);
  const want = it.count;
  if (want === 0) return { ret: 0, inq: sock.inq() };
  const q = sock.rx;
  if (!q) return { ret: -ERRNO.EBADF, inq: -1 };
  // tcp_recvmsg() reports msg_inq only for a result >= 0; EOF is 0 bytes.
  if (q.size === 0) return q.writerClosed ? { ret: 0, inq: sock.inq() } : { ret: -ERRNO.EAGAIN, inq: -1 };
  const room = writablePrefix(k, it);
  if (room === 0) return { ret: -ERRNO.EFAULT, inq: -1 };
  const r = sock.read(Math.min(want, room));
  if (r.res <= 0 || !r.data) return { ret: r.res, inq: sock.inq() };
  scatter(k, it, r.data);
  k.costs.add(C_COPY, r.res);
  return { ret: r.res, inq: sock.inq() };
}
