// Copies the kernel traces of the eventfd scenarios out of testbed reports into test/kernel-traces/<profile>/,
// where the unit tests compare the model with them. Usage (default: testbed/out/vm and
// testbed/out/native, each that holds a report):
//   tsx --conditions=@uringlab/source scripts/import-testbed.ts [REPORT_DIR]...

import { importTraces } from '@uringlab/testkit/import-traces';

importTraces({ source: '@uringlab/eventfd-rcu', into: new URL('../test/kernel-traces/', import.meta.url), reports: process.argv.slice(2) });
