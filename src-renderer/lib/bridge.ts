/**
 * The renderer's one way to the model: inside Electron, the preload's `window.slm`; in a browser, the
 * same model service running in a Web Worker. Either way every answer and event is validated by the
 * service protocol's schemas before the app sees it.
 *
 * The desktop app's page says it is one (`?shell=desktop`, see DESKTOP_SHELL_QUERY). There the
 * preload's API must be present and whole: if it is not, createBridge fails with a message that says
 * what broke, and the in-page worker is never used in its place.
 */
import { type AboutInfo, DESKTOP_SHELL_QUERY, type SlmDesktopApi } from '../../src-main/desktop/api.ts';
import { type DesktopCommand, parseDesktopCommand } from '../../src-main/desktop/commands.ts';
import { type RequestBody, type ResultOf, type ServiceEvent, parseEvent, parseResult } from '../../src-main/service/protocol.ts';
import { type ServiceConnection, ServiceError, ServiceSupervisor } from '../../src-main/service/supervisor.ts';

/** Where the model runs: named in the About box. */
export type Backend = 'desktop service' | 'in-page worker';

export interface Bridge {
  request<B extends RequestBody>(body: B): Promise<ResultOf<B['type']>>;
  onEvent(listener: (event: ServiceEvent) => void): () => void;
  /** The desktop's menu actions and files given to the app; never called in a browser. */
  onCommand(listener: (command: DesktopCommand) => void): () => void;
  /** The desktop's native dialogs and versions, or null in a browser. */
  readonly desktop: SlmDesktopApi | null;
  readonly backend: Backend;
}

/** The desktop app's page could not reach its model service: what broke, for the error screen. */
export class DesktopBridgeMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesktopBridgeMissing';
  }
}

/** Every member the preload must give the page (tests/preload-contract.test.ts holds the preload to it). */
const DESKTOP_API_MEMBERS = ['request', 'onEvent', 'onCommand', 'chooseModel', 'saveModelAs', 'exportOriginal', 'about', 'reportUnsavedWork', 'workSaved'] as const satisfies readonly (keyof SlmDesktopApi)[];

function workerConnection(): ServiceConnection {
  const worker = new Worker(new URL('./serviceWorker.ts', import.meta.url), { type: 'module', name: 'slm model service' });
  const exitListeners: ((reason: string) => void)[] = [];
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    for (const listener of exitListeners) listener(event.message || 'the worker failed');
  });
  return {
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => worker.terminate(),
  };
}

/**
 * Commands that arrive before anything listens (a file given at launch comes as the page starts)
 * wait for the first listener.
 */
function commandChannel(subscribe: (deliver: (raw: unknown) => void) => void) {
  const listeners = new Set<(command: DesktopCommand) => void>();
  const waiting: DesktopCommand[] = [];
  subscribe((raw) => {
    let command: DesktopCommand;
    try {
      command = parseDesktopCommand(raw);
    } catch (error) {
      command = { command: 'problem', message: `the app's main process sent a command the page cannot read: ${(error as Error).message}` };
    }
    if (listeners.size === 0) waiting.push(command);
    for (const listener of listeners) listener(command);
  });
  return (listener: (command: DesktopCommand) => void) => {
    listeners.add(listener);
    for (const command of waiting.splice(0)) listener(command);
    return () => void listeners.delete(listener);
  };
}

function desktopBridge(desktop: SlmDesktopApi): Bridge {
  return {
    desktop,
    backend: 'desktop service',
    async request(body) {
      const answer = await desktop.request(body);
      if (!answer.ok) throw new ServiceError(answer.kind, answer.message);
      return parseResult(body.type, answer.result);
    },
    onEvent: (listener) => desktop.onEvent((event) => listener(parseEvent(event))),
    onCommand: commandChannel((deliver) => desktop.onCommand(deliver)),
  };
}

function browserBridge(): Bridge {
  const supervisor = new ServiceSupervisor(workerConnection);
  return {
    desktop: null,
    backend: 'in-page worker',
    request: (body) => supervisor.request(body),
    onEvent: (listener) => supervisor.onEvent(listener),
    onCommand: () => () => {},
  };
}

/** Whether this page is the desktop app's (its address says so). */
export function isDesktopPage(search: string = globalThis.location?.search ?? ''): boolean {
  const [name, value] = DESKTOP_SHELL_QUERY.split('=');
  return new URLSearchParams(search).get(name) === value;
}

/** The bridge for this page; in the desktop app, throws DesktopBridgeMissing when the preload failed. */
export function createBridge(): Bridge {
  const desktop = (globalThis as { slm?: unknown }).slm;
  if (!isDesktopPage()) return browserBridge();
  if (desktop === undefined || desktop === null || typeof desktop !== 'object') {
    throw new DesktopBridgeMissing(
      'The desktop app’s preload script did not run, so this window has no way to its model service (window.slm is missing).',
    );
  }
  const missing = DESKTOP_API_MEMBERS.filter((name) => typeof (desktop as Record<string, unknown>)[name] !== 'function');
  if (missing.length > 0) {
    throw new DesktopBridgeMissing(`The desktop app’s preload script gave this window an incomplete API: ${missing.join(', ')} missing.`);
  }
  return desktopBridge(desktop as SlmDesktopApi);
}

export type { AboutInfo, DesktopCommand };
