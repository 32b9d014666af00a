// io_uring_setup(2): io_uring_create() (io_uring/io_uring.c) with io_sq_offload_create()'s
// checks: params are read from user memory, validated, the rings allocated and mapped, and the
// params (sizes, offsets, features) written back.

import { ERRNO } from '../uapi/errno.js';
import { IORING_SETUP as S } from '../uapi/constants.js';
import { IO_URING_PARAMS } from '../uapi/structs.js';
import { decode, encodeInto } from '../uapi/layout.js';
import { prepareConfig, ringOffsets } from './setup.js';
import { RingCtx } from './ctx.js';
import { chargeRingRegions, recordRingCharge, unchargeRingRegions } from './ring-pages.js';
import { isRingFile, RingFile } from './ring-file.js';
import type { IoHost } from './host.js';
import type { FdTable } from '../files/fdtable.js';

/** Returns the new ring's fd and context, or a negative errno. */
export function ioUringCreate(host: IoHost, fds: FdTable, entries: number, paramsAddr: number): { fd: number; ctx: RingCtx } | number {
  const raw = host.memory.read(paramsAddr, IO_URING_PARAMS.size);
  if (!raw) return -ERRNO.EFAULT;
  const p = decode(IO_URING_PARAMS, raw);
  const layout = prepareConfig(
    {
      entries,
      flags: Number(p.flags),
      cq_entries: Number(p.cq_entries),
      sq_thread_cpu: Number(p.sq_thread_cpu),
      sq_thread_idle: Number(p.sq_thread_idle),
      wq_fd: Number(p.wq_fd),
      resv: (p.resv as number[]).map(Number),
    },
    host.profile,
  );
  if (typeof layout === 'number') return layout;
  const flags = layout.flags;
  // io_allocate_scq_urings(): io_create_region() of the rings, then of the SQEs. With NO_MMAP the
  // application supplies the memory (the model keeps its own copy mapped there).
  if (flags & S.NO_MMAP && !Number(p['cq_off.user_addr'])) return -ERRNO.EFAULT;
  if (flags & S.NO_MMAP && !Number(p['sq_off.user_addr'])) return -ERRNO.EFAULT;
  const charge = chargeRingRegions(host, layout);
  if (typeof charge === 'number') return charge;
  const ret = sqOffloadCreate(host, fds, flags, p);
  if (ret) {
    unchargeRingRegions(host, charge);
    return ret;
  }
  const ctx = new RingCtx(host, layout);
  const off = ringOffsets(layout);
  const out = new DataView(raw.buffer);
  const values: Record<string, number> = {
    sq_entries: layout.sq_entries,
    cq_entries: layout.cq_entries,
    features: host.profile.features,
  };
  for (const [k, v] of Object.entries(off.sq_off)) values[`sq_off.${k}`] = v;
  for (const [k, v] of Object.entries(off.cq_off)) values[`cq_off.${k}`] = v;
  if (flags & S.NO_SQARRAY) delete values['sq_off.array'];
  values['sq_off.resv1'] = 0;
  values['cq_off.resv1'] = 0;
  encodeInto(IO_URING_PARAMS, out, 0, values);
  if (!host.memory.write(paramsAddr, raw)) {
    unchargeRingRegions(host, charge);
    return -ERRNO.EFAULT;
  }
  recordRingCharge(ctx, charge);
  ctx.ringsAddr = host.memory.mapBytes(ctx.rings, 'io_uring:rings').addr;
  ctx.sqesAddr = host.memory.mapBytes(ctx.sqes, 'io_uring:sqes').addr;
  const fd = fds.install(new RingFile(ctx));
  ctx.fd = fd;
  return { fd, ctx };
}

/** io_sq_offload_create()'s checks of the io-wq to attach to and of the SQPOLL CPU. */
function sqOffloadCreate(host: IoHost, fds: FdTable, flags: number, p: Record<string, unknown>): number {
  if ((flags & (S.ATTACH_WQ | S.SQPOLL)) === S.ATTACH_WQ) {
    const f = fds.get(Number(p.wq_fd));
    if (!f) return -ERRNO.ENXIO;
    if (!isRingFile(f)) return -ERRNO.EINVAL;
  }
  if (flags & S.SQ_AFF && (!(flags & S.SQPOLL) || Number(p.sq_thread_cpu) >= host.sched.nrCpus)) return -ERRNO.EINVAL;
  return 0;
}
