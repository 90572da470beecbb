// How Electron runs a preload script in a sandboxed renderer, reproduced for tests (the real binary
// cannot run on the machines this project is built on). Electron wraps the script's text as
//   (function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) { ... })
// where `require` gives only electron's renderer modules, `events`, `timers` and `url`, and where
// __filename, __dirname and import.meta do not exist. Used by tests/preload-contract.test.ts (in
// node:vm) and by the desktop-path e2e tests (in the page, e2e/desktop/harness.ts).
const vm = require('node:vm');

const PRELOAD_PARAMETERS = ['require', 'process', 'Buffer', 'global', 'setImmediate', 'clearImmediate', 'exports', 'module'];
/** What a sandboxed preload's `require` can load (Electron also takes the `node:` spellings). */
const SANDBOX_MODULES = ['electron', 'electron/renderer', 'events', 'node:events', 'timers', 'node:timers', 'url', 'node:url'];
/** The electron module a sandboxed preload gets: its renderer-process modules only. */
const RENDERER_ELECTRON_MODULES = ['contextBridge', 'crashReporter', 'ipcRenderer', 'nativeImage', 'webFrame', 'webUtils'];

/** A sandboxed preload's `process`: a few plain fields, no binding, no module loading. */
function sandboxProcess() {
  return {
    type: 'renderer',
    sandboxed: true,
    contextIsolated: true,
    platform: process.platform,
    arch: process.arch,
    versions: { ...process.versions },
    env: {},
    argv: [],
  };
}

/**
 * Runs a preload's source the way a sandboxed renderer does, in a fresh V8 context with no Node
 * globals. `electron` is the stand-in for electron's renderer modules. Returns the context's global.
 */
function runSandboxedPreload(source, electron, filename = 'preload.cjs') {
  const unknown = Object.keys(electron).filter((name) => !RENDERER_ELECTRON_MODULES.includes(name));
  if (unknown.length > 0) throw new Error(`not renderer modules: ${unknown.join(', ')}`);
  const context = vm.createContext({ console });
  const sandboxRequire = (name) => {
    if (!SANDBOX_MODULES.includes(name)) throw new Error(`module not found: ${name}`);
    if (name.startsWith('electron')) return electron;
    return require(name);
  };
  const wrapped = `(function (${PRELOAD_PARAMETERS.join(', ')}) {${source}\n})`;
  const run = vm.runInContext(wrapped, context, { filename });
  const module = { exports: {} };
  const global = vm.runInContext('globalThis', context);
  run(sandboxRequire, sandboxProcess(), Buffer, global, setImmediate, clearImmediate, module.exports, module);
  return global;
}

/** The `require(...)` names a bundle asks for, read from its text. */
function requiredModules(source) {
  return [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]);
}

module.exports = { PRELOAD_PARAMETERS, SANDBOX_MODULES, RENDERER_ELECTRON_MODULES, runSandboxedPreload, requiredModules };
