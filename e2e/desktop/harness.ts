import type { BrowserContext, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * The desktop app's path, reproduced in Chromium where Electron's binary cannot run:
 * - the page is served by main's own app:// protocol handler, with the headers main adds (the
 *   production Content-Security-Policy), from http://127.0.0.1:PORT/ standing for app://slm/;
 * - the built dist/electron/preload.cjs runs in the page as a sandboxed preload (wrapped, with a
 *   require that knows only the stand-in electron's renderer modules, events, timers and url);
 * - its ipcRenderer reaches the real main.cjs IPC handlers in this process (loaded under the stand-in
 *   electron module, tests/fakes/desktopMain.cjs), with the page's frame as the sender; what main sends
 *   the window comes back to the page;
 * - from there requests go through main's real supervisor to the real service, forked from
 *   dist/electron/service.cjs, and on to the real model store in a temporary user-data folder.
 */
const require = createRequire(import.meta.url);
const { loadDesktopMain, root } = require('../../tests/fakes/desktopMain.cjs') as { loadDesktopMain(): Promise<any>; root: string };
const { PRELOAD_PARAMETERS } = require('../../tests/fakes/sandboxedPreload.cjs') as { PRELOAD_PARAMETERS: string[] };

export interface DesktopHost {
  /** The stand-in electron's record of what main did (handlers, menu, dialogs, utility processes). */
  fake: any;
  electron: any;
  /** The app's page, as the window loads it. */
  entry: string;
  /** A page of another origin, for requests that must be refused. */
  foreignPage: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts main under the stand-in electron, and serves its app:// pages over loopback. */
export async function startDesktopHost(): Promise<DesktopHost> {
  const electron = await loadDesktopMain();
  const fake = electron.fake;
  const appProtocol = fake.protocolHandlers.get('app');
  const app = createServer(async (request, response) => {
    const answer: Response = await appProtocol({ url: `app://slm${request.url}` });
    // Main's session adds its headers to every response the window gets (webRequest.onHeadersReceived).
    let headers: Record<string, string | string[]> = Object.fromEntries(answer.headers.entries());
    fake.headersHandler({ responseHeaders: headers }, (result: { responseHeaders: Record<string, string[]> }) => (headers = result.responseHeaders));
    response.writeHead(answer.status, headers);
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
  const foreign = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>another site</title><p>not the app</p>');
  });
  const origin = await listen(app);
  const foreignOrigin = await listen(foreign);
  const window = fake.windows[0];
  return {
    fake,
    electron,
    entry: `${origin}${new URL(window.webContents.getURL()).pathname}${new URL(window.webContents.getURL()).search}`,
    foreignPage: `${foreignOrigin}/`,
    async close() {
      fake.deliver = null;
      await Promise.all([app, foreign].map((server) => new Promise((done) => server.close(done))));
    },
  };
}

/** The address main sees for a frame: the app's own pages are app://slm/ in the desktop app. */
function senderUrl(frameUrl: string, appOrigin: string): string {
  const url = new URL(frameUrl);
  return url.origin === appOrigin ? `app://slm${url.pathname}${url.search}` : frameUrl;
}

/**
 * The page script that runs the built preload as Electron runs a sandboxed one. The stand-in
 * electron's ipcRenderer carries invoke() to main through a Playwright binding, and takes what main
 * sends from `__slmDeliverIpc`. Pass `preloadSource` to run another preload (a broken one).
 */
export function sandboxedPreloadScript(preloadSource = readFileSync(join(root, 'dist', 'electron', 'preload.cjs'), 'utf8')): string {
  return `(() => {
  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) => globalThis.__slmInvokeMain(channel, args),
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return ipcRenderer;
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
  };
  Object.defineProperty(globalThis, '__slmDeliverIpc', {
    value: (channel, payload) => { for (const listener of listeners.get(channel) ?? []) listener({}, payload); },
  });
  const contextBridge = {
    exposeInMainWorld(key, api) {
      Object.defineProperty(globalThis, key, { value: Object.freeze({ ...api }), enumerable: false });
    },
  };
  const modules = {
    electron: { contextBridge, ipcRenderer },
    events: {},
    timers: { setTimeout, clearTimeout, setInterval, clearInterval },
    url: { URL, URLSearchParams },
  };
  const sandboxRequire = (name) => {
    const bare = name.startsWith('node:') ? name.slice(5) : name;
    if (!(bare in modules)) throw new Error('module not found: ' + name);
    return modules[bare];
  };
  const sandboxProcess = { type: 'renderer', sandboxed: true, contextIsolated: true, platform: 'linux', versions: {}, env: {}, argv: [] };
  const immediate = (callback, ...args) => setTimeout(callback, 0, ...args);
  const module = { exports: {} };
  try {
    (function (${PRELOAD_PARAMETERS.join(', ')}) {${preloadSource}
    })(sandboxRequire, sandboxProcess, undefined, globalThis, immediate, clearTimeout, module.exports, module);
  } catch (error) {
    console.error('Unable to load preload script: ' + error);
  }
})();`;
}

export interface PageProblems {
  errors: string[];
  violations: string[];
}

/**
 * Connects a browser context to the desktop host: every page in it gets the preload, its IPC reaches
 * main (sent from the frame it came from), and main's messages reach the app's page. Page errors and
 * Content-Security-Policy violations are collected for the test to fail on.
 */
export async function connectDesktop(context: BrowserContext, host: DesktopHost, preloadSource?: string): Promise<PageProblems> {
  const problems: PageProblems = { errors: [], violations: [] };
  const appOrigin = new URL(host.entry).origin;
  const window = host.fake.windows[0];
  await context.exposeBinding('__slmInvokeMain', async (source, channel: string, args: unknown[]) => {
    host.fake.invoked.push({ channel, args });
    const handler = host.fake.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    return handler({ sender: window.webContents, senderFrame: { url: senderUrl(source.frame.url(), appOrigin) } }, ...args);
  });
  await context.exposeBinding('__slmReportViolation', (_source, text: string) => void problems.violations.push(text));
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => globalThis.__slmReportViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));`,
  });
  await context.addInitScript({ content: sandboxedPreloadScript(preloadSource) });
  context.on('page', (page) => watch(page, problems));
  for (const page of context.pages()) watch(page, problems);
  return problems;
}

function watch(page: Page, problems: PageProblems): void {
  page.on('pageerror', (error) => problems.errors.push(error.message));
}

/** What main sends the window goes to this page (as webContents.send does to the window's page). */
export function deliverTo(page: Page, host: DesktopHost): void {
  let chain = Promise.resolve();
  host.fake.deliver = (channel: string, payload: unknown) => {
    chain = chain.then(() => page.evaluate(([c, p]) => (globalThis as any).__slmDeliverIpc(c, p), [channel, payload] as const).catch(() => {}));
  };
}
