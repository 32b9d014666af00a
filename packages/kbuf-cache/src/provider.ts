// The provided-buffer importer the core's request pipeline calls for IOSQE_BUFFER_SELECT
// (select, peek for receive bundles, select for sends, commit, put, recycle): kbuf.c's entry
// points over this package's buffer lists. The core passes the list it got back as an opaque handle.

import { ISSUE_F, type BufferProvider, type Kernel } from '@uringlab/ring/extend';
import { bufferSelect, buffersPeek, buffersSelect, kbufRecycle, putKbufs } from './kbuf.js';
import { kbufCommit } from './ring/commit.js';
import type { BufferList } from './types.js';

const asList = (l: unknown): BufferList | null => (l ?? null) as BufferList | null;

export function kbufProvider(_kernel: Kernel): BufferProvider {
  return {
    select(req, len, bgid, issueFlags) {
      const s = bufferSelect(req, len, bgid, issueFlags);
      return s ? { addr: s.addr, len: s.len, list: s.bl } : undefined;
    },
    peek(req, arg) {
      const { ret, bl } = buffersPeek(req, arg);
      return { ret, list: bl };
    },
    selectBuffers(req, arg, issueFlags) {
      const { ret, bl } = buffersSelect(req, arg, (issueFlags & ISSUE_F.UNLOCKED) !== 0);
      return { ret, list: bl };
    },
    commit(req, list, len, nr) {
      const bl = asList(list);
      return bl ? kbufCommit(req, bl, len, nr) : true;
    },
    put(req, len, list, nbufs, issueFlags) {
      return putKbufs(req, len, asList(list), nbufs, (issueFlags & ISSUE_F.UNLOCKED) !== 0);
    },
    recycle(req, list) {
      return kbufRecycle(req, asList(list));
    },
    isIncremental(list) {
      return asList(list)?.isInc ?? false;
    },
  };
}
