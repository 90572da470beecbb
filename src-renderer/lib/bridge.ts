/**
 * The renderer's one way to the model: inside Electron, the preload's `window.slm`; in a browser, the
 * same model service running in a Web Worker. Either way every answer and event is validated by the
 * service protocol's schemas before the app sees it.
 *
 * Whatever differs between the two is a member here, written once for each: choosing a model or a
 * lesson to open (a native dialog, or the browser's file picker), saving and exporting (a dialog, or
 * downloads), guarding unsaved work (main's question, or the page's beforeunload), and the About box's
 * versions. The views never ask which host they are in.
 *
 * The desktop app's page says it is one (`?shell=desktop`, see DESKTOP_SHELL_QUERY). There the
 * preload's API must be present and whole: if it is not, createBridge fails with a message that says
 * what broke, and the in-page worker is never used in its place.
 */
import { type AboutInfo, DESKTOP_SHELL_QUERY, type LessonFile, type SlmDesktopApi } from '../../src-main/desktop/api.ts';
import { type DesktopCommand, parseDesktopCommand } from '../../src-main/desktop/commands.ts';
import { type ModelSource, type RequestBody, type ResultOf, type ServiceEvent, parseEvent, parseResult } from '../../src-main/service/protocol.ts';
import { type ServiceConnection, ServiceError, ServiceSupervisor } from '../../src-main/service/supervisor.ts';
import { chooseLessonInBrowser, chooseModelInBrowser, download, fileNameFor, guardLeaving } from './browserFiles.ts';

/** Where the model runs: named in the About box. */
export type Backend = 'desktop service' | 'in-page worker';

/** A command's name, and the command of that name. */
export type CommandName = DesktopCommand['command'];
export type CommandOf<C extends CommandName> = Extract<DesktopCommand, { command: C }>;

/** The original project's two files, as the service exports them. */
export interface OriginalFiles {
  weights: Uint8Array;
  wordmap: string;
}

export interface Bridge {
  request<B extends RequestBody>(body: B): Promise<ResultOf<B['type']>>;
  onEvent(listener: (event: ServiceEvent) => void): () => void;
  /**
   * The desktop's menu actions and files given to the app, of the names given; never called in a
   * browser. A command that arrives before anyone takes it waits for the first listener that does.
   */
  onCommand<C extends CommandName>(names: readonly C[], listener: (command: CommandOf<C>) => void): () => void;
  /** Asks the person for a model to open (the desktop's open dialog, or the browser's file picker); null if they cancelled. */
  chooseModel(): Promise<ModelSource | null>;
  /**
   * Saves a model file's text (through the desktop's save dialog, or as a download) and says where it
   * went, in words for the person; null if they cancelled.
   */
  saveModelFile(modelName: string, text: string): Promise<string | null>;
  /**
   * Writes the original's weights.npz and wordmap.json (into a folder the person picks, or as two
   * downloads) and says so, in words for the person; null if they cancelled.
   */
  exportOriginal(files: OriginalFiles): Promise<string | null>;
  /** Asks the person for a lesson file to open (a dialog, or the file picker); its name and text, or null if they cancelled. */
  chooseLesson(): Promise<LessonFile | null>;
  /** Saves a lesson's text (through a save dialog, or as a download) and says where, in words; null if they cancelled. */
  saveLesson(fileName: string, text: string): Promise<string | null>;
  /** Whether a lesson can be shared as a link to this page (a browser's address; the desktop window's is its own). */
  readonly lessonLinks: boolean;
  /**
   * What unsaved work would be lost now (in words), or null: the desktop's main asks before closing,
   * quitting or opening a file; a browser page asks before it is left.
   */
  reportUnsavedWork(words: string | null): void;
  /** Answers the desktop's `saveWork` command (which a browser never sends): whether the work was saved. */
  workSaved(request: number, saved: boolean): void;
  /** The app's version and its runtime's, for the About box. */
  about(): Promise<HostInfo>;
  readonly backend: Backend;
}

/** What the About box says of the host: the app's version (null: the page's own) and the runtime's, as label and value. */
export interface HostInfo {
  version: string | null;
  runtime: [label: string, value: string][];
}

/** The desktop app's page could not reach its model service: what broke, for the error screen. */
export class DesktopBridgeMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesktopBridgeMissing';
  }
}

