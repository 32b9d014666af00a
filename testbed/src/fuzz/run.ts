// `pnpm testbed --fuzz N`: N seeded cases, realised against the model of the kernel's profile,
// run in batches on the kernel, judged with every extension loaded; every divergence class is
// shrunk on the kernel (a round of candidates per batch) and written as a regression scenario.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Shrinker, fuzzGenerators, generateTemplates, programToText, realise, totalWeight,
  type Extension, type FuzzTemplate, type KernelId, type ScenarioDoc,
} from '@uringlab/ring';
import { judge, type ScenarioVerdict } from '../judge.js';
import { prepareScenario } from '../model-sets.js';
import type { SuiteScenario } from '../suite.js';
import type { ScenarioResult } from '../records.js';
import { divergenceKey } from './key.js';
import { FUZZ_PATIENT_WATCHDOG_MS, type FuzzKernel, type FuzzProgram } from './kernels.js';

/** A kernel and the model profile that judges it. */
export interface Judged {
  kernel: FuzzKernel;
  profile: KernelId;
}

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Every extension: generators, realisation and judging all use them. */
  extensions: readonly Extension[];
  /** Where the cases run and are judged. */
  on: Judged;
  /**
   * A cheaper kernel to shrink on (the host, when `on` is a VM): used for a class whose case
   * diverges the same way there too; otherwise candidates go to `on`, a batch per round.
   */
  shrinkOn?: Judged;
  /** Regression scenarios go here (testbed/fuzz-found). */
  foundDir: string;
  /** fuzz-summary.json goes here (testbed/out). */
  outDir: string;
  /** Cases shrunk per class (the others of the class are counted); default 2. */
  shrinkPerClass?: number;
  /** Shrink rounds per case at most; default 40. */
  maxRounds?: number;
  /** Rounds when a case shrinks on `on` although a cheaper `shrinkOn` exists (a VM boot each); default 12. */
  slowRounds?: number;
  log?: (line: string) => void;
}

export interface FuzzClass {
  key: string;
  /** Cases of this class among the N. */
  cases: number;
  /** The cases of this class (at most 10), to regenerate with the same seed. */
  examples: string[];
  /** The regression scenario written for it (relative to foundDir), if it was shrunk. */
  file?: string;
  explanation: string;
  /** Steps before and after shrinking. */
  steps: { from: number; to: number };
  /** Where it was shrunk. */
  shrunkOn?: string;
  /** The kernel did not reproduce the case on a second run: timing-dependent, not shrunk. */
  flaky?: boolean;
}

export interface FuzzSummary {
  cases: number;
  seed: number;
  kernel: string;
  profile: KernelId;
  /** Cases whose verdict was diverge. */
  divergent_cases: number;
  /** Distinct classes after shrinking. */
  divergences: number;
  classes: FuzzClass[];
  /** Cases the runner answered with an error, a crash or a timeout (counted in divergences too). */
  runner_failures: { name: string; key: string }[];
  /**
   * Divergent cases the watchdog had cut short (`watchdog`: calls it ended) that agreed when run
   * again with a patient watchdog: the kernel was slow, not different. Not counted as divergent.
   */
  slow: { name: string; watchdog: number }[];
  /** Run-level problems (a guest that died, a kernel splat). */
  problems: string[];
  /** Generated scenarios that did not compile, and generator steps the realiser refused. */
  invalid: string[];
  steps_per_case: number;
  timings: { generate_s: number; kernel_s: number; judge_s: number; shrink_s: number; total_s: number };
  ok: boolean;
}

interface Case {
  index: number;
  name: string;
  templates: FuzzTemplate[];
  doc: ScenarioDoc;
  suite: SuiteScenario;
  fp: FuzzProgram;
}

const secs = (ms: number) => Math.round(ms) / 1000;

/** Realises and compiles one case; throws when the generated scenario is not valid. */
function build(name: string, templates: FuzzTemplate[], profile: KernelId, extensions: readonly Extension[], invalid?: string[]) {
  const r = realise(templates, { name, profile, extensions });
  if (invalid) for (const x of r.rejected) invalid.push(`${name}: ${x}`);
  const exts = [...extensions];
  const p = prepareScenario(r.doc, exts, exts);
  const suite: SuiteScenario = { file: `${name}.json`, source: 'fuzz', scenario: p.scenario, program: p.program, text: programToText(p.program), extensions: exts, together: undefined };
  return { doc: r.doc, suite, fp: { id: name, program: p.program, text: suite.text! } };
}

