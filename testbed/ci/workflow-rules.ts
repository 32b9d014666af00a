// The security points the repository's GitHub workflows and its composite action keep, checked on
// their parsed YAML: every action pinned by a full commit SHA (a tag can be moved under us), no
// `pull_request_target` that checks out the pull request's code (it would run a fork's code with
// the base repository's token and secrets), permissions no wider than read, checkouts that do not
// leave the token in .git/config, and no `${{ }}` spliced into a shell script (values go through
// env, so a crafted branch name or input cannot become a command).
import { YAML } from 'zx';

export interface RuleProblem {
  file: string;
  rule: 'pinned' | 'untrusted-checkout' | 'permissions' | 'checkout-credentials' | 'script-injection' | 'parse';
  where: string;
  message: string;
}

type Node = Record<string, unknown>;
const isMap = (x: unknown): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `owner/repo[/path]@<40 hex>`, a local `./path`, or a docker image pinned by digest. */
export function isPinned(uses: string): boolean {
  if (uses.startsWith('./')) return true;
  if (uses.startsWith('docker://')) return /@sha256:[0-9a-f]{64}$/.test(uses);
  return /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/.test(uses);
}

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return isMap(on) ? Object.keys(on) : [];
}

function checkPermissions(file: string, where: string, p: unknown, out: RuleProblem[], required: boolean): void {
  if (p === undefined) {
    if (required) out.push({ file, rule: 'permissions', where, message: 'no top-level permissions: the token would get the repository default (possibly write)' });
    return;
  }
  if (!isMap(p)) {
    // `read-all` / `write-all`: wider than any of these jobs needs.
    out.push({ file, rule: 'permissions', where, message: `permissions: ${String(p)} (list the scopes, read or none)` });
    return;
  }
  for (const [scope, level] of Object.entries(p)) {
    if (level !== 'read' && level !== 'none') out.push({ file, rule: 'permissions', where, message: `${scope}: ${String(level)} (only read or none)` });
  }
}

function checkSteps(file: string, where: string, steps: unknown, prTarget: boolean, out: RuleProblem[]): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((s, i) => {
    if (!isMap(s)) return;
    const at = `${where}.steps[${i}]${typeof s['name'] === 'string' ? ` (${s['name']})` : ''}`;
    const uses = typeof s['uses'] === 'string' ? s['uses'] : undefined;
    if (uses !== undefined && !isPinned(uses)) out.push({ file, rule: 'pinned', where: at, message: `${uses} is not pinned by a full commit SHA` });
    if (uses?.startsWith('actions/checkout@')) {
      const w = isMap(s['with']) ? s['with'] : {};
      if (w['persist-credentials'] !== false && w['persist-credentials'] !== 'false') {
        out.push({ file, rule: 'checkout-credentials', where: at, message: 'actions/checkout without persist-credentials: false leaves the token in .git/config' });
      }
      const ref = String(w['ref'] ?? '') + String(w['repository'] ?? '');
      if (prTarget && /github\.(event\.pull_request\.head|head_ref|event\.workflow_run\.head)/.test(ref)) {
        out.push({ file, rule: 'untrusted-checkout', where: at, message: `pull_request_target checks out the pull request's code (${ref})` });
      }
    }
    if (typeof s['run'] === 'string' && s['run'].includes('${{')) {
      out.push({ file, rule: 'script-injection', where: at, message: 'an expression inside run: pass it through env instead' });
    }
  });
}

/** Problems of one workflow (`.github/workflows/*.yml`) or composite action (`action.yml`). */
export function checkWorkflowRules(file: string, text: string): RuleProblem[] {
  const out: RuleProblem[] = [];
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    return [{ file, rule: 'parse', where: '', message: (e as Error).message }];
  }
  if (!isMap(doc)) return [{ file, rule: 'parse', where: '', message: 'not a YAML mapping' }];
  if (isMap(doc['runs'])) {
    checkSteps(file, 'runs', doc['runs']['steps'], false, out);
    return out;
  }
  const on = triggers(doc['on']);
  const prTarget = on.includes('pull_request_target') || on.includes('workflow_run');
  checkPermissions(file, 'permissions', doc['permissions'], out, true);
  const jobs = isMap(doc['jobs']) ? doc['jobs'] : {};
  for (const [id, job] of Object.entries(jobs)) {
    if (!isMap(job)) continue;
    checkPermissions(file, `jobs.${id}.permissions`, job['permissions'], out, false);
    if (typeof job['uses'] === 'string' && !isPinned(job['uses'])) {
      out.push({ file, rule: 'pinned', where: `jobs.${id}`, message: `${job['uses']} is not pinned by a full commit SHA` });
    }
    checkSteps(file, `jobs.${id}`, job['steps'], prTarget, out);
  }
  return out;
}
