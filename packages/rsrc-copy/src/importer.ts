// The registered-buffer importer the core's request paths call (FixedBufferImporter): the lookup
// that takes a node reference for the request (io_find_buf_node()), the range import
// (io_import_fixed() via validate_fixed_range()), and the put when the request is freed
// (io_req_put_rsrc_nodes()).

import { ERRNO, MAX_RW_COUNT, REQ_F, counter, type FixedBufferImporter, type Req, type Seg } from '@uringlab/ring/extend';
import { putRsrcNode } from './node.js';
import { IO_IMU, rsrcRing, type Imu, type RsrcNode } from './state.js';

const C_LOOKUP = counter('lock', 'uring_lock:io_find_buf_node');

/** req->buf_node, for requests that looked one up. */
const bufNodes = new WeakMap<Req, RsrcNode>();

/** The node a request holds (req->buf_node), if it looked one up. */
export function reqBufNode(req: Req): RsrcNode | undefined {
  return bufNodes.get(req);
}

/** validate_fixed_range(): [addr, addr + len) inside the buffer, and at most MAX_RW_COUNT. */
export function validateFixedRange(addr: number, len: number, imu: Imu): number {
  const end = BigInt(addr) + BigInt(len);
  if (end > (1n << 64n) - 1n) return -ERRNO.EFAULT;
  if (addr < imu.ubuf || end > BigInt(imu.ubuf + imu.len)) return -ERRNO.EFAULT;
  if (len > MAX_RW_COUNT) return -ERRNO.EFAULT;
  return 0;
}

/** io_import_fixed(): the range as one user segment (the model's pages are the user's). */
export function importFixed(imu: Imu, addr: number, len: number, dir: 'in' | 'out'): Seg[] | number {
  const ret = validateFixedRange(addr, len, imu);
  if (ret) return ret;
  if (!(imu.dir & (dir === 'in' ? IO_IMU.DEST : IO_IMU.SOURCE))) return -ERRNO.EFAULT;
  if (!len) return [];
  return [{ addr, len }];
}

export function fixedBufferImporter(): FixedBufferImporter {
  return {
    attach(req, index, _issueFlags) {
      req.ctx.kernel.costs.add(C_LOOKUP);
      const table = rsrcRing(req.ctx).table;
      // io_rsrc_node_lookup(): an index past the table, or a sparse slot, finds nothing.
      const node = index < table.length ? table[index] : null;
      if (!node) return false;
      node.refs++;
      bufNodes.set(req, node);
      return true;
    },
    import(req, addr, len, dir) {
      const node = bufNodes.get(req);
      if (!node) return -ERRNO.EFAULT;
      return importFixed(node.buf, addr, len, dir);
    },
  };
}

/** io_req_put_rsrc_nodes(): a freed request puts the node it held. */
export function putReqBufNode(req: Req): void {
  if (!(req.flags & REQ_F.BUF_NODE)) return;
  const node = bufNodes.get(req);
  if (!node) return;
  bufNodes.delete(req);
  putRsrcNode(req.ctx, node);
}
