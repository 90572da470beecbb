import * as v from 'valibot';
import type { ModelSource } from '../service/protocol.ts';
import type { DesktopCommand } from './commands.ts';

/**
 * The desktop's guard over unsaved work. The renderer knows what would be lost (a training run
 * going, edited weights, a model opened from a file and not saved) and tells main whenever that
 * changes; main asks the person before anything would drop it: closing the window, quitting, or
 * opening a file a second launch (or macOS) handed the app. The answer is Save, Don't save or Cancel.
 * Save asks the page to save (the `saveWork` command, through the preload's checked command
 * channel) and goes ahead only once the page says it saved. With nothing unsaved, nothing is asked.
 */

/** What the renderer reports: what would be lost, in words, or null. Checked where it arrives. */
export const UnsavedWorkSchema = v.nullable(v.pipe(v.string(), v.maxLength(300)));
/** The page's answer to a `saveWork` command: which request, and whether the work was saved. */
export const WorkSavedSchema = v.tuple([v.pipe(v.number(), v.integer(), v.minValue(1)), v.boolean()]);

/** What would drop the work: closing the window, quitting the app, opening a file given to it. */
export type LeaveAction = { kind: 'close' } | { kind: 'quit' } | { kind: 'open'; source: ModelSource; fileName: string };

export type LeaveAnswer = 'save' | 'discard' | 'cancel';

/** The buttons, in the order the question shows them; Cancel is the one Escape picks. */
export const LEAVE_BUTTONS = ['Save', "Don't save", 'Cancel'] as const;
const ANSWERS: readonly LeaveAnswer[] = ['save', 'discard', 'cancel'];

export interface LeaveQuestion {
  message: string;
  detail: string;
}

/** What the guard needs from main: a question to the person, the page's command channel, and the action itself. */
export interface LeaveHost {
  ask(question: LeaveQuestion): Promise<LeaveAnswer>;
  post(command: DesktopCommand): void;
  carryOut(action: LeaveAction): void;
}

/** The native message box that asks the question: Save is the default, Escape cancels. */
export function leaveMessageBox({ message, detail }: LeaveQuestion) {
  return { type: 'warning' as const, buttons: [...LEAVE_BUTTONS], defaultId: 0, cancelId: 2, noLink: true, title: 'Unsaved work', message, detail };
}

/** A message box's answer (the index of the button pressed) as the guard's. */
export function leaveAnswer(response: number): LeaveAnswer {
  return ANSWERS[response] ?? 'cancel';
}

/** The question for an action, saying what would be lost in the renderer's words. */
export function leaveQuestion(action: LeaveAction, unsaved: string): LeaveQuestion {
  const what = unsaved.charAt(0).toUpperCase() + unsaved.slice(1);
  const message =
    action.kind === 'open' ? `Save your work before opening ${action.fileName}?` : action.kind === 'quit' ? 'Save your work before quitting?' : 'Save your work before closing?';
  const stops = /training run/.test(unsaved) ? ' (the run is stopped first, keeping what it has learned)' : '';
  return { message, detail: `${what}. Save keeps it among your models${stops}; if you don't save, it is lost.` };
}

export class LeaveGuard {
  private unsaved: string | null = null;
  private readonly pending = new Map<number, LeaveAction>();
  private nextRequest = 1;
  private asking = false;

  constructor(private readonly host: LeaveHost) {}

  /** What would be lost now, as the renderer last said, or null. */
  get unsavedWork(): string | null {
    return this.unsaved;
  }

  /** The renderer's report (checked: text of at most 300 characters, or null). */
  report(raw: unknown): void {
    this.unsaved = v.parse(UnsavedWorkSchema, raw);
  }

  /** The page is gone or loading again: what it held is gone with it, and no save is awaited. */
  reset(): void {
    this.unsaved = null;
    this.pending.clear();
  }

  /**
   * Carries out `action` at once when nothing is unsaved; otherwise asks first. One question at a
   * time: while one is open, another action that would drop the work is not taken.
   */
  async request(action: LeaveAction): Promise<void> {
    if (this.unsaved === null) return this.host.carryOut(action);
    if (this.asking) return;
    this.asking = true;
    let answer: LeaveAnswer;
    try {
      answer = await this.host.ask(leaveQuestion(action, this.unsaved));
    } finally {
      this.asking = false;
    }
    if (answer === 'cancel') return;
    if (answer === 'discard') return this.host.carryOut(action);
    const request = this.nextRequest++;
    this.pending.set(request, action);
    this.host.post({ command: 'saveWork', request });
  }

  /** The page's answer to `saveWork` (checked): the action goes ahead only when the work was saved. */
  saved(...raw: unknown[]): void {
    const [request, saved] = v.parse(WorkSavedSchema, raw);
    const action = this.pending.get(request);
    if (!action) return;
    this.pending.delete(request);
    if (saved) this.host.carryOut(action);
  }
}
