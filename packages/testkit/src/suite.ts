// The suite every extension package runs over its shipped scenarios: each is named after its
// file, compiles to runner primitives only, runs on each profile it names without a model error,
// and agrees with the kernel trace the testbed recorded for it (where one was recorded).

import { describe, expect, it } from 'vitest';
import { compileScenario, diffTraces, parseScenario, programToText, type Extension, type KernelId } from '@uringlab/ring/extend';
import type { ScenarioFiles } from './scenarios.js';

const KERNELS = ['7.3', '6.18'] as const satisfies readonly KernelId[];

export interface ScenarioSuiteOptions {
  /** The describe() title, e.g. 'rsrc scenarios'. */
  readonly title: string;
  readonly files: ScenarioFiles;
  readonly extensions: readonly Extension[];
  /** The fewest scenarios the package ships. */
  readonly atLeast: number;
  /** The prefix every scenario name carries (core scenarios have none). */
  readonly prefix?: string;
  /**
   * Require a recorded trace on both kernels for every scenario; `exempt` answers true for the
   * (scenario, kernel) pairs that cannot have one, and `why` says which they are.
   */
  readonly requireTraces?: { readonly why?: string; readonly exempt?: (name: string, kernel: KernelId) => boolean };
}

export function scenarioSuite(o: ScenarioSuiteOptions): void {
  const { files, extensions } = o;
  const exts = [...extensions];
  const names = files.names();

  describe(o.title, () => {
    it(`there are at least ${o.atLeast}${o.prefix ? `, all named ${o.prefix}*` : ''}`, () => {
      expect(names.length).toBeGreaterThanOrEqual(o.atLeast);
      if (o.prefix) for (const n of names) expect(n.startsWith(o.prefix), n).toBe(true);
    });

    for (const name of names) {
      const doc = files.load(name) as { name: string; kernels?: KernelId[] };
      it(`${name}: is named after its file and compiles to runner primitives only`, () => {
        expect(doc.name).toBe(name);
        const program = compileScenario(parseScenario(doc, exts), exts);
        expect(() => programToText(program)).not.toThrow();
      });
      for (const kernel of KERNELS) {
        if (doc.kernels && !doc.kernels.includes(kernel)) continue;
        it(`${name} on ${kernel}: runs without a model error`, () => {
          expect(files.traceOf(name, kernel).filter((e) => e.ev === 'error')).toEqual([]);
        });
        const real = files.kernelTrace(name, kernel);
        if (real) {
          it(`${name} on ${kernel}: agrees with the recorded kernel trace`, () => {
            expect(diffTraces(files.traceOf(name, kernel), real).divergence?.explanation).toBeUndefined();
          });
        }
      }
    }

    const req = o.requireTraces;
    if (req) {
      it(`has a recorded kernel trace on both kernels for every scenario${req.why ? ` (${req.why})` : ''}`, () => {
        const missing = names.flatMap((n) => KERNELS.filter((k) => !req.exempt?.(n, k) && !files.kernelTrace(n, k)).map((k) => `${n} (${k})`));
        expect(missing).toEqual([]);
      });
    }
  });
}
