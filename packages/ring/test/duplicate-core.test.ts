// Two copies of @uringlab/ring in one process (npm installs a second one when ring is upgraded
// alone): an extension defined against one copy, given to a kernel of the other, is a typed
// DUPLICATE_CORE error naming both copies, never a silently wrong model.

import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Kernel, UringError, VERSION, defineExtension, isUringError } from '../src/extend.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
// Inside the package, so the copy resolves zod from the same node_modules.
const copyDir = mkdtempSync(join(pkgDir, '.copy-'));
afterAll(() => rmSync(copyDir, { recursive: true, force: true }));
cpSync(join(pkgDir, 'src'), join(copyDir, 'src'), { recursive: true });

type Core = typeof import('../src/extend.js');
const other = (await import(pathToFileURL(join(copyDir, 'src', 'extend.ts')).href)) as Core;

describe('a second copy of the core', () => {
  it('is detected when an extension of one copy meets a kernel of the other', () => {
    expect(other.Kernel).not.toBe(Kernel);
    const foreign = other.defineExtension({ name: '@x/foreign' });
    let err: unknown;
    try {
      new Kernel({ extensions: [foreign] });
    } catch (e) {
      err = e;
    }
    expect(isUringError(err)).toBe(true);
    const e = err as UringError;
    expect(e.code).toBe('DUPLICATE_CORE');
    expect(e.message).toContain('@x/foreign');
    expect(e.message).toContain(copyDir);
    expect(e.message).toMatch(/two copies of the core are installed/);
  });

  it('recognises the other copy\'s errors as UringErrors (no cross-copy instanceof)', () => {
    const e = new other.UringError('EINVAL', 'from the other copy');
    expect(e instanceof UringError).toBe(false);
    expect(isUringError(e)).toBe(true);
  });

  it('works with its own extensions', () => {
    expect(() => new other.Kernel({ extensions: [other.defineExtension({ name: '@x/own' })] })).not.toThrow();
    expect(() => new Kernel({ extensions: [defineExtension({ name: '@x/own' })] })).not.toThrow();
  });
});

describe('the version constant', () => {
  it('is the package version', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
