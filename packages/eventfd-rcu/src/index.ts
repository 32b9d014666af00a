// @uringlab/eventfd-rcu: io_uring eventfd notification (REGISTER_EVENTFD, _ASYNC, UNREGISTER;
// when the counter moves), registered without quiescing the ring (RCU, the seed), with the
// pre-seed quiesce design as a strategy and a cost model for both.

export { eventfdExtension, extension, EVENTFD_EXTENSION_NAME, type EventfdOptions } from './extension.js';
export { eventfdKnobs, type EventfdKnobs } from './profile.js';
export { EVFD, EvfdRing, IoEvFd, IO_EVENTFD_OP_SIGNAL_BIT, configOf, statsOf, evfdRing, type EventfdConfig, type EventfdStats } from './state.js';
export { eventfdSignal, eventfdRegister, eventfdUnregister, eventfdPut } from './evfd.js';
export { EVENTFD_REGISTER_OPS, REGISTER_EVENTFD, REGISTER_EVENTFD_ASYNC, UNREGISTER_EVENTFD } from './register.js';
export { EVENTFD_STEPS, EVENTFD_FUZZ, EVENTFD_REG_ARG, countOf } from './steps/index.js';
export { SETTLE_MS, type EventfdFuzzChoices, type EventfdFuzzEnv, type EventfdStepFuzz } from './steps/fuzz.js';
export { STRATEGIES, STRATEGY_NAMES, RCU_STRATEGY, QUIESCE_STRATEGY, isStrategy, lastQuiesce, type EventfdStrategy, type StrategyName, type QuiesceReport } from './strategy/index.js';
export { EVENTFD_COST_MODEL, COST_NOTES, quiesceWaitNs, type QuiesceLoad } from './cost-model.js';
