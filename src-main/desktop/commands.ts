import * as v from 'valibot';
import { ModelSourceSchema, limits } from '../service/protocol.ts';

/**
 * What the desktop's main process asks the renderer to do: the application menu's actions, and a
 * model file handed to the app (on its command line, by a second launch, or by the OS). They reach
 * the renderer through the preload's `onCommand`, never on a raw channel, and are checked on arrival.
 */
export const DesktopCommandSchema = v.variant('command', [
  v.object({ command: v.literal('openModel') }),
  v.object({ command: v.literal('saveModelAs') }),
  v.object({ command: v.literal('exportOriginal') }),
  v.object({ command: v.literal('about') }),
  /** File › Save lesson… and Open lesson…. */
  v.object({ command: v.literal('saveLesson') }),
  v.object({ command: v.literal('openLesson') }),
  /** A lesson file given to the app: its name and text, read by main within the limits (the page checks it). */
  v.object({ command: v.literal('openLessonFile'), name: v.pipe(v.string(), v.maxLength(limits.MAX_WORD_CHARACTERS)), text: v.pipe(v.string(), v.maxLength(limits.MAX_LESSON_FILE_CHARACTERS)) }),
  /** Help › Glossary, and Help › Tour of this view (the view the window shows). */
  v.object({ command: v.literal('glossary') }),
  v.object({ command: v.literal('tour') }),
  /** A model file given to the app: open it. */
  v.object({ command: v.literal('openSource'), source: ModelSourceSchema }),
  /** Something main could not do for the person (a file given to the app could not be read). */
  v.object({ command: v.literal('problem'), message: v.string() }),
  /**
   * The person chose Save when asked before their unsaved work would be dropped (see
   * desktop/leaveGuard.ts): save it, then answer with the preload's workSaved(request, saved).
   */
  v.object({ command: v.literal('saveWork'), request: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
]);
export type DesktopCommand = v.InferOutput<typeof DesktopCommandSchema>;
export type MenuCommand = Extract<DesktopCommand, { command: 'openModel' | 'saveModelAs' | 'exportOriginal' | 'saveLesson' | 'openLesson' | 'about' | 'glossary' | 'tour' }>['command'];

export function parseDesktopCommand(raw: unknown): DesktopCommand {
  return v.parse(DesktopCommandSchema, raw);
}

/**
 * Holds commands until the window's page has loaded (a file given at launch arrives before it has),
 * then hands them over in order; while the page reloads, they wait again.
 */
export class CommandOutbox {
  private queue: DesktopCommand[] = [];
  private deliver: ((command: DesktopCommand) => void) | null = null;

  post(command: DesktopCommand): void {
    if (this.deliver) this.deliver(command);
    else this.queue.push(command);
  }

  /** The page is ready: deliver what waited, and everything from now on. */
  open(deliver: (command: DesktopCommand) => void): void {
    this.deliver = deliver;
    const waiting = this.queue;
    this.queue = [];
    for (const command of waiting) deliver(command);
  }

  /** The page is gone or loading again. */
  close(): void {
    this.deliver = null;
  }
}
