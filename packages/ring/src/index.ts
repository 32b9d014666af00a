// @uringlab/ring: the io_uring ring core model, its UAPI codecs, scenarios and traces. This
// entry is what users of the models need; extension authors import @uringlab/ring/extend.

export * from './uapi/index.js';
export { VERSION } from './version.js';
export { UringError, isUringError, type UringErrorCode } from './errors.js';
export { Costs, counter, priceSince, DEFAULT_COST_MODEL, TIME_CONSTANTS, type CostKind, type CostModel, type CostRow, type TimeConstant } from './cost.js';
export { PROFILES, DEFAULT_KERNEL, getProfile, type KernelId, type KernelProfile } from './profile.js';
export { Kernel, CORE_OPS, type KernelOptions, type SetupParams } from './kernel.js';
export { UserRing, type Cqe, type SqeInit } from './user/ring.js';
export type { Extension } from './extension/types.js';
export { CoreStep, CoreSteps, ScenarioHeader, SqeFields, type Scenario } from './scenario/schema.js';
export type { CoreStepInput, ExtensionSteps, ScenarioInput, ScenarioStep } from './scenario/input.js';
export { parseScenario, compileScenario, stepCompiler } from './scenario/compile.js';
export { programToText, opToText, isModelOnly, type Program, type ProgramOp, type CompiledOp, type Fixup } from './scenario/program.js';
export { ModelExecutor, runOnModel, type ModelRunOptions } from './scenario/model-executor.js';
export { runScenario, type ScenarioRun } from './scenario/run.js';
export { RUNNER_LIMITS, type RunnerLimits } from './scenario/limits.js';
export { TraceEvent, toJsonl, fromJsonl } from './trace/events.js';
export { decodeRecords } from './trace/decode.js';
export { diffTraces, type DiffResult, type Divergence } from './trace/diff.js';
export * from './fuzz/index.js';
