// The testbed's API. Independent of @uringlab/ring: it moves program text in and raw records
// out; compiling scenarios and diffing traces happen in the caller (main.ts).
export { prepare, type PrepareOptions, type Prepared, type KernelImage } from './prepare.js';
export { runInVm, type RunInVmOptions } from './vm.js';
export { fetchStage, buildStage, bootStage, type Built, type BuildStageOptions, type BootStageOptions } from './stages.js';
export { runShell, type ShellOptions, type ShellResult } from './shell.js';
export { runNative, ioUringDisabledReason, type RunNativeOptions } from './native.js';
export { fetchGuest, type FetchOptions, type FetchResult, type Sysroot } from './fetch.js';
export { runProblems, runResultToJson, type RunResult, type RunOutcome, type Timings } from './result.js';
export {
  RecordCollector,
  collectConsole,
  programScenarioIds,
  type Collected,
  type ScenarioResult,
  type ScenarioStatus,
} from './records.js';
export { scanSplats, SPLAT_PATTERNS } from './splats.js';
export { DISK_BLOCK, DISK_BYTES, diskByte, writeDisk } from './disk.js';
export { buildInitramfs, GUEST_DISK, GUEST_PROGRAM, type InitramfsInputs, type InitramfsResult } from './initramfs.js';
export type { AccelChoice, AccelDecision } from './accel.js';
export type { Accel } from './qemu-args.js';
export type { TestbedEvent, OnEvent } from './events.js';
export { dirs, TESTBED_DIR, type Dirs } from './paths.js';