function verdictOf(c: { suite: SuiteScenario }, j: Judged, results: Map<string, ScenarioResult>): ScenarioVerdict {
  return judge(c.suite, j.profile, results.get(c.suite.scenario.name));
}

interface Shrinking {
  cls: FuzzClass;
  original: Case;
  on: Judged;
  shrinker: Shrinker;
  best: { doc: ScenarioDoc; verdict: ScenarioVerdict };
  /** This round's realised candidates (undefined: same scenario as the current one, not run). */
  round: ({ name: string; suite: SuiteScenario; fp: FuzzProgram; doc: ScenarioDoc } | undefined)[];
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  const exts = o.extensions;
  const W = totalWeight(fuzzGenerators(exts));
  const invalid: string[] = [];
  const cases: Case[] = [];
  let steps = 0;
  for (let i = 0; i < o.cases; i++) {
    const name = `fuzz-${o.seed}-${i}`;
    const templates = generateTemplates(o.seed, i, W);
    try {
      const b = build(name, templates, o.on.profile, exts, invalid);
      steps += b.doc.steps.length;
      cases.push({ index: i, name, templates, ...b });
    } catch (e) {
      invalid.push(`${name}: ${(e as Error).message}`);
    }
  }
  const tGen = performance.now();
  log(`generated ${cases.length} cases (${steps} steps) in ${secs(tGen - t0)} s; running on ${o.on.kernel.label}`);

  const first = await o.on.kernel.run(cases.map((c) => c.fp));
  const tKernel = performance.now();
  const problems = [...first.problems];

  // A divergent case whose blocking call the watchdog cut short runs again with a patient one:
  // if it agrees then, the kernel was only slower than the watchdog (not a divergence); a wait
  // nothing ends diverges again, as the model does not block where the kernel does.
  const firstVerdicts = new Map(cases.map((c) => [c.name, verdictOf(c, o.on, first.results)]));
  const cutShort = cases.filter((c) => firstVerdicts.get(c.name)!.verdict === 'diverge' && (first.results.get(c.name)?.watchdog ?? 0) > 0);
  const slow: FuzzSummary['slow'] = [];
  if (cutShort.length) {
    const patient = await o.on.kernel.run(cutShort.map((c) => c.fp), { patient: true });
    problems.push(...patient.problems);
    for (const c of cutShort) {
      const v = verdictOf(c, o.on, patient.results);
      if (v.verdict === 'diverge') continue;
      slow.push({ name: c.name, watchdog: first.results.get(c.name)!.watchdog! });
      firstVerdicts.set(c.name, v);
    }
  }

  const byKey = new Map<string, { cases: Case[]; verdicts: ScenarioVerdict[] }>();
  const runnerFailures: FuzzSummary['runner_failures'] = [];
  let divergent = 0;
  for (const c of cases) {
    const v = firstVerdicts.get(c.name)!;
    if (v.verdict !== 'diverge') continue;
    divergent++;
    const key = divergenceKey(v, c.suite.scenario);
    if (key.startsWith('runner ') || key.startsWith('the runner') || key.startsWith('the kernel run')) runnerFailures.push({ name: c.name, key });
    const g = byKey.get(key) ?? { cases: [], verdicts: [] };
    g.cases.push(c);
    g.verdicts.push(v);
    byKey.set(key, g);
  }
  const tJudge = performance.now();
  log(`judged: ${divergent} divergent cases in ${byKey.size} classes (${secs(tJudge - tKernel)} s)`);

