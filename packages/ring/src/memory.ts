// The simulated process address space. Scenarios name memory regions; the model maps each at a
// deterministic user address so that SQEs and register arguments carry real-looking pointers,
// and copy_from_user()/access_ok() fail exactly where the kernel's would (EFAULT).

import { UringError } from './errors.js';
import { describeValue } from './args.js';

export const PAGE_SIZE = 4096;
/**
 * The most one mapping may hold. The model backs every mapping with real bytes; the testbed
 * guest has 1 GiB of RAM, so a larger mapping could not be shown on a kernel there either.
 */
export const MAX_MAPPING = 1 << 30;
/** x86_64 TASK_SIZE_MAX: user pointers at or above it fail access_ok(). */
export const TASK_SIZE = 2 ** 47 - PAGE_SIZE;
const MAP_BASE = 0x7f00_0000_0000;

export interface Mapping {
  readonly addr: number;
  readonly bytes: Uint8Array;
  readonly name: string;
  /** MAP_HUGETLB: the size of its compound pages (folios), aligned to it; absent for 4 KiB pages. */
  readonly hugePageSize?: number;
}

export function pageAlign(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

export class UserMemory {
  private maps: Mapping[] = [];
  private next = MAP_BASE;

  /** mmap(MAP_ANONYMOUS): a zeroed, page-aligned mapping. */
  mmap(size: number, name: string): Mapping {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
      throw new UringError('EINVAL', `mmap: the size must be a non-negative integer, got ${describeValue(size)}`);
    }
    if (size > MAX_MAPPING) throw new UringError('ENOMEM', `mmap of ${size} bytes: the model maps at most ${MAX_MAPPING} bytes at once`);
    return this.mapBytes(new Uint8Array(pageAlign(Math.max(1, size))), String(name));
  }

  /**
   * mmap(MAP_HUGETLB): zeroed memory in compound pages of `pageSize` bytes, the size rounded up
   * to them and the address aligned to them, as hugetlbfs maps.
   */
  mmapHuge(size: number, name: string, pageSize = 2 << 20): Mapping {
    const len = Math.ceil(Math.max(1, size) / pageSize) * pageSize;
    if (!Number.isSafeInteger(size) || size < 0 || len > MAX_MAPPING) throw new UringError('EINVAL', `mmapHuge: bad size ${describeValue(size)}`);
    this.next = Math.ceil(this.next / pageSize) * pageSize;
    const m: Mapping = { addr: this.next, bytes: new Uint8Array(len), name: String(name), hugePageSize: pageSize };
    this.next += len + PAGE_SIZE;
    this.maps.push(m);
    return m;
  }

  /** Maps existing bytes (a ring the kernel allocated) at a fresh address. */
  mapBytes(bytes: Uint8Array, name: string): Mapping {
    const m: Mapping = { addr: this.next, bytes, name };
    // A guard page between mappings, so overruns fault instead of landing in a neighbour.
    this.next += pageAlign(bytes.byteLength) + PAGE_SIZE;
    this.maps.push(m);
    return m;
  }

  munmap(addr: number): boolean {
    const i = this.maps.findIndex((m) => m.addr === addr);
    if (i < 0) return false;
    this.maps.splice(i, 1);
    return true;
  }

  /** access_ok(): the range lies below TASK_SIZE (mapping is checked at copy time). */
  accessOk(addr: number, len: number): boolean {
    return addr >= 0 && len >= 0 && addr + len <= TASK_SIZE && addr + len >= addr;
  }

  /** The mapping holding [addr, addr+len), or undefined (which the kernel sees as a fault). */
  find(addr: number, len: number): { m: Mapping; off: number } | undefined {
    for (const m of this.maps) {
      const off = addr - m.addr;
      if (off >= 0 && off + len <= m.bytes.byteLength) return { m, off };
    }
    return undefined;
  }

  /** copy_from_user(): a copy of the bytes, or undefined on a fault. */
  read(addr: number, len: number): Uint8Array | undefined {
    if (!this.accessOk(addr, len)) return undefined;
    const hit = this.find(addr, len);
    return hit ? hit.m.bytes.slice(hit.off, hit.off + len) : undefined;
  }

  /** A live view (for memory the kernel maps, like provided-buffer rings), or undefined. */
  view(addr: number, len: number): DataView | undefined {
    if (!this.accessOk(addr, len)) return undefined;
    const hit = this.find(addr, len);
    return hit ? new DataView(hit.m.bytes.buffer, hit.m.bytes.byteOffset + hit.off, len) : undefined;
  }

  /** copy_to_user(): false on a fault. */
  write(addr: number, data: Uint8Array): boolean {
    if (!this.accessOk(addr, data.byteLength)) return false;
    const hit = this.find(addr, data.byteLength);
    if (!hit) return false;
    hit.m.bytes.set(data, hit.off);
    return true;
  }

  /** Whether every page of the range is mapped (what pinning user pages needs). */
  mapped(addr: number, len: number): boolean {
    return this.accessOk(addr, len) && this.find(addr, len) !== undefined;
  }
}
