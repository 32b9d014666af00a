// The BufferProvider the core calls from its own opcodes (and from request teardown): the same
// selection, put and recycle paths the replaced READ and RECV use.

import { ISSUE_F, type BufferProvider, type Kernel } from '@uringlab/ring';
import { bufferSelect, kbufRecycle, putKbufs } from './kbuf.js';
import { kbufOf } from './types.js';

export function kbufProvider(_kernel: Kernel): BufferProvider {
  return {
    select(req, len, issueFlags) {
      const s = bufferSelect(req, len, req.bufIndex, issueFlags);
      if (!s) return undefined;
      // Remember the list for the commit at completion (the kernel's sel.buf_list).
      kbufOf(req).bl = s.bl;
      return { addr: s.addr, len: s.len };
    },
    put(req, res, issueFlags) {
      const kb = kbufOf(req);
      const bl = kb.bl;
      kb.bl = null;
      return putKbufs(req, res, bl, 1, (issueFlags & ISSUE_F.UNLOCKED) !== 0);
    },
    recycle(req) {
      const kb = kbufOf(req);
      kbufRecycle(req, kb.bl);
      kb.bl = null;
    },
  };
}
