// The published JSON Schema of scenario files, discriminating on `op` so that editors flag a
// misspelt op or field: each known step gets an if/then on its `op`, and an op must be a known
// one or namespaced (`pkg.step`) for an extension the schema does not describe.

import { z } from 'zod';
import type { StepDef } from '../extension/types.js';
import { CoreSteps, ScenarioHeader } from './schema.js';

type Json = Record<string, unknown>;

function stepSchema(schema: z.ZodType): Json {
  const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

function opOf(s: Json): string {
  const op = (s.properties as Record<string, { const?: string }> | undefined)?.op?.const;
  if (typeof op !== 'string') throw new Error('a step schema without a literal op');
  return op;
}

/**
 * The scenario JSON Schema for the core steps plus `extensionSteps`. Ops of other extensions
 * (namespaced, in a namespace not described here) are accepted with any fields.
 */
export function scenarioJsonSchema(extensionSteps: readonly StepDef[] = [], title = 'uringlab scenario'): Json {
  const steps = [...CoreSteps.map((s) => stepSchema(s)), ...extensionSteps.map((s) => stepSchema(s.schema))];
  const ops = steps.map(opOf);
  const namespaces = [...new Set(ops.filter((o) => o.includes('.')).map((o) => o.split('.')[0]!))];
  const other = namespaces.length ? `^(?!(${namespaces.join('|')})\\.)[a-z][a-z0-9-]*\\.[A-Za-z0-9_.-]+$` : '^[a-z][a-z0-9-]*\\.[A-Za-z0-9_.-]+$';
  const item = {
    type: 'object',
    required: ['op'],
    properties: {
      op: {
        description: 'the step: a core step, or an extension step named `namespace.step`',
        anyOf: [{ enum: ops }, { type: 'string', pattern: other, description: 'a step of an extension this schema does not describe' }],
      },
    },
    allOf: steps.map((s, i) => ({ if: { properties: { op: { const: ops[i] } }, required: ['op'] }, then: s })),
  };
  const header = z.toJSONSchema(ScenarioHeader.omit({ steps: true }), { io: 'input', unrepresentable: 'any' }) as Json;
  const props = header.properties as Json;
  props.steps = { type: 'array', minItems: 1, items: item };
  header.required = [...((header.required as string[] | undefined) ?? []), 'steps'];
  return { title, ...header };
}
