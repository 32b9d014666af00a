// Fetches liburing-dev and the 7.3 UAPI headers once, through the testbed's own cached fetch
// (the same install step `pnpm testbed` uses), for the tests that build the C runner. If the
// Debian archive cannot be reached, those tests skip and say why.

import type { TestProject } from 'vitest/node';
import { fetchGuest } from '../src/fetch.js';

declare module 'vitest' {
  export interface ProvidedContext {
    devRoots: string[];
    devRootsProblem: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  if (process.platform !== 'linux') {
    project.provide('devRoots', []);
    project.provide('devRootsProblem', 'needs Linux');
    return;
  }
  try {
    const r = await fetchGuest();
    project.provide('devRoots', r.sysroot.devRoots);
    project.provide('devRootsProblem', '');
  } catch (e) {
    project.provide('devRoots', []);
    project.provide('devRootsProblem', `could not fetch liburing and kernel headers: ${(e as Error).message.split('\n')[0]}`);
  }
}
