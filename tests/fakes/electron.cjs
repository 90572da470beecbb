// A stand-in for the `electron` module, enough to run dist/electron/main.cjs under Node in a test:
// it records what main registers (IPC handlers, the protocol handler, windows, the application menu)
// and runs the utility process as a real child process. Everything recorded is on `fake`. Dialogs
// answer from a script a test sets (`fake.dialogAnswers`), and what main sends to the window's page
// goes to `fake.deliver` when a test connects a page (e2e/desktop/harness.ts).
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
  /** The application menu's template, as main built it. */
  menu: null,
  /** What the next dialogs answer, in order; a dialog with no scripted answer is cancelled. */
  dialogAnswers: [],
  dialogCalls: [],
  /** Whether this is the first instance (requestSingleInstanceLock's answer); SLM_FAKE_SECOND_INSTANCE=1 plays a second launch. */
  singleInstance: process.env.SLM_FAKE_SECOND_INSTANCE !== '1',
  /** Set by a test to carry what main sends to the page: (channel, payload) => void. */
  deliver: null,
  /** Every IPC call the page made to main, in order: { channel, args }. */
  invoked: [],
  /** Windows that were closed (the close went ahead), in order. */
  closedWindows: [],
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
    fake.deliver?.(channel, payload);
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
    this.webContents.emit('did-start-loading');
    this.webContents.emit('did-finish-load');
    return Promise.resolve();
  }
  show() {}
  isMinimized() {
    return Boolean(this.minimized);
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focusCount = (this.focusCount ?? 0) + 1;
  }
  /** As Electron does: 'close' first, which a listener may cancel; then the window goes and 'closed'. */
  close() {
    if (this.destroyed) return;
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    fake.windows.splice(fake.windows.indexOf(this), 1);
    fake.closedWindows.push(this);
    this.emit('closed');
  }
  isDestroyed() {
    return Boolean(this.destroyed);
  }
}

const app = new EventEmitter();
app.isPackaged = false;
app.getPath = (name) => (name === 'userData' ? fake.userData : tmpdir());
app.whenReady = () => Promise.resolve();
app.quit = () => {
  fake.quitCalled = true;
};
app.getName = () => 'slm studio';
app.getVersion = () => require('../../package.json').version;
app.requestSingleInstanceLock = () => fake.singleInstance;

const utilityProcess = {
  fork(modulePath, args) {
    const child = fork(modulePath, args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const wrapper = new EventEmitter();
    child.on('message', (message) => wrapper.emit('message', message));
    child.on('exit', (code) => wrapper.emit('exit', code ?? 1));
    /** Every message main posted to this process, in order. */
    wrapper.sent = [];
    wrapper.postMessage = (message) => {
      wrapper.sent.push(message);
      return child.connected && child.send(message);
    };
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
  dialog: {
    showOpenDialog: async (_window, options) => answerDialog('open', options, { canceled: true, filePaths: [] }),
    showSaveDialog: async (_window, options) => answerDialog('save', options, { canceled: true }),
    /** A question: with no scripted answer, the person presses the cancel button. */
    showMessageBox: async (_window, options) => answerDialog('message', options, { response: options.cancelId ?? 0, checkboxChecked: false }),
  },
  Menu: {
    buildFromTemplate: (template) => ({ template }),
    setApplicationMenu: (menu) => (fake.menu = menu.template),
  },
  utilityProcess,
};

function answerDialog(kind, options, cancelled) {
  fake.dialogCalls.push({ kind, options });
  return fake.dialogAnswers.shift() ?? cancelled;
}

async function fetchFile(url) {
  const { readFile } = require('node:fs/promises');
  const { fileURLToPath } = require('node:url');
  try {
    return new Response(await readFile(fileURLToPath(url)));
  } catch {
    return new Response('missing', { status: 404 });
  }
}
