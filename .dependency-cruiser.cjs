// Import rules `pnpm lint` enforces (dependency-cruiser). Type-only imports may point back up
// (RingCtx and Req name each other, as io_uring_types.h declares both); runtime imports may not.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-runtime-cycles',
      comment: 'A runtime import cycle: break it through core/host.ts or a task-work function, as the kernel does.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'core-not-on-kernel-facade',
      comment: 'The core sees the kernel through core/host.ts (IoHost), never through kernel.ts.',
      severity: 'error',
      from: { path: '^packages/ring/src/(core|rw|net|ops|files|extension|trace|uapi)/' },
      to: { path: '^packages/ring/src/kernel\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'extensions-use-public-entries',
      comment: 'Other packages reach the core only through @uringlab/ring, @uringlab/ring/extend and @uringlab/ring/testing.',
      severity: 'error',
      from: { path: '^(packages/(?!ring/)[^/]+|testbed)/' },
      to: { path: '^packages/ring/src/(?!(index|extend|testing)\\.ts$)' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.cache|build|out)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@uringlab/source', 'import', 'default'],
      extensions: ['.ts', '.js', '.json'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
