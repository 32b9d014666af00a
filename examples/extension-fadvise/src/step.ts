// The `fadvise.advise` scenario step: one SQE, written with the UAPI codec, so the same
// scenario runs on the model and, through the C runner, on a kernel.

import { z } from 'zod';
import { IORING_OP, IO_URING_SQE, defineStep, type FieldInput } from '@uringlab/ring/extend';
import { POSIX_FADV } from './fadvise.js';

const schema = z.object({
  op: z.literal('fadvise.advise'),
  ring: z.string(),
  fd: z.string(),
  offset: z.number().int().nonnegative().default(0),
  len: z.number().int().min(0).max(0xffffffff).default(0),
  advice: z.union([z.enum(Object.keys(POSIX_FADV) as [keyof typeof POSIX_FADV]), z.number().int().min(0).max(0xffffffff)]),
  user_data: z.number().int().nonnegative().default(0),
}).strict();

/** The step as written in a scenario. */
export type AdviseStep = z.input<typeof schema>;

// Importing this package adds the step to the core's scenario type (ScenarioInput).
declare module '@uringlab/ring' {
  interface ExtensionSteps {
    '@uringlab/example-fadvise': AdviseStep;
  }
}

export const ADVISE_STEP = defineStep({
  op: 'fadvise.advise',
  schema,
  description: 'queue an IORING_OP_FADVISE SQE (advice by POSIX_FADV_ name or number)',
  compile(s, cc) {
    cc.ring(s.ring);
    cc.requireFd(s.fd);
    const bytes = new Uint8Array(64);
    const values: Record<string, FieldInput> = {
      opcode: IORING_OP.FADVISE,
      fd: s.fd,
      off: s.offset,
      len: s.len,
      op_flags: typeof s.advice === 'number' ? s.advice : POSIX_FADV[s.advice],
      user_data: s.user_data,
    };
    return [{ op: 'sqe', ring: s.ring, bytes, fixups: cc.encodeFields(IO_URING_SQE, values, bytes) }];
  },
});
