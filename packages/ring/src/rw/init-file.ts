// io_rw_init_file() and kiocb_set_rw_flags() (io_uring/rw.c, include/linux/fs.h): checks made at
// issue, once the buffer is imported, in the kernel's order. The file must be open for the
// direction (-EBADF); rw_flags must be known; on an IOPOLL ring only O_DIRECT files with an
// ->iopoll method can be used (-EOPNOTSUPP: pipes, buffered files), elsewhere RWF_HIPRI is -EINVAL.

import { ERRNO } from '../uapi/errno.js';
import { IORING_SETUP as S, RWF, RWF_SUPPORTED } from '../uapi/constants.js';
import { UringError } from '../errors.js';
import { REQ_F, type Req } from '../core/req.js';
import { FMODE } from '../files/file.js';
import { RegularFile } from '../files/regular.js';
import { rwCmd, type RwDir } from './cmd.js';

/** RWF_* flags the model does not implement (they change how data lands). */
const RWF_UNMODELLED = RWF.ATOMIC | RWF.DONTCACHE;

/** kiocb_set_rw_flags(): 0 or -errno; RWF_NOWAIT makes -EAGAIN final (REQ_F_NOWAIT). */
function setRwFlags(req: Req, flags: number, dir: RwDir): number {
  if (!flags) return 0;
  if (flags & ~RWF_SUPPORTED) return -ERRNO.EOPNOTSUPP;
  if (flags & RWF.APPEND && flags & RWF.NOAPPEND) return -ERRNO.EINVAL;
  // Pipes, sockets, block devices and eventfd are FMODE_NOWAIT; a regular file is when its
  // filesystem says so: tmpfs files are not (-EOPNOTSUPP for READ and WRITE alike), ext4 files
  // are (a cached READ succeeds, a buffered WRITE is -EAGAIN: no FOP_BUFFER_WASYNC). A tmpfile
  // whose filesystem the scenario did not name cannot say.
  const file = req.file!;
  if (flags & RWF.NOWAIT && file instanceof RegularFile) {
    if (file.fs === undefined) {
      throw new UringError('NOT_MODELLED', 'RWF_NOWAIT on a tmpfile without `fs`: it depends on the filesystem (tmpfs: -EOPNOTSUPP; ext4: cached reads succeed, buffered writes -EAGAIN)');
    }
    if (!file.nowait) return -ERRNO.EOPNOTSUPP;
  } else if (flags & RWF.NOWAIT && file.isReg) {
    throw new UringError('NOT_MODELLED', 'RWF_NOWAIT on a regular file of unknown filesystem');
  }
  if (flags & RWF.ATOMIC && dir !== 'out') return -ERRNO.EOPNOTSUPP;
  if (flags & RWF_UNMODELLED) {
    throw new UringError('NOT_MODELLED', `rw_flags 0x${(flags & RWF_UNMODELLED).toString(16)} (RWF_ATOMIC/DONTCACHE) are not modelled`);
  }
  const rw = rwCmd(req);
  // RWF_APPEND is IOCB_APPEND itself; RWF_NOAPPEND drops the file's (an append-only inode,
  // IS_APPEND, would refuse with -EPERM; the testbed's files are not).
  if (flags & RWF.APPEND) rw.append = true;
  if (flags & RWF.NOAPPEND) rw.append = false;
  if (flags & RWF.NOWAIT) req.flags |= REQ_F.NOWAIT;
  if (flags & RWF.HIPRI) rwCmd(req).hipri = true;
  // RWF_DSYNC/SYNC change nothing the model can show, RWF_NOSIGNAL only the SIGPIPE the testbed
  // ignores.
  return 0;
}

/** io_rw_init_file(): 0 or -errno. */
export function rwInitFile(req: Req, dir: RwDir): number {
  const file = req.file!;
  const rw = rwCmd(req);
  if (!(file.fmode & (dir === 'in' ? FMODE.READ : FMODE.WRITE))) return -ERRNO.EBADF;
  if (file.isReg) req.flags |= REQ_F.ISREG;
  // kiocb->ki_flags = file->f_iocb_flags: IOCB_APPEND for an O_APPEND file.
  rw.append = file instanceof RegularFile && file.oAppend;
  const ret = setRwFlags(req, rw.rwFlags, dir);
  if (ret) return ret;
  if (req.ctx.flags & S.IOPOLL) {
    if (!file.odirect || !file.iopoll) return -ERRNO.EOPNOTSUPP;
    req.flags |= REQ_F.IOPOLL;
    rw.hipri = true;
    req.iopollCompleted = false;
  } else if (rw.hipri) {
    return -ERRNO.EINVAL;
  }
  return 0;
}
