// io_kiocb_update_pos() (io_uring/rw.c): where a transfer happens in the file.

import { REQ_F, type Req } from '../core/req.js';
import { rwCmd } from './cmd.js';

/**
 * The offset to use, or undefined for "the file's position": offset -1 on a seekable file uses
 * (and, once the transfer succeeds, advances) f_pos (REQ_F_CUR_POS); stream files have none.
 */
export function updatePos(req: Req): number | undefined {
  const rw = rwCmd(req);
  if (rw.pos !== -1) return rw.pos;
  if (!req.file!.stream) req.flags |= REQ_F.CUR_POS;
  return undefined;
}