  // Which cases to shrink, and on which kernel: a second run first tells a timing-dependent
  // case from a real one, and (in the VM) whether the cheap kernel shows it too.
  const classes: FuzzClass[] = [];
  const picked: { cls: FuzzClass; c: Case; v: ScenarioVerdict }[] = [];
  for (const [key, g] of byKey) {
    const cls: FuzzClass = { key, cases: g.cases.length, examples: g.cases.slice(0, 10).map((c) => c.name), explanation: g.verdicts[0]!.explanation ?? '', steps: { from: g.cases[0]!.doc.steps.length, to: g.cases[0]!.doc.steps.length } };
    classes.push(cls);
    // A run that never reached the case says nothing about the case: not shrunk.
    if (key.startsWith('the kernel run')) continue;
    const order = g.cases.map((c, i) => ({ c, v: g.verdicts[i]! })).sort((a, b) => a.c.doc.steps.length - b.c.doc.steps.length);
    for (const x of order.slice(0, o.shrinkPerClass ?? 2)) picked.push({ cls, ...x });
  }
  const again = picked.length ? await o.on.kernel.run(picked.map((p) => p.c.fp)) : undefined;
  problems.push(...(again?.problems ?? []));
  const shrinkings: Shrinking[] = [];
  const elsewhere: { p: (typeof picked)[number]; built: ReturnType<typeof build> }[] = [];
  for (const p of picked) {
    const v2 = verdictOf(p.c, o.on, again!.results);
    if (v2.verdict !== 'diverge' || divergenceKey(v2, p.c.suite.scenario) !== p.cls.key) continue;
    if (o.shrinkOn) {
      try {
        elsewhere.push({ p, built: build(p.c.name, p.c.templates, o.shrinkOn.profile, exts) });
      } catch {
        /* not valid there: shrink on the primary kernel */
      }
    }
    shrinkings.push({ cls: p.cls, original: p.c, on: o.on, shrinker: new Shrinker(p.c.templates, { maxRounds: o.maxRounds ?? 40 }), best: { doc: p.c.doc, verdict: v2 }, round: [] });
  }
  // A class none of whose cases came back the same way on the second run is timing-dependent.
  for (const cls of classes) if (!shrinkings.some((s) => s.cls === cls) && !cls.key.startsWith('the kernel run')) cls.flaky = true;
  if (o.shrinkOn && elsewhere.length) {
    const r = await o.shrinkOn.kernel.run(elsewhere.map((e) => e.built.fp));
    for (const e of elsewhere) {
      const v = judge(e.built.suite, o.shrinkOn.profile, r.results.get(e.p.c.name));
      if (v.verdict === 'diverge' && divergenceKey(v, e.built.suite.scenario) === e.p.cls.key) {
        const s = shrinkings.find((x) => x.original === e.p.c)!;
        s.on = o.shrinkOn;
        s.best = { doc: e.built.doc, verdict: v };
      }
    }
  }

  // A case that did not come back on the cheap kernel shrinks in boots of the slow one: fewer rounds.
  if (o.shrinkOn) {
    for (const s of shrinkings) if (s.on === o.on) s.shrinker = new Shrinker(s.original.templates, { maxRounds: o.slowRounds ?? 12 });
  }
  // Lockstep rounds: every active shrinker's candidates, one batch per kernel.
  const tShrink0 = performance.now();
  for (;;) {
    const active = shrinkings.filter((s) => !s.shrinker.done);
    let any = false;
    const batches = new Map<Judged, FuzzProgram[]>();
    for (const s of active) {
      const cands = s.shrinker.candidates();
      s.round = cands.map((t, k) => {
        const name = `${s.original.name}-s${s.shrinker.rounds}-${k}`;
        try {
          const b = build(name, t, s.on.profile, exts);
          if (JSON.stringify(b.doc.steps) === JSON.stringify(s.best.doc.steps)) return undefined;
          return { name, ...b };
        } catch {
          return undefined;
        }
      });
      for (const c of s.round) if (c) (batches.get(s.on) ?? batches.set(s.on, []).get(s.on)!).push(c.fp);
      if (cands.length) any = true;
    }
    if (!any) break;
    const results = new Map<Judged, Awaited<ReturnType<FuzzKernel['run']>>>();
    for (const [j, progs] of batches) results.set(j, await j.kernel.run(progs));
    for (const s of active) {
      const r = results.get(s.on);
      const ok = s.round.map((c) => {
        if (!c || !r) return false;
        const v = judge(c.suite, s.on.profile, r.results.get(c.name));
        if (v.verdict !== 'diverge' || divergenceKey(v, c.suite.scenario) !== s.cls.key) return false;
        return { doc: c.doc, verdict: v };
      });
      const i = ok.findIndex(Boolean);
      if (i >= 0) s.best = ok[i] as Shrinking['best'];
      s.shrinker.accept(ok.map(Boolean));
    }
  }
  const tShrink = performance.now();

