import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds the Node bundles (and the renderer when it is out of date) once, before any test file runs.
    globalSetup: ['tests/setup/build.ts'],
    testTimeout: 60_000,
  },
});
