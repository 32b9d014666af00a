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
  /** mm->pinned_vm of the scenario's process, in pages (VmPin in /proc/self/status). */
  pinnedPages = 0;
  /** The task's uid (0 until the scenario drops its credentials). */
  uid = 0;
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

/**
 * io_account_mem(): charge `user` (ctx->user, null for CAP_IPC_LOCK) against RLIMIT_MEMLOCK, then
 * the process's mm->pinned_vm when `mmAccount` (ctx->mm_account is set). 0 or -ENOMEM (nothing
 * charged).
 */
export function ioAccountMem(host: IoHost, user: MemAccounting | null, mmAccount: boolean, nrPages: number): number {
  if (user) {
    const ret = accountMem(host, user, nrPages);
    if (ret) return ret;
  }
  if (mmAccount) memAccounting(host).pinnedPages += nrPages;
  return 0;
}

/** io_unaccount_mem() */
export function ioUnaccountMem(host: IoHost, user: MemAccounting | null, mmAccount: boolean, nrPages: number): void {
  if (user) unaccountMem(host, user, nrPages);
  if (mmAccount) memAccounting(host).pinnedPages -= nrPages;
}

/**
 * What the model knows of /proc/self/status: VmPin (mm->pinned_vm) and VmLck (mm->locked_vm,
 * which only mlock() moves and the model never does), in kB. Undefined for any other field.
 */
export function procStatusField(host: IoHost, name: string): number | undefined {
  const acct = memAccounting(host);
  if (name === 'VmPin') return acct.pinnedPages * (PAGE_SIZE / 1024);
  if (name === 'VmLck') return 0;
  return undefined;
}
