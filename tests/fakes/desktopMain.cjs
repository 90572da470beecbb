// Loads the real dist/electron/main.cjs in this process under the stand-in electron module
// (./electron.cjs), once per process: what main registers (IPC handlers, the app:// protocol, the
// window, the menu) is then on the returned `fake`, and its model service runs in a real forked child
// through the utility process's entry (dist/electron/service.cjs). Used by tests/main-process.test.ts
// and by the desktop-path e2e tests (e2e/desktop/harness.ts).
const Module = require('node:module');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const standIn = join(__dirname, 'electron.cjs');
const mainBundle = join(root, 'dist', 'electron', 'main.cjs');
let loaded = null;

/** Resolves once main's whenReady work has run; the stand-in's `fake` records what it did. */
async function loadDesktopMain() {
  if (loaded) return loaded;
  if (!existsSync(mainBundle)) throw new Error('dist/electron/main.cjs is missing: run `npm run build` first');
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    return request === 'electron' ? standIn : resolve.call(this, request, parent, ...rest);
  };
  try {
    require(mainBundle);
  } finally {
    Module._resolveFilename = resolve;
  }
  const electron = require(standIn);
  // Let whenReady's work run.
  await new Promise((done) => setTimeout(done, 50));
  loaded = electron;
  return electron;
}

module.exports = { loadDesktopMain, root };
