// The memory side of the simulated machine that regions draw on: user->locked_vm against
// RLIMIT_MEMLOCK (__io_account_mem() and __io_unaccount_mem(), io_uring/rsrc.c) and the free
// pages kernel allocations come from. Kernel-wide, like user_struct.

import { ERRNO } from '../uapi/errno.js';
import { PAGE_SIZE } from '../memory.js';
import { counter } from '../cost.js';
import { defineKernelState } from '../extension/define.js';
import type { IoHost } from './host.js';

const C_LOCKED_VM = counter('atomic', 'user->locked_vm');

/** What io_uring's memory accounting sees of the machine. */
export class MemAccounting {
  /**
   * CAP_IPC_LOCK. With it io_uring_create() leaves ctx->user NULL and nothing is accounted; the
   * testbed runs as root, so this is the default.
   */
  capIpcLock = true;
  /** RLIMIT_MEMLOCK, in bytes (the usual 8 MiB default). */
  memlockLimit = 8 << 20;
  /** user->locked_vm, in pages. */
  lockedPages = 0;
  /** Pages alloc_pages() can still hand out (the model backs at most this much kernel memory). */
  freePages = (256 << 20) / PAGE_SIZE;
}

export const MEM_ACCOUNTING = defineKernelState('core:mem_accounting', () => new MemAccounting());

/** The kernel's memory accounting state (to lift CAP_IPC_LOCK or shrink RLIMIT_MEMLOCK). */
export function memAccounting(host: IoHost): MemAccounting {
  return host.state(MEM_ACCOUNTING);
}

/** __io_account_mem(): charge pages to user->locked_vm, -ENOMEM past RLIMIT_MEMLOCK. */
export function accountMem(host: IoHost, user: MemAccounting, nrPages: number): number {
  if (!nrPages) return 0;
  const limit = Math.floor(user.memlockLimit / PAGE_SIZE);
  host.costs.add(C_LOCKED_VM);
  if (user.lockedPages + nrPages > limit) return -ERRNO.ENOMEM;
  user.lockedPages += nrPages;
  return 0;
}

/** __io_unaccount_mem() */
export function unaccountMem(host: IoHost, user: MemAccounting, nrPages: number): void {
  host.costs.add(C_LOCKED_VM);
  user.lockedPages -= nrPages;
}
