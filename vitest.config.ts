import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles the renderer's state modules (*.svelte.ts, with runes) that tests/renderer/ runs in Node.
  plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
  test: {
    include: ['tests/**/*.test.ts'],
    // Builds the Node bundles (and the renderer when it is out of date) once, before any test file runs.
    globalSetup: ['tests/setup/build.ts'],
    testTimeout: 60_000,
  },
});
