// struct file, reduced to what io_uring's paths look at: readiness (vfs_poll), nonblocking
// read/write attempts, and wait queues that wake armed poll requests.

export type PollDir = 'in' | 'out';

export interface ReadResult {
  /** Bytes read, or a negative errno (-EAGAIN when it would block). */
  res: number;
  data?: Uint8Array;
}

interface Waiter {
  dir: PollDir;
  fn: () => void;
}

export abstract class FileObj {
  abstract readonly kind: string;
  /** file_can_poll(): has a ->poll method. */
  abstract readonly pollable: boolean;
  /** S_ISREG: io_uring treats regular files as never blocking on readiness. */
  readonly isReg: boolean = false;
  /** O_DIRECT was requested at open. */
  odirect = false;
  /** File position for reads and writes with offset -1 (IORING_FEAT_RW_CUR_POS). */
  pos = 0;
  private waiters: Waiter[] = [];

  abstract readable(): boolean;
  abstract writable(): boolean;

  /** A read attempt; `pos` is undefined for stream files. */
  abstract read(len: number, pos: number | undefined): ReadResult;
  abstract write(data: Uint8Array, pos: number | undefined): number;

  ready(dir: PollDir): boolean {
    return dir === 'in' ? this.readable() : this.writable();
  }

  /** Registers a one-shot wakeup for readiness in `dir`; returns a cancel function. */
  waitOnce(dir: PollDir, fn: () => void): () => void {
    const w: Waiter = { dir, fn };
    // add_wait_queue() puts the entry at the head and __wake_up() walks from the head: the
    // request armed last is woken (and completes) first.
    this.waiters.unshift(w);
    return () => {
      this.waiters = this.waiters.filter((x) => x !== w);
    };
  }

  /** __wake_up() on the file's wait queue: wakes waiters whose condition now holds. */
  wake(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => this.ready(w.dir));
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.fn();
  }

  /** Called when the last reference goes (close). */
  release(): void {}
}
