import { defineConfig } from 'vitest/config';

// Browser end-to-end tests (npm run test:e2e): Debian's Chromium through playwright-core, against the
// app and the emulator started on free ports for each file. Each file launches one browser; on two
// cores, two files at a time.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
