// Every rsrc scenario: named after its file with the package prefix, compiles to runner
// primitives only, runs on both profiles without a model error, and matches the kernel trace the
// testbed recorded for it on each kernel.

import { scenarioSuite } from '@uringlab/testkit/suite';
import { extension } from '../src/index.js';
import { files } from './helpers.js';

// Huge-page scenarios run where huge pages are free: in the testbed guest (7.3), not on our hosts.
const needsHuge = (name: string) => (files.load(name) as { steps: { op: string }[] }).steps.some((s) => s.op === 'rsrc.huge_region');

scenarioSuite({
  title: 'rsrc scenarios', files, extensions: [extension], atLeast: 40, prefix: 'rsrc-',
  requireTraces: { why: '7.3 only for huge pages', exempt: (name, kernel) => kernel === '6.18' && needsHuge(name) },
});
