// The smoke test (`pnpm smoke`, run by .ci/run): what a user who installs from packed tarballs
// meets. Packs every package as the root README says, installs the tarballs in a fresh project
// outside the workspace, checks what each tarball holds (LICENSE, types, no tests) and how its
// types resolve (attw, node10 included), type-checks the README examples and the extension
// example with tsc --strict --module nodenext, runs them with plain node, and runs the README's
// command lines. Third-party dependencies come from the npm registry.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { READMES, blocksOf } from './readme-blocks.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'uringlab-smoke-'));
const home = join(work, 'home');
mkdirSync(home);
const app = join(home, 'my-app');
const tarballs = join(home, 'uringlab-tarballs');

// The README's commands use ~; here ~ is a fresh folder, and package caches stay where they are.
const realHome = homedir();
const pnpmStore = execFileSync('pnpm', ['store', 'path'], { cwd: REPO, encoding: 'utf8' }).trim();
// pnpm passes its settings to scripts as npm_config_*; npm would warn about each of them.
const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
const env: NodeJS.ProcessEnv = {
  ...inherited,
  HOME: home,
  npm_config_cache: process.env.npm_config_cache ?? join(realHome, '.npm'),
  npm_config_store_dir: pnpmStore,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  PATH: `${join(app, 'node_modules', '.bin')}:${process.env.PATH}`,
};

let passed = 0;
const failures: string[] = [];
const t0 = Date.now();

function sh(cmd: string, cwd: string): string {
  return execFileSync('bash', ['-euo', 'pipefail', '-c', cmd], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

function step(what: string, fn: () => string | void): void {
  const t = Date.now();
  try {
    const note = fn();
    passed++;
    console.log(`ok   ${what}${note ? `: ${note}` : ''} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    failures.push(what);
    console.log(`FAIL ${what}\n${[err.message, err.stdout, err.stderr].filter(Boolean).join('\n').trim().split('\n').map((l) => `     ${l}`).join('\n')}`);
  }
}

const blocks = READMES.flatMap((f) => blocksOf(join(REPO, f)).map((b) => ({ ...b, file: f })));
const repoBlocks = blocks.filter((b) => b.lang === 'sh' && b.where === 'repo');
const appBlocks = blocks.filter((b) => b.lang === 'sh' && b.where === 'app');
const tsBlocks = blocks.filter((b) => b.lang === 'ts');

step(`README install from tarballs (${repoBlocks.length} blocks)`, () => {
  if (repoBlocks.length === 0) throw new Error('the README has no <!-- smoke: repo --> block');
  for (const b of repoBlocks) sh(b.code, REPO);
  const got = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  if (!existsSync(join(app, 'node_modules', '@uringlab', 'ring'))) throw new Error('the install block did not install @uringlab/ring into ~/my-app');
  return got.join(', ');
});

const tgz = existsSync(tarballs) ? readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f)) : [];
const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
for (const t of tgz) {
  step(`${basename(t)}: LICENSE, README, types and entry points; no tests`, () => {
    const files = sh(`tar tzf '${t}'`, work).split('\n').filter(Boolean);
    for (const need of ['package/LICENSE', 'package/README.md', 'package/package.json', 'package/dist/index.js', 'package/dist/index.d.ts']) {
      if (!files.includes(need)) throw new Error(`missing ${need}`);
    }
    if (files.some((f) => f.startsWith('package/test/'))) throw new Error('ships test/');
    if (sh(`tar xzf '${t}' -O package/LICENSE`, work) !== license) throw new Error('LICENSE differs from the repository\'s');
    const pkg = JSON.parse(sh(`tar xzf '${t}' -O package/package.json`, work)) as Record<string, unknown>;
    for (const k of ['repository', 'homepage', 'bugs', 'license', 'main', 'types', 'exports']) if (!(k in pkg)) throw new Error(`package.json has no ${k}`);
    if (JSON.stringify(pkg).includes('workspace:')) throw new Error('a workspace: range was left in package.json');
    return `${files.length} files`;
  });
  step(`${basename(t)}: types resolve for node16, bundler and node10 (attw)`, () => {
    sh(`'${join(REPO, 'node_modules', '.bin', 'attw')}' '${t}' --ignore-rules cjs-resolves-to-esm --format ascii`, work);
  });
}

step('a dev setup in the app: typescript, @types/node, zod', () => {
  sh('npm install --save-dev typescript@5.9.3 @types/node@20 zod@^4.1.0 > /dev/null', app);
});

const exDir = join(app, 'examples');
step(`README TypeScript examples (${tsBlocks.length}) and examples/extension-fadvise type-check with tsc --strict --module nodenext`, () => {
  mkdirSync(exDir, { recursive: true });
  for (const b of tsBlocks) writeFileSync(join(exDir, `${b.file.replace(/\//g, '_').replace(/\.md$/, '')}-L${b.line}.ts`), b.code);
  cpSync(join(REPO, 'examples', 'extension-fadvise', 'src'), join(app, 'fadvise', 'src'), { recursive: true });
  cpSync(join(REPO, 'examples', 'extension-fadvise', 'scenarios'), join(app, 'fadvise', 'scenarios'), { recursive: true });
  sh('npx tsc --strict --module nodenext --moduleResolution nodenext --target es2022 --types node --rootDir . --outDir out examples/*.ts fadvise/src/*.ts', app);
});

for (const b of tsBlocks) {
  const js = join(app, 'out', 'examples', `${b.file.replace(/\//g, '_').replace(/\.md$/, '')}-L${b.line}.js`);
  step(`${b.file}:${b.line} runs with node`, () => {
    const out = sh(`node '${js}'`, app);
    return out.trim() ? `${out.trim().split('\n').length} lines of output` : 'no output';
  });
}

step('the extension example runs its scenarios through the installed CLI', () => {
  const out = sh('uringlab run fadvise/scenarios --extension ./out/fadvise/src/index.js --kernel 6.18', app);
  return `${out.split('\n').filter((l) => l.startsWith('{"ev":"scenario"')).length} scenarios`;
});

for (const b of appBlocks) {
  step(`${b.file}:${b.line} commands run in the app`, () => {
    sh(b.code, app);
    return `${b.code.trim().split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).length} commands`;
  });
}

console.log(`\nsmoke (${relative(REPO, work) ? work : ''}): ${((Date.now() - t0) / 1000).toFixed(0)} s`);
if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`smoke: ${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length ? 1 : 0;
