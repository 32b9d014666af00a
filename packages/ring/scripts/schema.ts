// Writes scenario.schema.json and trace.schema.json from the zod schemas (run by `build`).

import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { TraceEvent, scenarioJsonSchema } from '../src/extend.js';

writeFileSync(new URL('../scenario.schema.json', import.meta.url), JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
writeFileSync(new URL('../trace.schema.json', import.meta.url), JSON.stringify({ title: 'uringlab trace event (one per JSONL line)', ...z.toJSONSchema(TraceEvent, { unrepresentable: 'any' }) }, null, 2) + '\n');
