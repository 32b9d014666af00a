// The one public extension API. A package plugs into the core with an Extension: opcodes
// (replacing table entries), register opcodes, per-ring state (defineRingState), hooks the core
// calls at fixed points (buffer selection, CQE posted, ring teardown), scenario steps that
// compile to primitive program operations, and decoders for register arguments in traces.

import type { z } from 'zod';
import type { OpDef } from './core/opdef.js';
import type { RingCtx } from './core/ctx.js';
import type { Req } from './core/req.js';
import type { Kernel } from './kernel.js';
import type { StructDef } from './uapi/layout.js';
import type { Mapping } from './memory.js';
import type { ProgramOp } from './scenario/program.js';
import type { CompileContext } from './scenario/compile-context.js';

export interface RegisterOpDef {
  readonly opcode: number;
  readonly name: string;
  /** Runs under uring_lock; returns the syscall result (>= 0) or a negative errno. */
  handler(ctx: RingCtx, arg: number, nrArgs: number): number;
  /** Struct the argument points to, so traces can show what the kernel wrote back. */
  readonly argStruct?: StructDef;
}

/** Selected provided buffer. */
export interface BufferSelection {
  addr: number;
  len: number;
}

/** The buffer provider (provided buffers); the core has none and answers -ENOBUFS. */
export interface BufferProvider {
  /** io_buffer_select(): a buffer for the request, or undefined when the group has none. */
  select(req: Req, len: number, issueFlags: number): BufferSelection | undefined;
  /** io_put_kbuf(): give the buffer up at completion; returns the CQE flags to add. */
  put(req: Req, res: number, issueFlags: number): number;
  /** io_kbuf_recycle(): the request will retry; `path` tells which opcode family asks. */
  recycle(req: Req, issueFlags: number, path: 'rw' | 'net'): void;
}

export interface ExtensionHooks {
  /** After CQEs were posted on a ring (io_commit_cqring_flush: eventfd signalling lives here). */
  cqePosted?(ctx: RingCtx): void;
  /** When a ring is created (after setup succeeded). */
  ringCreated?(ctx: RingCtx): void;
  /** When a ring's last reference goes (io_ring_exit_work). */
  ringExit?(ctx: RingCtx): void;
  /**
   * mmap() of the ring fd at an offset the core does not own (io_uring_mmap(): e.g.
   * IORING_OFF_PBUF_RING | bgid << IORING_OFF_PBUF_SHIFT): a mapping, -errno, or undefined.
   */
  mmap?(ctx: RingCtx, offset: number): Mapping | number | undefined;
  /** Whether a registered buffer exists at index (NOP with IORING_NOP_FIXED_BUFFER). */
  hasFixedBuffer?(ctx: RingCtx, index: number): boolean;
}

export interface StepDef<S extends z.ZodType = z.ZodType> {
  /** The step's `op` value in scenarios, namespaced like `kbuf.provide`. */
  readonly op: string;
  readonly schema: S;
  /** One-line description for docs and schema output. */
  readonly description: string;
  compile(step: z.infer<S>, cc: CompileContext): ProgramOp[];
}

export interface Extension {
  readonly name: string;
  readonly ops?: readonly OpDef[];
  readonly registerOps?: readonly RegisterOpDef[];
  readonly bufferProvider?: (kernel: Kernel) => BufferProvider;
  readonly hooks?: ExtensionHooks;
  readonly steps?: readonly StepDef[];
  /** Runs once when the extension is attached to a kernel. */
  init?(kernel: Kernel): void;
}

export function defineExtension(ext: Extension): Extension {
  return Object.freeze(ext);
}

export function defineStep<S extends z.ZodType>(def: StepDef<S>): StepDef<S> {
  return def;
}
