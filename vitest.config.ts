import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { HeaviestFirst } from './tests/setup/sequencer.ts';

/** The tests that time the service's answers while it works: they run last, with nothing else beside them. */
const TIMED = ['tests/responsiveness*.test.ts'];
/**
 * The files that change the process for the files after them: they replace a module (vi.mock), or
 * load Electron's main through the stand-in (tests/fakes/desktopMain.cjs), which keeps it loaded. Each
 * runs in a process of its own. The others share their worker's modules from file to file, which
 * saves importing them afresh each time (about a quarter of the unit tests' time on two cores).
 */
const OWN_PROCESS = readdirSync('tests', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts') && /vi\.mock\(|loadDesktopMain/.test(readFileSync(`tests/${file}`, 'utf8')))
  .map((file) => `tests/${file.replace(/\\/g, '/')}`);
/** SLM_TEST_ONE_AT_A_TIME=1 (npm test's quiet mode) runs one file at a time. */
const cores = process.env.SLM_TEST_ONE_AT_A_TIME ? 1 : availableParallelism();

export default defineConfig({
  // Compiles the renderer's state modules (*.svelte.ts, with runes) that tests/renderer/ runs in Node.
  plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
  test: {
    // Builds the Node bundles and the renderer when they are missing or out of date, once, before any test file runs.
    globalSetup: ['tests/setup/build.ts'],
    testTimeout: 60_000,
    // A file per core: vitest's default leaves one core idle (cores - 1: one file at a time on two).
    maxWorkers: cores,
    // The longest files start first, so that no long one is left running alone at the end.
    sequence: { sequencer: HeaviestFirst },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: [...TIMED, ...OWN_PROCESS], isolate: false } },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS } },
      // Each timed file runs on a core of its own once every other file has ended: beside the rest, on
      // two cores, they would measure the machine.
      { extends: true, test: { name: 'timed', include: TIMED, sequence: { groupOrder: 1 } } },
    ],
  },
});
