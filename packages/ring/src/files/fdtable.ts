// The process's file descriptor table (struct files_struct): lowest free fd first, as
// alloc_fd() hands them out, starting at 3 (0-2 are the standard streams).

import type { FileObj } from './file.js';

export class FdTable {
  private readonly files = new Map<number, FileObj>();

  /** alloc_fd() + fd_install() */
  install(f: FileObj): number {
    let fd = 3;
    while (this.files.has(fd)) fd++;
    this.files.set(fd, f);
    return fd;
  }

  /** fget() without the reference: the file at `fd`, or undefined. */
  get(fd: number): FileObj | undefined {
    return this.files.get(fd);
  }

  /** close_fd(): remove the entry and hand the file back for fput(). */
  remove(fd: number): FileObj | undefined {
    const f = this.files.get(fd);
    if (f) this.files.delete(fd);
    return f;
  }
}
