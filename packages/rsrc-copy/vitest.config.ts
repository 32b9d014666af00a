import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@uringlab/source'] },
  ssr: { resolve: { conditions: ['@uringlab/source'] } },
  test: { testTimeout: 60_000, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
