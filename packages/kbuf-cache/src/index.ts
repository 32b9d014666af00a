// @uringlab/kbuf-cache: io_uring provided buffers (legacy groups, ring-mapped and incremental
// rings, multishot and bundle receive), the legacy allocation strategies and their costs, and a
// buffer-sizing helper.

export { kbufExtension, extension, KBUF_EXTENSION_NAME, type KbufOptions } from './extension.js';
export { kbufKnobs, type KbufKnobs } from './profile.js';
export { KBUF, KbufCtx, kbufCtx, configOf, type KbufConfig } from './state.js';
export { BufferList, IOBL, type LegacyBuf, type KbufReq } from './types.js';
export { MAX_BIDS_PER_BGID, MAX_RW_COUNT, PROVIDE_BUFFERS, REMOVE_BUFFERS } from './legacy/manage.js';
export { bufferSelect, buffersPeek, putKbufs, kbufRecycle, destroyBuffers, doBufferSelect } from './kbuf.js';
export { kbufCommit, kbufIncCommit } from './ring/commit.js';
export { ringAvail, ringTail } from './ring/entries.js';
export { KBUF_REGISTER_OPS } from './ring/register.js';
export { KBUF_STEPS } from './steps/index.js';
export type { KbufStep } from './steps/types.js';
export { createAllocator, isStrategy, STRATEGIES, KBUF_COST_MODEL, COST_NOTES, type KbufAllocator, type StrategyName, type AllocStats } from './alloc/index.js';
export { REQUEST_NS } from './alloc/cost-model.js';
export { UserBufRing } from './user/buf-ring.js';
export { kbufSize, type SizingReport, type SeriesPoint, type SizingOptions } from './sizing/simulate.js';
export { SizingWorkload, parseWorkload, type SizingInput } from './sizing/workload.js';
export {
  formatReport, describeWorkload, suggestGroupSize, sweepGroupSizes, sweepSizes, MAX_GROUP,
  type SuggestedGroup, type SweepPoint, type SizingProgress, type SearchOptions,
} from './sizing/report.js';
export { fmtBytes, fmtCount, fmtPct } from './sizing/units.js';
export { renderHtml, occupancySvg, sweepSvg, type HtmlExtras } from './sizing/html.js';
export { cli, runSizing, workloadFromArgs, progressReporter, USAGE as SIZE_USAGE, type CliIo, type SizingFlags } from './sizing/cli.js';
