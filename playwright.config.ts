import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';

const port = Number(process.env.E2E_PORT ?? 4174);
const firstLoad = !process.env.SLM_CHROMIUM;
const browser = await findChromium();
// Say once which browser runs the tests (the workers load this file again, with the answer kept).
if (firstLoad) console.log(`Browser tests run in ${browser.source}: ${browser.path}`);

/**
 * End-to-end tests of the real renderer with the real model service (in a Web Worker) in Chromium
 * (scripts/find-chromium.mjs picks one that this machine has), of the desktop path (e2e/desktop/),
 * and of the desktop app through Electron where its binary is installed.
 */
export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  // How long an expectation waits for the page to show something; on a loaded two-core machine the
  // app takes more than the default 5 s to open Boris now and then.
  expect: { timeout: 10_000 },
  // Two browsers at once, test by test: much of a test's time is the page waiting on its model service,
  // its animations and its timers. Measured on this two-core machine (busy): each test took about a
  // fifth longer, and the suite 38% less time than with one worker. E2E_WORKERS sets another count, and
  // npm test's quiet mode (SLM_TEST_ONE_AT_A_TIME=1) runs one at a time.
  workers: Number(process.env.E2E_WORKERS ?? (process.env.SLM_TEST_ONE_AT_A_TIME ? 1 : 2)),
  fullyParallel: true,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: browser.path,
      args: CHROMIUM_ARGS,
      env: { ...process.env, ...browser.env },
    },
  },
  webServer: {
    // The built renderer, from a plain file server (scripts/serve-folder.mjs): `vite preview` would gzip
    // its four megabytes again for every test's fresh browser context.
    command: `node scripts/serve-folder.mjs dist/renderer ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
