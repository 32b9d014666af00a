// sock_recvmsg() and sock_sendmsg() on the core's stream sockets, through a MsgIter: data is
// copied segment by segment, a fault before anything was copied is -EFAULT, and a receive
// reports msg_inq (what is left) whenever it returns >= 0, as tcp_recvmsg() and
// unix_stream_read_generic() do.

import { ERRNO } from '../uapi/errno.js';
import { UringError } from '../errors.js';
import { MSG } from './msg-flags.js';
import { counter } from '../cost.js';
import type { IoHost } from '../core/host.js';
import type { StreamEnd } from '../files/stream.js';
import type { MsgIter } from './iter.js';

const C_COPY = counter('copy', 'net_bytes');
/** One call into the socket layer (tcp_recvmsg and friends), for the cost model. */
const C_RECVMSG = counter('event', 'net:sock_recvmsg');
const C_SENDMSG = counter('event', 'net:sock_sendmsg');

export interface RecvResult {
  ret: number;
  /** msg_inq after the call: bytes still queued, or -1 when the socket does not say. */
  inq: number;
  /** msg_flags the protocol set (MSG_TRUNC when a datagram did not fit). */
  msgFlags?: number;
  /** The source address the protocol reports (udp_recvmsg()'s sockaddr_in); none for socket pairs. */
  name?: Uint8Array;
}

/** AF_INET */
const AF_INET = 2;

/**
 * The sockaddr_in udp_recvmsg() fills in: AF_INET, the sender's port, 127.0.0.1, zeroes. The
 * kernel's port is ephemeral; the model's is a stand-in, which is why scenarios never read it.
 */
function loopbackSockaddr(port: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, AF_INET, true);
  v.setUint16(2, port, false);
  b.set([127, 0, 0, 1], 4);
  return b;
}

/** The model's stand-in for an ephemeral port (the kernel's differ run to run). */
const MODEL_PORT = 0;

/** Bytes of the iterator's remaining room that are mapped, from its current position. */
function mappedPrefix(k: IoHost, it: MsgIter): number {
  let n = 0;
  for (const s of it.remaining()) {
    if (!k.memory.mapped(s.addr, s.len)) return n;
    n += s.len;
  }
  return n;
}

function scatter(k: IoHost, it: MsgIter, data: Uint8Array): void {
  let at = 0;
  for (const s of it.remaining()) {
    if (at >= data.byteLength) break;
    const take = Math.min(s.len, data.byteLength - at);
    k.memory.write(s.addr, data.subarray(at, at + take));
    at += take;
  }
  it.done += data.byteLength;
}

function gather(k: IoHost, it: MsgIter, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let at = 0;
  for (const s of it.remaining()) {
    if (at >= len) break;
    const take = Math.min(s.len, len - at);
    out.set(k.memory.read(s.addr, take)!, at);
    at += take;
  }
  return out;
}

/**
 * unix_dgram_recvmsg(): the oldest datagram into the iterator. It leaves the queue before it is
 * copied, so a fault (-EFAULT) loses it; what does not fit is dropped with MSG_TRUNC in msg_flags,
 * and with MSG_TRUNC in `flags` the result is the datagram's full length. No msg_inq.
 */
function dgramRecv(k: IoHost, sock: StreamEnd, it: MsgIter, flags: number): RecvResult {
  const want = it.count;
  // Whether the room is mapped, looked at before the datagram leaves the queue (the model's
  // memory cannot change in between).
  const room = mappedPrefix(k, it);
  const d = sock.readDatagram(want);
  if (d.res < 0) return { ret: d.res, inq: -1 };
  const msgFlags = d.full > want ? MSG.TRUNC : 0;
  if (d.res > 0) {
    // udp_recvmsg() frees the skb it could not copy: the datagram is lost too.
    if (room < d.res) return { ret: -ERRNO.EFAULT, inq: -1 };
    scatter(k, it, d.data!);
    k.costs.add(C_COPY, d.res);
  }
  // An empty queue after SHUT_RD (res 0 without data) reports no address.
  const name = sock.kind === 'udp' && d.data ? loopbackSockaddr(MODEL_PORT) : undefined;
  return { ret: flags & MSG.TRUNC ? d.full : d.res, inq: -1, msgFlags, name };
}

