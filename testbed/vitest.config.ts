import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@uringlab/source'] },
  ssr: { resolve: { conditions: ['@uringlab/source'] } },
  test: {
    testTimeout: 60_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Loading the suite imports every package through tsx: seconds on a busy 2-core machine.
    testTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    // The first run downloads about 130 MB from the Debian archive.
    hookTimeout: 300_000,
    // Judging the whole suite on the models takes seconds, more on a loaded host.
    testTimeout: 30_000,
  },
});
