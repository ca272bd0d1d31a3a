import { defineConfig } from 'vitest/config';

// The repository on its own (npm run test:standalone): cloned into an empty folder, installed and
// tested there, as a person's clone would be. Minutes, not seconds: it installs and runs the suite.
export default defineConfig({
  test: {
    include: ['test/standalone/**/*.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
  },
});
