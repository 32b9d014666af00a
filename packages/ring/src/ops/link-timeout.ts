// IORING_OP_LINK_TIMEOUT (io_uring/timeout.c): io_link_timeout_prep(). It is never issued on its
// own: the request before it arms it (core/link-timeout.ts), so ->issue is io_no_issue().

import { ERRNO } from '../uapi/errno.js';
import { IORING_OP } from '../uapi/constants.js';
import { opFlags, type OpDef } from '../core/opdef.js';
import { timeoutPrep } from './timeout.js';

export const LINK_TIMEOUT: OpDef = {
  opcode: IORING_OP.LINK_TIMEOUT, name: 'LINK_TIMEOUT', ...opFlags('LINK_TIMEOUT'),
  prep: (req, sqe) => timeoutPrep(req, sqe, true),
  // io_no_issue(): WARN_ON_ONCE, -ECANCELED.
  issue: () => -ERRNO.ECANCELED,
};
