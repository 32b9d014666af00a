// A planted divergence for the fuzzer's tests: IORING_OP_FADVISE (which the core does not
// model) as two extensions. `truthfulFadvise` answers pipes with -ESPIPE, as generic_fadvise() does;
// `plantedFadvise` wrongly answers 0. Run the truthful one as "the kernel" and judge the planted one:
// every case that advises a pipe diverges, and the minimal such case is small and known.

import { z } from 'zod';
import {
  ERRNO, IORING_OP, IOU_COMPLETE, IO_URING_SQE, defineExtension, defineStep, opFlags, reqSetFail, ringWithRoom,
  type Extension, type FieldInput, type OpDef,
} from '../extend.js';

function fadvise(wrong: boolean): OpDef {
  return {
    opcode: IORING_OP.FADVISE, name: 'FADVISE', ...opFlags('FADVISE'),
    prep: () => 0,
    issue(req) {
      const pipe = req.file!.kind.startsWith('pipe');
      req.res = pipe && !wrong ? -ERRNO.ESPIPE : 0;
      if (req.res < 0) reqSetFail(req);
      return IOU_COMPLETE;
    },
  };
}

const step = defineStep({
  op: 'plant.fadvise',
  description: 'an IORING_OP_FADVISE SQE on fd',
  schema: z.object({ op: z.literal('plant.fadvise'), ring: z.string(), fd: z.string(), user_data: z.number().int() }).strict(),
  compile(s, cc) {
    cc.ring(s.ring);
    cc.requireFd(s.fd);
    const bytes = new Uint8Array(64);
    const values: Record<string, FieldInput> = { opcode: IORING_OP.FADVISE, fd: s.fd, user_data: s.user_data };
    return [{ op: 'sqe', ring: s.ring, bytes, fixups: cc.encodeFields(IO_URING_SQE, values, bytes) }];
  },
  fuzz: {
    weight: 3,
    generate(c, env) {
      const fds = env.openFds(['pipe-r', 'pipe-w', 'file']);
      if (!fds.length) return undefined;
      const ring = ringWithRoom(c, env);
      if (!ring) return undefined;
      return [{ op: 'plant.fadvise', ring: ring.name, fd: c.pick(fds).name, user_data: env.userData() }];
    },
  },
});

/** FADVISE as generic_fadvise() answers it: -ESPIPE on a pipe. */
export const truthfulFadvise: Extension = defineExtension({ name: '@test/fadvise', ops: [fadvise(false)], steps: [step] });
/** FADVISE answered wrongly: 0 on a pipe, a divergence from truthfulFadvise in every case that advises one. */
export const plantedFadvise: Extension = defineExtension({ name: '@test/fadvise', ops: [fadvise(true)], steps: [step] });
