// struct io_cancel_data and io_cancel_req_match() (io_uring/cancel.c): what one cancellation
// looks for (user_data, a file, an opcode, or anything) and the sequence that lets ALL and ANY
// match each request only once. A leaf, so poll, io-wq and timeout code can all use it.

import { IORING_ASYNC_CANCEL as C } from '../uapi/constants.js';
import type { FileObj } from '../files/file.js';
import type { RingCtx } from './ctx.js';
import type { Req } from './req.js';

export interface CancelData {
  ctx: RingCtx;
  /** cd->data: the user_data to match, as two u32 halves. */
  udLo: number;
  udHi: number;
  flags: number;
  opcode: number;
  file: FileObj | null;
  seq: number;
}

/** A cancel data for the user_data of `req` (a linked timeout's io_try_cancel()). */
export function cancelDataFor(ctx: RingCtx, udLo: number, udHi: number): CancelData {
  return { ctx, udLo, udHi, flags: 0, opcode: 0, file: null, seq: 0 };
}

/** io_cancel_match_sequence(): true when this cancellation already matched the request. */
function matchSequence(req: Req, seq: number): boolean {
  if (req.cancelSeq === seq) return true;
  req.cancelSeq = seq;
  return false;
}

/** io_cancel_req_match() */
export function cancelReqMatch(req: Req, cd: CancelData): boolean {
  let matchUserData = (cd.flags & C.USERDATA) !== 0;
  if (req.ctx !== cd.ctx) return false;
  if (!(cd.flags & (C.FD | C.OP))) matchUserData = true;
  if (!(cd.flags & C.ANY)) {
    if (cd.flags & C.FD && req.file !== cd.file) return false;
    if (cd.flags & C.OP && req.opcode !== cd.opcode) return false;
    if (matchUserData && (req.udLo !== cd.udLo || req.udHi !== cd.udHi)) return false;
    if (!(cd.flags & C.ALL)) return true;
  }
  return !matchSequence(req, cd.seq);
}

const GOLDEN_RATIO_64 = 0x61c8864680b583ebn;

/** hash_long() on a 64-bit kernel (hash_64()): the cancel table bucket of a user_data. */
export function hashLong(lo: number, hi: number, bits: number): number {
  const v = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return Number(((v * GOLDEN_RATIO_64) & 0xffffffffffffffffn) >> BigInt(64 - bits));
}