/** Every member the preload must give the page (tests/preload-contract.test.ts holds the preload to it). */
const DESKTOP_API_MEMBERS = ['request', 'onEvent', 'onCommand', 'chooseModel', 'saveModelAs', 'exportOriginal', 'about', 'reportUnsavedWork', 'workSaved', 'chooseLesson', 'saveLessonAs'] as const satisfies readonly (keyof SlmDesktopApi)[];

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
 * Each listener takes the commands it names. A command that arrives before anything takes it (a file
 * given at launch comes as the page starts) waits for the first listener that does.
 */
function commandChannel(subscribe: (deliver: (raw: unknown) => void) => void): Bridge['onCommand'] {
  const listeners = new Set<{ names: readonly CommandName[]; take: (command: DesktopCommand) => void }>();
  let waiting: DesktopCommand[] = [];
  subscribe((raw) => {
    let command: DesktopCommand;
    try {
      command = parseDesktopCommand(raw);
    } catch (error) {
      command = { command: 'problem', message: `the app's main process sent a command the page cannot read: ${(error as Error).message}` };
    }
    const takers = [...listeners].filter((listener) => listener.names.includes(command.command));
    if (takers.length === 0) waiting.push(command);
    for (const listener of takers) listener.take(command);
  });
  return (names, take) => {
    const listener = { names, take: take as (command: DesktopCommand) => void };
    listeners.add(listener);
    const mine = waiting.filter((command) => names.includes(command.command as (typeof names)[number]));
    waiting = waiting.filter((command) => !mine.includes(command));
    for (const command of mine) listener.take(command);
    return () => void listeners.delete(listener);
  };
}

/** The desktop page's bridge, over the preload's API (createBridge first checks that API is whole). */
export function desktopBridge(desktop: SlmDesktopApi): Bridge {
  return {
    backend: 'desktop service',
    async request(body) {
      const answer = await desktop.request(body);
      if (!answer.ok) throw new ServiceError(answer.kind, answer.message);
      return parseResult(body.type, answer.result);
    },
    onEvent: (listener) => desktop.onEvent((event) => listener(parseEvent(event))),
    onCommand: commandChannel((deliver) => desktop.onCommand(deliver)),
    chooseModel: () => desktop.chooseModel(),
    async saveModelFile(modelName, text) {
      const path = await desktop.saveModelAs(modelName, text);
      return path ? `Saved ${path}.` : null;
    },
    async exportOriginal(files) {
      const folder = await desktop.exportOriginal(files);
      return folder ? `Wrote weights.npz and wordmap.json in ${folder}.` : null;
    },
    chooseLesson: () => desktop.chooseLesson(),
    async saveLesson(fileName, text) {
      const path = await desktop.saveLessonAs(fileName, text);
      return path ? `Saved the lesson as ${path}.` : null;
    },
    lessonLinks: false,
    reportUnsavedWork: (words) => void desktop.reportUnsavedWork(words).catch(() => {}),
    workSaved: (request, saved) => void desktop.workSaved(request, saved).catch(() => {}),
    async about() {
      const info = await desktop.about();
      return {
        version: info.version,
        runtime: [
          ['Electron', info.electron || 'unknown'],
          ['Chrome', info.chrome || 'unknown'],
          ['Node', info.node],
          ['System', info.platform],
        ],
      };
    },
  };
}

function browserBridge(): Bridge {
  const supervisor = new ServiceSupervisor(workerConnection);
  // What the page's beforeunload guard would lose, as last reported.
  let unsaved: string | null = null;
  guardLeaving(() => unsaved);
  return {
    backend: 'in-page worker',
    request: (body) => supervisor.request(body),
    onEvent: (listener) => supervisor.onEvent(listener),
    onCommand: () => () => {},
    chooseModel: chooseModelInBrowser,
    async saveModelFile(modelName, text) {
      const name = `${fileNameFor(modelName)}.slm.json`;
      download(name, text, 'application/json');
      return `Saved ${name}.`;
    },
    async exportOriginal(files) {
      download('weights.npz', files.weights, 'application/zip');
      download('wordmap.json', files.wordmap, 'application/json');
      return 'Saved weights.npz and wordmap.json.';
    },
    chooseLesson: chooseLessonInBrowser,
    async saveLesson(fileName, text) {
      download(fileName, text, 'application/json');
      return `Saved the lesson as ${fileName}.`;
    },
    lessonLinks: true,
    reportUnsavedWork(words) {
      unsaved = words;
    },
    workSaved: () => {},
    about: async () => ({ version: null, runtime: [['Browser', navigator.userAgent]] }),
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
