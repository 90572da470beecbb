import type { ModelSource, RequestBody, ServiceEvent } from '../service/protocol.ts';
import type { DesktopCommand } from './commands.ts';

/** What a request through the bridge gives back: the result, or an error a person can read. */
export type BridgeAnswer = { ok: true; result: unknown } | { ok: false; kind: string; message: string };

/** What the About box tells about the desktop app. */
export interface AboutInfo {
  name: string;
  version: string;
  electron: string;
  chrome: string;
  node: string;
  platform: string;
}

/** A lesson file as picked: its name and text. */
export interface LessonFile {
  name: string;
  text: string;
}

/**
 * The one object the preload script gives the renderer (as `window.slm`), and nothing else: every
 * member is a function (tests/preload-contract.test.ts holds it to that). Results are validated again
 * on the renderer's side by the protocol's schemas.
 */
export interface SlmDesktopApi {
  request(body: RequestBody): Promise<BridgeAnswer>;
  onEvent(listener: (event: ServiceEvent) => void): () => void;
  /** Shows an open dialog for a model file (*.slm.json) or the original's weights.npz; null if cancelled. */
  chooseModel(): Promise<ModelSource | null>;
  /** Shows a save dialog and writes the model file's text there; the path written, or null. */
  saveModelAs(suggestedName: string, text: string): Promise<string | null>;
  /** Shows a folder dialog and writes weights.npz + wordmap.json there; the folder, or null. */
  exportOriginal(files: { weights: Uint8Array; wordmap: string }): Promise<string | null>;
  /** Shows an open dialog for a lesson (*.slm-lesson.json); its name and text (read within the limits), or null if cancelled. */
  chooseLesson(): Promise<LessonFile | null>;
  /** Shows a save dialog and writes the lesson's text there (atomically); the path written, or null. */
  saveLessonAs(suggestedName: string, text: string): Promise<string | null>;
  /** The app's and its runtime's versions, for the About box. */
  about(): Promise<AboutInfo>;
  /** The application menu's actions and files given to the app (checked again by the renderer). */
  onCommand(listener: (command: DesktopCommand) => void): () => void;
  /**
   * Tells main what unsaved work would be lost (in words), or null when none would: main then asks
   * before closing, quitting or opening a file given to the app (desktop/leaveGuard.ts).
   */
  reportUnsavedWork(words: string | null): Promise<void>;
  /** Answers a `saveWork` command: whether the work was saved (main then goes ahead) or not (it stays). */
  workSaved(request: number, saved: boolean): Promise<void>;
}

/** Channel names, shared by main and preload. */
export const CHANNELS = {
  request: 'slm:request',
  event: 'slm:event',
  command: 'slm:command',
  chooseModel: 'slm:choose-model',
  saveModelAs: 'slm:save-model-as',
  exportOriginal: 'slm:export-original',
  about: 'slm:about',
  chooseLesson: 'slm:choose-lesson',
  saveLessonAs: 'slm:save-lesson-as',
  unsavedWork: 'slm:unsaved-work',
  workSaved: 'slm:work-saved',
} as const;

/** The query on the desktop window's page address that tells the renderer it runs in the desktop app. */
export const DESKTOP_SHELL_QUERY = 'shell=desktop';
