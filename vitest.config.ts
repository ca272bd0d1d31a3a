import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser end-to-end tests (npm run test:e2e) and the clone test (npm run test:standalone) run on their own.
    exclude: ['test/e2e/**', 'test/standalone/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own emulator and app on free ports; two cores, two workers.
    maxWorkers: 2,
  },
});
