// @uringlab/ring/extend: the extension API. A package that models more of io_uring (provided
// buffers, registered buffers, eventfd, zcrx, ...) builds on this entry: it defines an
// Extension, and its opcodes, importers and hooks use the core's request machinery below.
// Everything of the main entry is here too, so an extension needs one import.

export * from './index.js';

// Defining an extension.
export { defineExtension, defineStep, defineRingState, defineKernelState, type RingStateKey, type KernelStateKey } from './extension/define.js';
export {
  KBUF_MODE, bufSelArg,
  type ExtensionDef, type ExtensionHooks, type RingExitHooks, type RegisterOpDef, type StepDef,
  type BufferProvider, type BufferSel, type BufSelArg, type FixedBufferImporter, type Seg,
} from './extension/types.js';
export { CORE_OWNER, resolveExtensions } from './extension/registry.js';

// The simulated kernel's parts an extension touches.
export { Scheduler, PerCpu, Rng, EXEC_CONTEXTS, type Work, type ExecContext, type SchedulerOptions, type TimerOptions } from './sched.js';
export { UserMemory, PAGE_SIZE, TASK_SIZE, pageAlign, type Mapping } from './memory.js';
export { RingFile, isRingFile, Task } from './kernel.js';
export type { IoHost, HookBus, TaskWorkQueue } from './core/host.js';
export { RingCtx, CHECK_CQ } from './core/ctx.js';
export { Req, REQ_F, ISSUE_F, IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, IOU_RETRY, reqSetFail, reqSetRes, reqSetCqe32Extra } from './core/req.js';
export { opFlags, buildOpTable, isModelled, type OpDef, type OpFlags } from './core/opdef.js';
export { SqeReader } from './core/sqe.js';
export { postCqe, fillCqeAux, fillCqeAux32, cqe32Flag, flushOverflow, commitCqringFlush } from './core/cqe.js';
export { postAuxCqe } from './core/aux-cqe.js';
export { completeDefer, reqPostCqe, reqPostCqe32, flushCompletions } from './core/complete.js';
export { taskWorkAdd, reqTaskQueue, TWQ, localWorkPending } from './core/tw.js';
export { runLocalWork, runLocalWorkSig } from './core/tw-run.js';
export { quiesceRing } from './core/quiesce.js';
export { armPollHandler, APOLL } from './core/poll.js';
export { doBufferSelect, putKbufs, NO_PROVIDED_BUFFERS } from './core/kbuf.js';
export { findBufNode, importRegBuf, importRegVec, NO_FIXED_BUFFERS } from './core/rsrc.js';
export { prepareConfig, fillParams, sanitiseParams, ringsSize, roundupPow2, RINGS, type RingLayout } from './core/setup.js';
export { WATCHDOG_NS } from './core/enter.js';
export { MAX_RW_COUNT, UIO_MAXIOV } from './rw/limits.js';
export { rwPrep, rwPrepCommon } from './rw/prep.js';
export { rwCmd, type RwCmd, type RwDir } from './rw/cmd.js';
export { iopollCheck, doIopoll } from './core/iopoll.js';
export { MsgIter, RecvIter, bundleNbufs, type IterKind } from './net/iter.js';
export {
  MappedRegion, IORING_MAP_OFF, IO_REGION_F,
  createRegion, freeRegion, regionGetPtr, regionIsSet, regionSize, regionValidateMmap, regionMmap, insertPages,
  regionDesc, regionPublish, decodeRegionDesc, encodeRegionDesc, pinPages,
  type RegionDesc, type PinnedPages,
} from './core/memmap.js';
export { MemAccounting, accountMem, unaccountMem, memAccounting, ioAccountMem, ioUnaccountMem, procStatusField } from './core/mem-account.js';
export type { MmapRegionLookup } from './core/mmap.js';
export { cqWaitArg, type CqWaitArg } from './core/param-region.js';
export { registerGetFile, IO_RINGFD_REG_MAX, type IoUringTask } from './core/tctx.js';

// Files.
export { FileObj, type PollDir, type ReadResult } from './files/file.js';
export { StreamEnd, makePipe, makeSocketPair, isSocket } from './files/stream.js';
export { RegularFile, BlockDevice, patternBytes, isBlockDevice } from './files/regular.js';
export { EventFd, isEventFd, eventfdSignalAllowed, EFD_SEMAPHORE, EFD_NONBLOCK, EFD_CLOEXEC } from './files/eventfd.js';
export { POLL } from './files/file.js';

// Step generators for the differential fuzzer.
export { isUdp, makeFd, MAX_FDS, ringWithRoom, anyLiveRing, ringPicker, type LiveRings } from './fuzz/gen/common.js';

// Scenario compilation, for extension steps.
export { CompileContext, type FieldInput } from './scenario/compile-context.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
