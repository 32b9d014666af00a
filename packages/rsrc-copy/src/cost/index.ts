// @uringlab/rsrc-copy's cost model: registering a buffer pool in every ring versus registering
// it once and cloning the table (see COSTS.md for the formulas and where each price comes from).

export { KIB, MIB, GIB, TIB, PAGE_SIZE, parseSize, formatBytes, formatNs } from './units.js';
export { poolShape, type PoolInput, type PoolShape } from './shape.js';
export { SEED_PROFILE, type CostConstant, type CostProfile } from './constants.js';
export { COST_PROFILES, NATIVE_618_PROFILE, VM_73_PROFILE, type CostProfileId } from './profiles.js';
export { registerCost, registerCostOf, cloneCost, cloneCostOf, type RegisterCost, type CloneCost } from './model.js';
export { fitPrices, nnlsRelative, type FittedPrices, type TimingObservation } from './fit.js';
export { IORING_MAX_REG_BUFFERS, BUFFER_CAP, USER_ADDRESS_SPACE, MAX_RINGS, defaultBufferBytes } from './limits.js';
export { planPool, validatePlanInput, type Plan, type PlanInput, type StrategyCost, type StrategyId } from './plan.js';
export { sweepPools, SWEEP_PAGE_SIZES, type SweepPoint, type SweepSeries } from './sweep.js';
export { reproduceSeed, SEED_FIGURES, type SeedReproduction } from './seed.js';
export { renderPlanHtml } from './html.js';
export { formatPlan, planJson } from './report.js';
