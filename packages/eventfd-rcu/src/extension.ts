// The eventfd extension: register opcodes 4, 5 and 7, the commit and local-work hooks where io_uring
// signals, the teardown that unregisters, the `eventfd.*` scenario steps, and the design
// (strategy) every ring of the kernel uses. It replaces no core opcode.

import { UringError, defineExtension, type Extension } from '@uringlab/ring/extend';
import { EVENTFD_REGISTER_OPS } from './register.js';
import { onCqCommit, onLocalWorkQueued, onRingFree } from './hooks.js';
import { configure } from './state.js';
import { EVENTFD_STEPS } from './steps/index.js';
import { EVENTFD_COST_MODEL } from './cost-model.js';
import { STRATEGIES, STRATEGY_NAMES, isStrategy, type StrategyName } from './strategy/index.js';

/** This package's name, as conflicts and dependencies name it. */
export const EVENTFD_EXTENSION_NAME = '@uringlab/eventfd-rcu';

export interface EventfdOptions {
  /** How register/unregister are made safe: 'rcu' (the seed; 6.18, 7.3) or 'quiesce' (up to 5.17). Default 'rcu'. */
  strategy?: StrategyName;
}

export function eventfdExtension(opts: EventfdOptions = {}): Extension {
  const name = opts.strategy ?? 'rcu';
  if (!isStrategy(name)) throw new UringError('EINVAL', `unknown eventfd strategy ${String(name)}; known: ${STRATEGY_NAMES.join(', ')}`);
  const strategy = STRATEGIES[name];
  return defineExtension({
    name: EVENTFD_EXTENSION_NAME,
    registerOps: EVENTFD_REGISTER_OPS,
    hooks: {
      cqCommit: onCqCommit,
      localWorkQueued: onLocalWorkQueued,
      ringExit: { free: onRingFree },
    },
    steps: EVENTFD_STEPS,
    costModel: EVENTFD_COST_MODEL,
    init(kernel) {
      configure(kernel, strategy);
    },
  });
}

/** The default instance (RCU, as 6.18 and 7.3), for the CLI and the testbed. */
export const extension: Extension = eventfdExtension();
