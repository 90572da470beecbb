// A stand-in for the `electron` module, enough to run dist/electron/main.cjs under Node in a test:
// it records what main registers (IPC handlers, the protocol handler, windows) and runs the utility
// process as a real child process. Everything recorded is on `fake`.
const { EventEmitter } = require('node:events');
const { fork } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const fake = {
  userData: mkdtempSync(join(tmpdir(), 'slm-fake-userdata-')),
  handlers: new Map(),
  windows: [],
  protocolHandlers: new Map(),
  privilegedSchemes: [],
  headersHandler: null,
  permissionRequest: null,
  permissionCheck: null,
  utilityProcesses: [],
  sent: [],
};

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.url = '';
    this.windowOpenHandler = null;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  send(channel, payload) {
    fake.sent.push({ channel, payload });
  }
}

class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return fake.windows;
  }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    fake.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url) {
    this.webContents.url = url;
    return Promise.resolve();
  }
  show() {}
}

const app = new EventEmitter();
app.isPackaged = false;
app.getPath = (name) => (name === 'userData' ? fake.userData : tmpdir());
app.whenReady = () => Promise.resolve();
app.quit = () => {};

const utilityProcess = {
  fork(modulePath, args) {
    const child = fork(modulePath, args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const wrapper = new EventEmitter();
    child.on('message', (message) => wrapper.emit('message', message));
    child.on('exit', (code) => wrapper.emit('exit', code ?? 1));
    wrapper.postMessage = (message) => child.connected && child.send(message);
    wrapper.kill = () => child.kill();
    wrapper.pid = child.pid;
    fake.utilityProcesses.push(wrapper);
    return wrapper;
  },
};

module.exports = {
  fake,
  app,
  BrowserWindow,
  ipcMain: { handle: (channel, listener) => fake.handlers.set(channel, listener) },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => fake.privilegedSchemes.push(...schemes),
    handle: (scheme, handler) => fake.protocolHandlers.set(scheme, handler),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler) => (fake.permissionRequest = handler),
      setPermissionCheckHandler: (handler) => (fake.permissionCheck = handler),
      webRequest: { onHeadersReceived: (handler) => (fake.headersHandler = handler) },
    },
  },
  net: { fetch: (url) => fetch(url).catch(() => fetchFile(url)) },
  dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: true }) },
  utilityProcess,
};

async function fetchFile(url) {
  const { readFile } = require('node:fs/promises');
  const { fileURLToPath } = require('node:url');
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    return new Response('missing', { status: 404 });
  }
}
