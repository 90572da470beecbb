/**
 * Electron main: one instance with one window, the application menu, the model service in a utility
 * process under a supervisor, IPC with every sender checked, native dialogs, and the model store in
 * the user-data folder. The logic lives in ./desktop and ./service, where it is tested under Node;
 * this file only wires it to Electron (tests/main-process.test.ts and e2e/desktop-path.spec.ts run
 * the built file under a stand-in electron module).
 */
import { BrowserWindow, Menu, app, dialog, ipcMain, net, protocol, session, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AboutInfo, CHANNELS, type BridgeAnswer } from './desktop/api.ts';
import { appMenuTemplate } from './desktop/appMenu.ts';
import { CommandOutbox } from './desktop/commands.ts';
import { LESSON_FILE, modelPathFromArgs } from './desktop/launchArgs.ts';
import { type LeaveAction, LeaveGuard, leaveAnswer, leaveMessageBox } from './desktop/leaveGuard.ts';
import { modelSourceFromPath } from './desktop/modelSources.ts';
import { prepareModelStore } from './desktop/modelStoreSetup.ts';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, DESKTOP_ENTRY, contentType, isAppUrl, resolveAppUrl } from './desktop/rendererFiles.ts';
import { utilityConnection } from './desktop/utilityConnection.ts';
import { writeFileAtomic } from './files/atomicWrite.ts';
import { readText, writeOriginalPair } from './files/modelPaths.ts';
import { MAX_LESSON_FILE_CHARACTERS } from './model/network/limits.ts';
import type { RequestBody } from './service/protocol.ts';
import { ServiceError, ServiceSupervisor } from './service/supervisor.ts';

// dist/electron/main.js sits two folders below the app's root, in development and in the asar alike.
const appRoot = join(__dirname, '..', '..');
const resourcesDir = join(appRoot, 'resources');
const rendererDir = join(appRoot, 'dist', 'renderer');

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let window: BrowserWindow | null = null;
let supervisor: ServiceSupervisor | null = null;
/** Menu actions and files given to the app, held until the window's page can take them. */
const commands = new CommandOutbox();
/** Set once the person has agreed to close (or nothing was unsaved): the next close goes ahead. */
let closeAgreed = false;
/** Set by a quit (menu, Cmd+Q): the window's close is then the quit's. */
let quitting = false;

/** Nothing unsaved is dropped without asking: closing, quitting, a file given to the app. */
const leave = new LeaveGuard({
  async ask(question) {
    if (!window) return 'cancel';
    return leaveAnswer((await dialog.showMessageBox(window, leaveMessageBox(question))).response);
  },
  post: (command) => commands.post(command),
  carryOut(action: LeaveAction) {
    if (action.kind === 'open') return commands.post({ command: 'openSource', source: action.source });
    closeAgreed = true;
    if (action.kind === 'quit') app.quit();
    else window?.close();
  },
});

/** IPC is answered only for the app's own page in its own window. */
function trusted(event: IpcMainInvokeEvent): boolean {
  return window !== null && event.sender === window.webContents && isAppUrl(event.senderFrame?.url);
}

function handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => Promise<unknown>): void {
  ipcMain.handle(channel, async (event, ...args) => {
    if (!trusted(event)) throw new Error('refused: the request did not come from the app');
    return listener(event, ...args);
  });
}

async function answer(body: RequestBody): Promise<BridgeAnswer> {
  try {
    return { ok: true, result: await supervisor!.request(body) };
  } catch (error) {
    const kind = error instanceof ServiceError ? error.kind : 'internal';
    return { ok: false, kind, message: (error as Error).message };
  }
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1100,
    minHeight: 700,
    title: 'slm studio',
    backgroundColor: '#111418',
    show: false,
    webPreferences: {
      // electronegativity: PRELOAD_JS_CHECK reviewed: the preload runs sandboxed and exposes one object,
      // window.slm, whose methods only forward to IPC channels that the main process checks (trusted()).
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // No middle-click (auxclick) navigation to new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window?.show());
  closeAgreed = false;
  window.webContents.on('did-start-loading', () => {
    commands.close();
    leave.reset();
  });
  window.webContents.on('did-finish-load', () => commands.open((command) => window?.webContents.send(CHANNELS.command, command)));
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== window?.webContents.getURL()) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // Closing the window (or quitting) asks first when work is unsaved (desktop/leaveGuard.ts).
  window.on('close', (event) => {
    const kind = quitting ? 'quit' : 'close';
    quitting = false;
    if (closeAgreed) return;
    event.preventDefault();
    void leave.request({ kind });
  });
  window.on('closed', () => {
    commands.close();
    leave.reset();
    window = null;
  });
  void window.loadURL(DESKTOP_ENTRY);
}

/** A model file given to the app (command line, second launch, the OS): the renderer opens it, once unsaved work is seen to. */
async function openGivenFile(path: string): Promise<void> {
  try {
    // A lesson is read here and restored by the page, which checks it and asks before unsaved work is dropped.
    if (LESSON_FILE.test(path)) return commands.post({ command: 'openLessonFile', name: basename(path), text: await readLesson(path) });
    const source = await modelSourceFromPath(path);
    await leave.request({ kind: 'open', source, fileName: basename(path) });
  } catch (error) {
    commands.post({ command: 'problem', message: `${path} could not be opened: ${(error as Error).message}` });
  }
}

/** A lesson file's text, read as model files are: a regular file, within the limits. */
function readLesson(path: string): Promise<string> {
  return readText(path, 'the lesson', MAX_LESSON_FILE_CHARACTERS);
}

