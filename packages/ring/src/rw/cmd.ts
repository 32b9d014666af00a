// The per-request state of a read or write: struct io_rw (the command area of the SQE) plus the
// struct io_async_rw the kernel allocates for every read and write (the imported iterator, the
// iovec copy of the registered-vector opcodes, bytes done by earlier attempts). A leaf module.

import type { Req } from '../core/req.js';
import type { Seg } from '../extension/types.js';
import type { IoIter } from './iter.js';

/** ITER_DEST ('in': the transfer fills user memory, a read) or ITER_SOURCE ('out': a write). */
export type RwDir = 'in' | 'out';

/** struct io_rw plus the struct io_async_rw the kernel allocates for every read and write. */
export interface RwCmd {
  addr: number;
  len: number;
  /** File offset, or -1 for the current position. */
  pos: number;
  rwFlags: number;
  /** io->buf_group: the provided-buffer group (sqe->buf_group shares buf_index's field). */
  bufGroup: number;
  /** io->iter: the imported transfer, or null until one is imported. */
  iter: IoIter | null;
  /** io->vec: READV_FIXED/WRITEV_FIXED's iovecs, copied at prep. */
  vec: Seg[] | null;
  /** io->bytes_done: what earlier attempts transferred. */
  bytesDone: number;
  /** IOCB_HIPRI: polled I/O (RWF_HIPRI, or set for every request of an IOPOLL ring). */
  hipri: boolean;
  /** IOCB_APPEND: the file's O_APPEND (f_iocb_flags), set by RWF_APPEND, cleared by RWF_NOAPPEND. */
  append: boolean;
}

export function rwCmd(req: Req): RwCmd {
  return req.cmd as unknown as RwCmd;
}
