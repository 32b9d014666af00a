// struct user_msghdr and its iovec array, read from user memory the way SENDMSG and RECVMSG do it
// at prep: io_copy_msghdr_from_user() (io_uring/net.c), __copy_msghdr() and move_addr_to_kernel()
// (net/socket.c), copy_iovec_from_user(), iovec_from_user() and __import_iovec() (lib/iov_iter.c).

import { ERRNO } from '../uapi/errno.js';
import type { UserMemory } from '../memory.js';
import { MAX_RW_COUNT } from '../rw/limits.js';
import type { Seg } from '../extension/types.js';
import { MsgIter } from './iter.js';

export const UIO_MAXIOV = 1024;
/** sizeof(struct sockaddr_storage) */
export const SOCKADDR_STORAGE_SIZE = 128;
/** sizeof(struct user_msghdr) */
export const USER_MSGHDR_SIZE = 56;
const IOVEC_SIZE = 16;
const S64_SIGN = 1n << 63n;
const INT_MAX = 0x7fffffff;

/** The fields io_copy_msghdr_from_user() reads (msg_flags is not read). */
export interface UserMsghdr {
  name: number;
  /** int msg_namelen, as signed. */
  namelen: number;
  iov: number;
  iovlen: number;
  control: number;
  controllen: number;
}

/** The part of struct msghdr (the kernel's) that __copy_msghdr() fills. */
export interface KernelMsghdr {
  /** msg_namelen after clamping; 0 when there is no name. */
  namelen: number;
  /** The user's msg_name (save_addr): where a receive writes the source address back. */
  uaddr: number;
  controlUser: number;
  controllen: number;
}

function u64(dv: DataView, at: number): bigint {
  return dv.getBigUint64(at, true);
}

/** io_copy_msghdr_from_user(): user_access_begin() on the whole struct, then six loads. */
export function copyMsghdrFromUser(mem: UserMemory, umsg: number): UserMsghdr | number {
  if (!mem.accessOk(umsg, USER_MSGHDR_SIZE)) return -ERRNO.EFAULT;
  // msg_name .. msg_controllen: the first 48 bytes; one unmapped byte faults the load.
  const b = mem.read(umsg, 48);
  if (!b) return -ERRNO.EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    name: Number(u64(dv, 0)),
    namelen: dv.getInt32(8, true),
    iov: Number(u64(dv, 16)),
    iovlen: Number(u64(dv, 24)),
    control: Number(u64(dv, 32)),
    controllen: Number(u64(dv, 40)),
  };
}

/**
 * __copy_msghdr(): the kernel msghdr from the user one. A send (`forSend`) copies the
 * destination address in now; a receive only remembers where to write the source address.
 */
export function copyMsghdr(mem: UserMemory, msg: UserMsghdr, forSend: boolean): KernelMsghdr | number {
  let namelen = msg.name ? msg.namelen : 0;
  if (namelen < 0) return -ERRNO.EINVAL;
  if (namelen > SOCKADDR_STORAGE_SIZE) namelen = SOCKADDR_STORAGE_SIZE;
  const hasName = msg.name !== 0 && namelen !== 0;
  if (hasName && forSend) {
    const r = moveAddrToKernel(mem, msg.name, namelen);
    if (r < 0) return r;
  }
  if (!hasName) namelen = 0;
  if (msg.iovlen > UIO_MAXIOV) return -ERRNO.EMSGSIZE;
  return { namelen, uaddr: msg.name, controlUser: msg.control, controllen: msg.controllen };
}

/** move_addr_to_kernel() */
export function moveAddrToKernel(mem: UserMemory, uaddr: number, ulen: number): number {
  if (ulen < 0 || ulen > SOCKADDR_STORAGE_SIZE) return -ERRNO.EINVAL;
  if (ulen === 0) return 0;
  return mem.read(uaddr, ulen) ? 0 : -ERRNO.EFAULT;
}

/**
 * copy_iovec_from_user() via iovec_from_user(): `nr` iovecs, -EFAULT if the array is not
 * readable, -EINVAL for a length that does not fit in ssize_t.
 */
export function iovecFromUser(mem: UserMemory, uvec: number, nr: number): Seg[] | number {
  if (nr === 0) return [];
  if (nr > UIO_MAXIOV) return -ERRNO.EINVAL;
  if (!mem.accessOk(uvec, nr * IOVEC_SIZE)) return -ERRNO.EFAULT;
  const b = mem.read(uvec, nr * IOVEC_SIZE);
  if (!b) return -ERRNO.EFAULT;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: Seg[] = [];
  for (let i = 0; i < nr; i++) {
    const len = u64(dv, i * IOVEC_SIZE + 8);
    if (len >= S64_SIGN) return -ERRNO.EINVAL;
    out.push({ addr: Number(u64(dv, i * IOVEC_SIZE)), len: Number(len) });
  }
  return out;
}

/** import_ubuf(): one range, capped at MAX_RW_COUNT, that must pass access_ok(). */
export function importUbuf(mem: UserMemory, addr: number, len: number): MsgIter | number {
  const l = Math.min(len, MAX_RW_COUNT);
  if (!mem.accessOk(addr, l)) return -ERRNO.EFAULT;
  return new MsgIter([{ addr, len: l }], 'ubuf');
}

/**
 * __import_iovec(): one iovec becomes ITER_UBUF; several are checked one by one with
 * access_ok() and capped so the total stays within MAX_RW_COUNT.
 */
export function importIovec(mem: UserMemory, uvec: number, nr: number): MsgIter | number {
  if (nr === 1) {
    const one = iovecFromUser(mem, uvec, 1);
    if (typeof one === 'number') return one;
    return importUbuf(mem, one[0]!.addr, one[0]!.len);
  }
  const iov = iovecFromUser(mem, uvec, nr);
  if (typeof iov === 'number') return iov;
  let total = 0;
  for (const seg of iov) {
    if (!mem.accessOk(seg.addr, seg.len)) return -ERRNO.EFAULT;
    if (seg.len > MAX_RW_COUNT - total) seg.len = MAX_RW_COUNT - total;
    total += seg.len;
  }
  return new MsgIter(iov, 'iovec');
}

/** The sum io_recvmsg_mshot_prep() checks with check_add_overflow() on an int. */
export function mshotHeaderFits(namelen: number, controllen: number): boolean {
  const hdr = 16 + namelen;
  return hdr <= INT_MAX && hdr + controllen <= INT_MAX;
}
