// Every eventfd scenario: named after its file with the package prefix, compiles to runner
// primitives only, runs on both profiles without a model error, and matches the kernel trace the
// testbed recorded for it on each kernel.

import { scenarioSuite } from '@uringlab/testkit/suite';
import { extension } from '../src/index.js';
import { files } from './helpers.js';

scenarioSuite({ title: 'eventfd scenarios', files, extensions: [extension], atLeast: 30, prefix: 'eventfd-', requireTraces: {} });
