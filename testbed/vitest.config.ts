import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@uringlab/source'] },
  ssr: { resolve: { conditions: ['@uringlab/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The first run downloads about 130 MB from the Debian archive.
    hookTimeout: 300_000,
  },
});
