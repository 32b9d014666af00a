// Writes scenario.schema.json and trace.schema.json from the zod schemas (run by `build`).

import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { CoreStep, ScenarioHeader, TraceEvent } from '../src/index.js';

const scenario = z.toJSONSchema(ScenarioHeader.extend({ steps: z.array(z.union([CoreStep, z.looseObject({ op: z.string() })])).min(1) }), { io: 'input', unrepresentable: 'any' });
writeFileSync(new URL('../scenario.schema.json', import.meta.url), JSON.stringify({ title: 'uringlab scenario', ...scenario }, null, 2) + '\n');
writeFileSync(new URL('../trace.schema.json', import.meta.url), JSON.stringify({ title: 'uringlab trace event (one per JSONL line)', ...z.toJSONSchema(TraceEvent, { unrepresentable: 'any' }) }, null, 2) + '\n');
