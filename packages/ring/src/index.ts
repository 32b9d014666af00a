// @uringlab/ring: the io_uring ring core model, its UAPI codecs, scenarios and traces.

export * from './uapi/index.js';
export { UringError, isUringError, type UringErrorCode } from './errors.js';
export { Costs, counter, DEFAULT_COST_MODEL, type CostKind, type CostModel, type CostRow } from './cost.js';
export { Scheduler, PerCpu, Rng, type Work } from './sched.js';
export { UserMemory, PAGE_SIZE, TASK_SIZE, pageAlign, type Mapping } from './memory.js';
export { PROFILES, DEFAULT_KERNEL, getProfile, type KernelId, type KernelProfile } from './profile.js';
export { Kernel, RingFile, Task, type KernelOptions, type SetupParams } from './kernel.js';
export { RingCtx, defineRingState, CHECK_CQ, type RingStateKey } from './core/ctx.js';
export { Req, REQ_F, ISSUE_F, IOU_COMPLETE, IOU_ISSUE_SKIP_COMPLETE, IOU_RETRY, reqSetFail, reqSetRes } from './core/req.js';
export { opFlags, buildOpTable, type OpDef, type OpFlags } from './core/opdef.js';
export { SqeReader } from './core/sqe.js';
export { postCqe, fillCqeAux, flushOverflow } from './core/cqe.js';
export { completeDefer, reqPostCqe, taskWorkAdd, reqTaskQueue, flushCompletions } from './core/complete.js';
export { armPollHandler, APOLL } from './core/poll.js';
export { prepareConfig, fillParams, sanitiseParams, ringsSize, roundupPow2, RINGS, type RingLayout } from './core/setup.js';
export { WATCHDOG_NS } from './core/enter.js';
export { UserRing, type Cqe, type SqeInit } from './user/ring.js';
export { MAX_RW_COUNT, rwPrep, type RwCmd } from './ops/rw.js';
export { FileObj, type PollDir, type ReadResult } from './files/file.js';
export { StreamEnd, makePipe, makeSocketPair } from './files/stream.js';
export { RegularFile, BlockDevice, patternBytes } from './files/regular.js';
export { EventFd } from './files/eventfd.js';
export {
  defineExtension, defineStep, type Extension, type ExtensionHooks, type RegisterOpDef, type StepDef,
  type BufferProvider, type BufferSelection,
} from './extension.js';
export { CoreStep, CoreSteps, ScenarioHeader, SqeFields, type Scenario } from './scenario/schema.js';
export { CompileContext, type FieldInput } from './scenario/compile-context.js';
export { parseScenario, compileScenario } from './scenario/compile.js';
export { programToText, opToText, isModelOnly, type Program, type ProgramOp, type CompiledOp, type Fixup } from './scenario/program.js';
export { ModelExecutor, runOnModel, type ModelRunOptions } from './scenario/model-executor.js';
export { runScenario, type ScenarioRun } from './scenario/run.js';
export { TraceEvent, toJsonl, fromJsonl } from './trace/events.js';
export { decodeRecords } from './trace/decode.js';
export { diffTraces, type DiffResult, type Divergence } from './trace/diff.js';
