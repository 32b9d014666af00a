// Writes scenario.schema.json: the core's scenario schema plus the kbuf steps (run by `build`).
// Point a scenario's "$schema" at it (node_modules/@uringlab/kbuf-cache/scenario.schema.json)
// and an editor flags a misspelt kbuf step or field as well as a core one.

import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from '@uringlab/ring/extend';
import { KBUF_STEPS } from '../src/index.js';

const schema = scenarioJsonSchema(KBUF_STEPS, 'uringlab scenario (core and @uringlab/kbuf-cache steps)');
writeFileSync(new URL('../scenario.schema.json', import.meta.url), JSON.stringify(schema, null, 2) + '\n');
