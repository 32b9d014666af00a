import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'] } },
  test: {
    testTimeout: 60_000,
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The first run downloads about 130 MB from the Debian archive.
    hookTimeout: 300_000,
    // Judging the whole suite on the models takes seconds, more on a loaded host.
    testTimeout: 30_000,
  },
});
