// io_import_rw_buffer() (io_uring/rw.c): what a read or write transfers. A vectored opcode
// without IOSQE_BUFFER_SELECT imports its iovec array; otherwise the transfer is one range:
// the SQE's addr/len, or a provided buffer selected now (rw->addr/len then describe it, for
// this issue and any retry).

import { ERRNO } from '../uapi/errno.js';
import { REQ_F, type Req } from '../core/req.js';
import { bufferSelect, doBufferSelect } from '../core/kbuf.js';
import { importIovec } from './vec.js';
import { importUbuf } from './iter.js';
import { rwCmd } from './cmd.js';

/** struct io_br_sel: the list a selected provided buffer came from (null once committed). */
export interface BrSel {
  list: unknown;
}

/** __io_import_rw_buffer() + iov_iter_save_state(): 0 or -errno; rw.iter holds the transfer. */
export function importRwBuffer(req: Req, sel: BrSel | null, issueFlags: number): number {
  const rw = rwCmd(req);
  const mem = req.ctx.kernel.memory;
  const def = req.ctx.kernel.opdef(req.opcode);
  if (def.vectored && !(req.flags & REQ_F.BUFFER_SELECT)) {
    const it = importIovec(mem, rw.addr, rw.len);
    if (typeof it === 'number') return it;
    rw.iter = it;
    return 0;
  }
  if (doBufferSelect(req)) {
    const s = bufferSelect(req, rw.len, rw.bufGroup, issueFlags);
    if (!s) return -ERRNO.ENOBUFS;
    rw.addr = s.addr;
    rw.len = s.len;
    if (sel) sel.list = s.list;
  }
  const it = importUbuf(mem, rw.addr, rw.len);
  if (typeof it === 'number') return it;
  rw.iter = it;
  return 0;
}
