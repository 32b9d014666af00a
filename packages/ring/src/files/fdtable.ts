// The process's file descriptor table (struct files_struct): lowest free fd first, as
// alloc_fd() hands them out, starting at 3 (0-2 are the standard streams). Each entry owns one
// reference to its file; closing the fd drops it, and the file lives on while requests hold theirs.

import type { FileObj } from './file.js';

export class FdTable {
  private readonly files = new Map<number, FileObj>();

  /** alloc_fd() + fd_install(): the table takes over the creator's reference. */
  install(f: FileObj): number {
    let fd = 3;
    while (this.files.has(fd)) fd++;
    this.files.set(fd, f);
    return fd;
  }

  /** fdget(): the file at `fd`, or undefined; no reference is taken (callers that keep it call get()). */
  get(fd: number): FileObj | undefined {
    return this.files.get(fd);
  }

  /** file_close_fd(): remove the entry and hand its reference back, for fput(). */
  remove(fd: number): FileObj | undefined {
    const f = this.files.get(fd);
    if (f) this.files.delete(fd);
    return f;
  }
}