function focusWindow(): void {
  if (!window) return;
  if (window.isMinimized()) window.restore();
  window.focus();
}

// One instance: a second launch hands its file to the first and quits.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();
app.on('second-instance', (_event, argv, workingDirectory) => {
  focusWindow();
  const path = modelPathFromArgs(argv, workingDirectory);
  if (path) void openGivenFile(path);
});
// macOS hands files opened from Finder (the file association) to the running app.
app.on('open-file', (event, path) => {
  event.preventDefault();
  void openGivenFile(path);
});

app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
});

app.whenReady().then(() => {
  if (!primary) return;
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        packaged: app.isPackaged,
        appName: app.getName(),
        send: (command) => {
          focusWindow();
          commands.post({ command });
        },
      }),
    ),
  );

  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  // Every response the window gets carries the app's Content-Security-Policy.
  // electronegativity: CSP_GLOBAL_CHECK cannot read the policy through the constant's name; it is
  // CONTENT_SECURITY_POLICY in desktop/rendererFiles.ts (no remote origins, no eval), tested there.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppUrl(request.url, rendererDir);
    if (!file) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString()).catch(() => null);
    if (!response || !response.ok) return new Response('not found', { status: 404 });
    return new Response(response.body, {
      headers: { 'content-type': contentType(file), 'content-security-policy': CONTENT_SECURITY_POLICY },
    });
  });

  const store = prepareModelStore(app.getPath('userData'), join(resourcesDir, 'models', 'boris.slm.json'));
  supervisor = new ServiceSupervisor(() =>
    utilityConnection(
      utilityProcess.fork(join(__dirname, 'service.cjs'), ['--store', store, '--resources', resourcesDir], { serviceName: 'slm model service' }),
    ),
  );
  supervisor.onEvent((event) => window?.webContents.send(CHANNELS.event, event));

  handle(CHANNELS.request, (_event, body: RequestBody) => answer(body));
  handle(CHANNELS.chooseModel, async () => {
    const picked = await dialog.showOpenDialog(window!, {
      title: 'Open a model',
      properties: ['openFile'],
      filters: [
        { name: 'Models', extensions: ['json', 'npz'] },
        { name: 'slm studio model', extensions: ['json'] },
        { name: 'Original weights (with wordmap.json beside)', extensions: ['npz'] },
      ],
    });
    return picked.canceled || picked.filePaths.length === 0 ? null : modelSourceFromPath(picked.filePaths[0]);
  });
  handle(CHANNELS.saveModelAs, async (_event, suggestedName: string, text: string) => {
    if (typeof text !== 'string' || typeof suggestedName !== 'string') throw new Error('refused: a model file must be text');
    const picked = await dialog.showSaveDialog(window!, {
      title: 'Save the model as',
      defaultPath: `${suggestedName.replace(/[^\w.-]+/g, '-')}.slm.json`,
      filters: [{ name: 'slm studio model', extensions: ['json'] }],
    });
    if (picked.canceled || !picked.filePath) return null;
    await writeFileAtomic(picked.filePath, text);
    return picked.filePath;
  });
  handle(CHANNELS.exportOriginal, async (_event, files: { weights: Uint8Array; wordmap: string }) => {
    if (!(files?.weights instanceof Uint8Array) || typeof files.wordmap !== 'string') throw new Error('refused: not the original\'s files');
    const picked = await dialog.showOpenDialog(window!, {
      title: 'Export weights.npz and wordmap.json into a folder',
      properties: ['openDirectory', 'createDirectory'],
    });
    if (picked.canceled || picked.filePaths.length === 0) return null;
    await writeOriginalPair(picked.filePaths[0], files);
    return picked.filePaths[0];
  });

  handle(CHANNELS.chooseLesson, async () => {
    const picked = await dialog.showOpenDialog(window!, {
      title: 'Open a lesson',
      properties: ['openFile'],
      filters: [{ name: 'slm studio lesson', extensions: ['json'] }],
    });
    if (picked.canceled || picked.filePaths.length === 0) return null;
    return { name: basename(picked.filePaths[0]), text: await readLesson(picked.filePaths[0]) };
  });
  handle(CHANNELS.saveLessonAs, async (_event, suggestedName: string, text: string) => {
    if (typeof text !== 'string' || typeof suggestedName !== 'string') throw new Error('refused: a lesson must be text');
    if (text.length > MAX_LESSON_FILE_CHARACTERS) throw new Error('refused: the lesson is larger than a lesson can be');
    const picked = await dialog.showSaveDialog(window!, {
      title: 'Save the lesson as',
      defaultPath: suggestedName.replace(/[^\w.-]+/g, '-'),
      filters: [{ name: 'slm studio lesson', extensions: ['json'] }],
    });
    if (picked.canceled || !picked.filePath) return null;
    await writeFileAtomic(picked.filePath, text);
    return picked.filePath;
  });
  handle(CHANNELS.unsavedWork, async (_event, words: unknown) => leave.report(words));
  handle(CHANNELS.workSaved, async (_event, request: unknown, saved: unknown) => leave.saved(request, saved));

  handle(CHANNELS.about, async (): Promise<AboutInfo> => ({
    name: app.getName(),
    version: app.getVersion(),
    electron: process.versions.electron ?? '',
    chrome: process.versions.chrome ?? '',
    node: process.versions.node,
    platform: `${process.platform} ${process.arch}`,
  }));

  createWindow();
  const launchFile = modelPathFromArgs(process.argv, process.cwd());
  if (launchFile) void openGivenFile(launchFile);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('before-quit', () => {
  quitting = true;
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('will-quit', () => supervisor?.dispose());