  // One regression scenario per class: the smallest shrunk case.
  mkdirSync(o.foundDir, { recursive: true });
  for (const cls of classes) {
    const mine = shrinkings.filter((s) => s.cls === cls).sort((a, b) => a.best.doc.steps.length - b.best.doc.steps.length)[0];
    if (!mine) continue;
    const file = `${mine.original.name}.json`;
    const doc = {
      name: mine.original.name,
      pins: `fuzz-found divergence (${cls.key})`.slice(0, 200),
      description:
        `${mine.best.verdict.explanation ?? cls.explanation} ` +
        `[pnpm testbed --fuzz ${o.cases} --seed ${o.seed}${mine.on === o.on ? '' : ' (shrunk natively)'}: case ${mine.original.index} on ${first.release ?? o.on.kernel.label}, ` +
        `shrunk from ${mine.original.doc.steps.length} to ${mine.best.doc.steps.length} steps; ${cls.cases} cases of this class]`,
      ...(mine.best.doc.requires ? { requires: mine.best.doc.requires } : {}),
      steps: mine.best.doc.steps,
    };
    writeFileSync(join(o.foundDir, file), `${JSON.stringify(doc, null, 2)}\n`);
    cls.file = file;
    cls.explanation = mine.best.verdict.explanation ?? cls.explanation;
    cls.steps = { from: mine.original.doc.steps.length, to: mine.best.doc.steps.length };
    cls.shrunkOn = mine.on.kernel.label;
  }

  const summary: FuzzSummary = {
    cases: o.cases,
    seed: o.seed,
    kernel: first.release ?? o.on.kernel.label,
    profile: o.on.profile,
    divergent_cases: divergent,
    divergences: classes.length,
    classes,
    runner_failures: runnerFailures,
    slow,
    problems,
    invalid,
    steps_per_case: cases.length ? Math.round((steps / cases.length) * 10) / 10 : 0,
    timings: {
      generate_s: secs(tGen - t0), kernel_s: secs(tKernel - tGen), judge_s: secs(tJudge - tKernel),
      shrink_s: secs(tShrink - tShrink0), total_s: secs(performance.now() - t0),
    },
    ok: false,
  };
  summary.ok = divergent === 0 && problems.length === 0 && invalid.length === 0;
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'fuzz-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The summary in words, for the terminal. */
export function formatSummary(s: FuzzSummary, foundDir: string): string {
  const lines: string[] = [];
  for (const c of s.classes) {
    lines.push(`DIVERGE  ${c.key}  (${c.cases} case${c.cases === 1 ? '' : 's'})`);
    if (c.flaky) lines.push(`         not reproduced on a second run: timing-dependent, not shrunk (${c.examples.join(', ')})`);
    if (c.file) lines.push(`         ${join(foundDir, c.file)}: ${c.steps.from} -> ${c.steps.to} steps, shrunk on ${c.shrunkOn}`);
    lines.push(`         ${c.explanation.split('\n').join('\n         ')}`);
  }
  for (const f of s.runner_failures.slice(0, 20)) lines.push(`runner failure: ${f.name}: ${f.key}`);
  if (s.slow.length) {
    const names = s.slow.slice(0, 10).map((x) => x.name).join(', ');
    lines.push(`slow: ${s.slow.length} case${s.slow.length === 1 ? '' : 's'} that the watchdog cut short agreed when run again with a ${FUZZ_PATIENT_WATCHDOG_MS} ms one (${names}): not divergences`);
  }
  for (const p of s.problems) lines.push(`problem: ${p}`);
  for (const x of s.invalid.slice(0, 20)) lines.push(`invalid: ${x}`);
  const t = s.timings;
  lines.push(
    `${s.ok ? 'PASS' : 'FAIL'}: fuzz ${s.cases} cases (seed ${s.seed}) on ${s.kernel}, judged with the ${s.profile} model: ` +
      `${s.divergent_cases} divergent cases, ${s.divergences} distinct divergences after shrinking, ${s.runner_failures.length} runner failures, ` +
      `${s.invalid.length} invalid; ${s.steps_per_case} steps per case; generate ${t.generate_s} s, kernel ${t.kernel_s} s, ` +
      `judge ${t.judge_s} s, shrink ${t.shrink_s} s, total ${t.total_s} s`,
  );
  return lines.join('\n');
}
