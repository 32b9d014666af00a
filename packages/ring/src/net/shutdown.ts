// shutdown(2) on the core's stream sockets (__sys_shutdown_sock() -> inet_shutdown() /
// unix_shutdown()) and IORING_OP_SHUTDOWN (io_uring/net.c: io_shutdown_prep(), io_shutdown()).
//
// What the other side sees follows the protocol: a TCP SHUT_WR sends a FIN (the peer reads EOF
// after the data, and its inq hint says 1), a TCP SHUT_RD tells the peer nothing; AF_UNIX
// mirrors the shutdown onto the peer (our SEND is its RCV, and the reverse). Readers waiting on
// either end are woken (sk_state_change()), so a pending receive completes with 0.

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { IOU_COMPLETE, REQ_F, reqSetRes, type Req } from '../core/req.js';
import type { SqeReader } from '../core/sqe.js';
import type { FileObj } from '../files/file.js';
import { isSocket, type StreamEnd } from '../files/stream.js';

/** SHUT_RD, SHUT_WR, SHUT_RDWR as the syscall takes them. */
export const SHUT = { RD: 0, WR: 1, RDWR: 2 } as const;

/** inet_shutdown() / unix_shutdown() of a connected stream socket; 0 or -errno. */
export function sockShutdown(sock: StreamEnd, how: number): number {
  // Both turn SHUT_* into RCV_SHUTDOWN (1) | SEND_SHUTDOWN (2) as how + 1, and refuse the rest.
  if (how < SHUT.RD || how > SHUT.RDWR) return -ERRNO.EINVAL;
  const mode = how + 1;
  const rcv = (mode & 1) !== 0;
  const send = (mode & 2) !== 0;
  const peer = sock.peer && !sock.peer.released ? sock.peer : null;
  // inet_shutdown(): a TCP socket a reset closed is TCP_CLOSE, -ENOTCONN (its flags still change).
  // An unconnected UDP socket is TCP_CLOSE too: -ENOTCONN, and its flags change all the same.
  const ret = (sock.kind === 'tcp' && sock.tcpClosed) || sock.unconnected ? -ERRNO.ENOTCONN : 0;
  if (rcv) sock.rdShut = true;
  if (send && !sock.wrShut) {
    sock.wrShut = true;
    // tcp_shutdown(): a FIN goes out while the connection is up. From CLOSE_WAIT it is LAST_ACK,
    // and the peer's ACK (an open socket or the closed end's timewait sock) makes it TCP_CLOSE.
    if (sock.kind === 'tcp' && !sock.tcpClosed) {
      peer?.tcpFin();
      if (sock.finRcvd) sock.tcpClosed = true;
    }
    // A connected UDP socket's shutdown changes only its own sk_shutdown: nothing reaches the peer.
    if (sock.tx && sock.kind !== 'udp') sock.tx.writerClosed = true;
  }
  if (sock.kind === 'unix' && peer) {
    if (rcv) peer.wrShut = true;
    if (send) peer.rdShut = true;
  }
  // sk_state_change() (sock_def_wakeup()) on our socket: an unkeyed wake-up of every poll entry.
  sock.wakeUnkeyed();
  // A UDP socket's shutdown wakes only its own queue (inet_shutdown()); the peer hears nothing
  // (fuzz-5458616-5649: a multishot poll there fired). unix_shutdown() calls the peer's
  // sk_state_change() too; a TCP FIN reaches the peer's (tcp_fin()).
  if (sock.kind === 'udp') return ret;
  if (peer && (sock.kind === 'unix' || (sock.kind === 'tcp' && send))) peer.wakeUnkeyed();
  return ret;
}

/** __sys_shutdown_sock() through sock_from_file(): -ENOTSOCK for anything but a socket. */
export function fileShutdown(file: FileObj, how: number): number {
  if (!isSocket(file)) return -ERRNO.ENOTSOCK;
  return sockShutdown(file, how);
}

interface ShutdownCmd {
  how: number;
}

/** io_shutdown_prep(): off, addr, rw_flags, buf_index and splice_fd_in must be zero; always async. */
function shutdownPrep(req: Req, sqe: SqeReader): number {
  if (sqe.u64(8) || sqe.u64(16) || sqe.u32(28) || sqe.u16(40) || sqe.u32(44)) return -ERRNO.EINVAL;
  const cmd: ShutdownCmd = { how: sqe.u32(24) };
  req.cmd = cmd as unknown as Record<string, unknown>;
  req.flags |= REQ_F.FORCE_ASYNC;
  return 0;
}

/**
 * io_shutdown(): runs on io-wq. A file that is no socket is an error returned from ->issue (the
 * request fails, and so do its links); the socket's own answer is only the result (links go on).
 */
function shutdownIssue(req: Req): number {
  const how = (req.cmd as unknown as ShutdownCmd).how;
  if (!isSocket(req.file)) return -ERRNO.ENOTSOCK;
  // how is an int in __sys_shutdown_sock(): a u32 past INT_MAX is negative there.
  reqSetRes(req, sockShutdown(req.file, how | 0), 0);
  return IOU_COMPLETE;
}

export const SHUTDOWN: OpDef = { opcode: IORING_OP.SHUTDOWN, name: 'SHUTDOWN', ...opFlags('SHUTDOWN'), prep: shutdownPrep, issue: shutdownIssue };
