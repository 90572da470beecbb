// Finds a Chromium for the browser tests and the renderer benchmark, on any machine, in this order:
//   1. CHROMIUM_PATH, when set;
//   2. Playwright's own browser, where `npx playwright install` could download it;
//   3. a system Chromium or Chrome;
//   4. the headless Chromium inside the @sparticuz/chromium npm package (a dev dependency), which
//      unpacks itself into the temporary folder and needs no system library beyond glibc, so
//      `npm ci && npm test` works on a bare machine where no browser can be downloaded.
// The answer is kept in SLM_CHROMIUM (path, then a tab, then what it is) for child processes, so
// Playwright's workers reuse it.
import { accessSync, constants } from 'node:fs';

const SYSTEM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

function runnable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function playwrightsOwn() {
  try {
    const { chromium } = await import('@playwright/test');
    const path = chromium.executablePath();
    return path && runnable(path) ? path : null;
  } catch {
    return null;
  }
}

async function packaged() {
  const { default: chromium } = await import('@sparticuz/chromium');
  return chromium.executablePath();
}

/** @returns {Promise<{ path: string, source: string }>} */
export async function findChromium() {
  const known = process.env.SLM_CHROMIUM;
  if (known) {
    const [path, source] = known.split('\t');
    return { path, source };
  }
  let found;
  if (process.env.CHROMIUM_PATH) found = { path: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  else {
    const own = await playwrightsOwn();
    const system = SYSTEM.find(runnable);
    if (own) found = { path: own, source: "Playwright's own Chromium" };
    else if (system) found = { path: system, source: 'the system Chromium' };
    else found = { path: await packaged(), source: 'the Chromium inside @sparticuz/chromium' };
  }
  process.env.SLM_CHROMIUM = `${found.path}\t${found.source}`;
  return found;
}

/** Launch flags for headless runs here: no sandbox (we may be root), no GPU, and no calls home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
