// Finds a Chromium for the browser tests and the renderer benchmark, on any machine, in this order:
//   1. CHROMIUM_PATH, when set;
//   2. Playwright's own browser, where `npx playwright install` could download it;
//   3. a system Chromium or Chrome;
//   4. the headless Chromium inside the @sparticuz/chromium npm package (a dev dependency), which
//      unpacks itself into the temporary folder and needs no system library beyond glibc, so
//      `npm ci && npm test` works on a bare machine where no browser can be downloaded.
// A bare machine may have no fonts either, and Chromium's renderer crashes on a page without any:
// the packaged Chromium gets a fontconfig file naming the system's font folders and the DejaVu fonts
// of the dejavu-fonts-ttf dev dependency (the fonts Debian's Chromium draws our pages with).
// The answer is kept in SLM_CHROMIUM (path, then a tab, then what it is, then a tab, then the
// fontconfig file or nothing) for child processes, so Playwright's workers reuse it.
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

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

/** A fontconfig file for the packaged Chromium: the system's fonts, if any, and DejaVu from npm. */
function fontConfig() {
  const dejavu = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  const folder = join(tmpdir(), 'slm-chromium-fonts');
  mkdirSync(folder, { recursive: true });
  const dirs = ['/usr/share/fonts', '/usr/local/share/fonts', join(homedir(), '.fonts'), dejavu];
  const file = join(folder, 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n${dirs.map((d) => `  <dir>${d}</dir>\n`).join('')}` +
      `  <cachedir>${join(folder, 'cache')}</cachedir>\n` +
      // Its style is named Regular where DejaVu Sans's is Book, so it would win plain system-ui text.
      // Debian's rendering defaults, so that text is drawn as Debian's Chromium draws it.
      `  <match target="font"><edit name="antialias" mode="assign"><bool>true</bool></edit><edit name="hinting" mode="assign"><bool>true</bool></edit>` +
      `<edit name="hintstyle" mode="assign"><const>hintslight</const></edit><edit name="rgba" mode="assign"><const>none</const></edit></match>\n` +
      `  <selectfont><rejectfont><glob>*/DejaVuMathTeXGyre.ttf</glob></rejectfont></selectfont>\n` +
      ['sans-serif', 'system-ui'].map((f) => `  <alias binding="strong"><family>${f}</family><prefer><family>DejaVu Sans</family></prefer></alias>\n`).join('') +
      `  <alias binding="strong"><family>serif</family><prefer><family>DejaVu Serif</family></prefer></alias>\n` +
      `  <alias binding="strong"><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer></alias>\n</fontconfig>\n`,
  );
  return file;
}

/** @returns {Promise<{ path: string, source: string, env: Record<string, string> }>} */
export async function findChromium() {
  const known = process.env.SLM_CHROMIUM;
  if (known) {
    const [path, source, fonts] = known.split('\t');
    return { path, source, env: fonts ? { FONTCONFIG_FILE: fonts } : {} };
  }
  let found;
  if (process.env.CHROMIUM_PATH) found = { path: process.env.CHROMIUM_PATH, source: 'CHROMIUM_PATH' };
  else {
    const own = await playwrightsOwn();
    const system = SYSTEM.find(runnable);
    if (own) found = { path: own, source: "Playwright's own Chromium" };
    else if (system) found = { path: system, source: 'the system Chromium' };
    else found = { path: await packaged(), source: 'the Chromium inside @sparticuz/chromium', fonts: fontConfig() };
  }
  process.env.SLM_CHROMIUM = `${found.path}\t${found.source}\t${found.fonts ?? ''}`;
  return { path: found.path, source: found.source, env: found.fonts ? { FONTCONFIG_FILE: found.fonts } : {} };
}

/** Launch flags for headless runs here: no sandbox (we may be root), no GPU, and no calls home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