/** sock_recvmsg(): fill the iterator from the socket's receive queue (`flags`: the MSG_* bits). */
export function sockRecv(k: IoHost, sock: StreamEnd, it: MsgIter, flags = 0): RecvResult {
  k.costs.add(C_RECVMSG);
  const q = sock.rx;
  if (!q) return { ret: -ERRNO.EBADF, inq: -1 };
  if (sock.isDgram) return dgramRecv(k, sock, it, flags);
  // On TCP MSG_TRUNC discards the data instead of copying it; that is not modelled.
  if (flags & MSG.TRUNC) throw new UringError('NOT_MODELLED', 'MSG_TRUNC on a stream socket (TCP discards the bytes) is not modelled');
  // Nothing queued: EOF, a pending error or -EAGAIN, even for a zero-length receive.
  if (q.size === 0) {
    const ret = sock.emptyReadResult();
    return { ret, inq: ret >= 0 ? sock.inq() : -1 };
  }
  const want = it.count;
  if (want === 0) return { ret: 0, inq: sock.inq() };
  const room = mappedPrefix(k, it);
  if (room === 0) return { ret: -ERRNO.EFAULT, inq: -1 };
  const r = sock.read(Math.min(want, room));
  if (r.res <= 0 || !r.data) return { ret: r.res, inq: r.res >= 0 ? sock.inq() : -1 };
  scatter(k, it, r.data);
  k.costs.add(C_COPY, r.res);
  return { ret: r.res, inq: sock.inq() };
}

/**
 * sock_sendmsg(): copy from the iterator into the socket, in tcp_sendmsg_locked()'s order:
 * the socket's state first, then room (-EAGAIN), then the copy (-EFAULT if nothing was readable).
 * `namelen` is the destination address length the send carries (sendto, msg_name).
 */
export function sockSend(k: IoHost, sock: StreamEnd, it: MsgIter, namelen = 0): number {
  k.costs.add(C_SENDMSG);
  // unix_stream_sendmsg(): a connected socket takes no destination (TCP ignores one).
  if (namelen && sock.kind === 'unix') return -ERRNO.EISCONN;
  if (sock.isDgram) {
    if (namelen) throw new UringError('NOT_MODELLED', `a destination address on a ${sock.kind === 'udp' ? 'UDP' : 'AF_UNIX datagram'} send is not modelled`);
    // udp_sendmsg(): the length, a pending error and SEND_SHUTDOWN come before the copy.
    if (sock.kind === 'udp') {
      const err = sock.udpSendError(it.count);
      if (err) return err;
    }
    // unix_dgram_sendmsg(): one datagram of the whole iterator, or nothing.
    // The copy into the new skb comes before the peer is locked: a bad source is -EFAULT.
    if (mappedPrefix(k, it) < it.count) return -ERRNO.EFAULT;
    const data = gather(k, it, it.count);
    const ret = sock.kind === 'udp' ? sock.udpDeliver(data) : sock.sendDatagram(data);
    if (ret > 0) {
      it.done += ret;
      k.costs.add(C_COPY, ret);
    }
    return ret;
  }
  const err = sock.sendError();
  if (err) return err;
  const want = it.count;
  if (want === 0) return 0;
  const room = sock.sendRoom();
  if (room === 0) return -ERRNO.EAGAIN;
  const readable = mappedPrefix(k, it);
  if (readable === 0) return -ERRNO.EFAULT;
  const n = Math.min(want, room, readable);
  const ret = sock.transmit(gather(k, it, n));
  if (ret > 0) {
    it.done += ret;
    k.costs.add(C_COPY, ret);
  }
  return ret;
}
