import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['development'] },
  ssr: { resolve: { conditions: ['development'] } },
  test: { testTimeout: 60_000, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
