// Every kbuf scenario: named after its file, compiles to runner primitives only, runs on both
// profiles without a model error, and (where a kernel trace was recorded) matches the kernel.

import { scenarioSuite } from '@uringlab/testkit/suite';
import { extension } from '../src/index.js';
import { files } from './helpers.js';

scenarioSuite({ title: 'kbuf scenarios', files, extensions: [extension], atLeast: 40 });
