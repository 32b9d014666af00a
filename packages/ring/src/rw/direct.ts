// O_DIRECT on the model's block device (block/fops.c: blkdev_read_iter(), blkdev_write_iter(),
// blkdev_direct_IO()). The end of the device and empty transfers are answered at once; a
// misaligned request is -EINVAL; unmapped user pages fail the pinning with -EFAULT. Otherwise
// the bio is queued (-EIOCBQUEUED) and finishes after the device latency: through an interrupt
// (io_complete_rw), or, for polled I/O, only when a poll of the device's queue finds it.

import { ERRNO } from '../uapi/errno.js';
import { counter } from '../cost.js';
import { REQ_F, type Req } from '../core/req.js';
import type { BlockDevice } from '../files/regular.js';
import { copyFromIter, copyToIter, type IoIter } from './iter.js';
import { rwCmd, type RwDir } from './cmd.js';
import { completeRw, completeRwIopoll, EIOCBQUEUED } from './done.js';

const C_COPY = counter('copy', 'rw_bytes');

/** blkdev_dio_invalid(): offset, total length and every segment aligned to the sector. */
function dioInvalid(it: IoIter, pos: number): boolean {
  const s = 512;
  if (pos % s || it.count % s) return true;
  return it.segs.some((g) => g.addr % s !== 0 || g.len % s !== 0);
}

/** The iterator cut down to `n` bytes (iov_iter_truncate()). */
function truncate(it: IoIter, n: number): IoIter {
  if (n >= it.count) return it;
  const segs = [];
  let left = n;
  for (const g of it.segs) {
    if (left === 0) break;
    const len = Math.min(g.len, left);
    segs.push({ addr: g.addr, len });
    left -= len;
  }
  return { segs, count: n };
}

/** Read or write `it` at `pos` through O_DIRECT: bytes now, -errno, or EIOCBQUEUED. */
export function blkdevDirect(req: Req, dev: BlockDevice, dir: RwDir, pos: number): number {
  const k = req.ctx.kernel;
  let it = rwCmd(req).iter!;
  if (dir === 'in') {
    if (pos >= dev.size) return 0;
  } else {
    if (it.count === 0) return 0;
    if (pos >= dev.size) return -ERRNO.ENOSPC;
  }
  it = truncate(it, Math.min(it.count, dev.size - pos));
  if (it.count === 0) return 0;
  if (dioInvalid(it, pos)) return -ERRNO.EINVAL;
  // bio_iov_iter_get_pages(): the user pages are pinned now.
  if (!it.segs.every((g) => k.memory.mapped(g.addr, g.len))) return -ERRNO.EFAULT;
  const data = dir === 'out' ? copyFromIter(k.memory, it) : undefined;
  const transfer = (): number => {
    if (data) return dev.write(data, pos);
    const r = dev.read(it.count, pos);
    if (r.res <= 0 || !r.data) return r.res;
    const n = copyToIter(k.memory, it, r.data);
    k.costs.add(C_COPY, n);
    return n;
  };
  if (req.flags & REQ_F.IOPOLL) {
    dev.submitPolled(k.sched.now + dev.latencyNs, () => completeRwIopoll(req, transfer()));
  } else {
    k.sched.after(dev.latencyNs, () => completeRw(req, transfer()), { context: 'hardirq' });
  }
  return EIOCBQUEUED;
}
