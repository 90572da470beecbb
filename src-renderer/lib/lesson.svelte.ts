import {
  LESSON_EXTENSION,
  LESSON_LINK_KEY,
  type Lesson,
  type LessonNote,
  type LessonView,
  LessonError,
  lessonEdits,
  lessonLink,
  lessonText,
  limits,
  readLesson,
  readLessonLink,
} from '../../src-main/service/protocol.ts';
import type { LessonFile } from '../../src-main/desktop/api.ts';
import type { CommandName, CommandOf } from './bridge.ts';
import type { CompareState } from './compare.svelte.ts';
import type { Explainer } from './explainer.svelte.ts';
import type { StudioCore } from './studio.svelte.ts';

/** The desktop's lesson commands: its menu's two items, and a lesson file given to the app. */
export const LESSON_COMMANDS = ['saveLesson', 'openLesson', 'openLessonFile'] as const satisfies readonly CommandName[];
export type LessonCommand = CommandOf<(typeof LESSON_COMMANDS)[number]>;

/**
 * Lessons in the app: the moment on screen saved as a lesson (a file, or a link in the browser build),
 * and a lesson restored through the app's own actions: open the model, make its weight edits and show
 * its epoch, say its conversation again with the saved seeds, set the clock, the view, Explain, the
 * unit card and Compare's sentences. The service checks a lesson against its model first, so a lesson
 * that cannot be restored changes nothing. Notes (plain text) are shown when the clock reaches their step.
 */
export class Lessons {
  /** The title and notes of the lesson open (or being written); saved with the next lesson. */
  #title = $state('');
  #notes = $state.raw<LessonNote[]>([]);
  /** Whether the notes' editor is shown (the teacher writes notes for the step under the clock). */
  writing = $state(false);
  #working = $state(false);
  private getView: () => LessonView = () => 'inside';
  private setView: (view: LessonView) => void = () => {};

  constructor(
    readonly studio: StudioCore,
    private readonly explainer: Explainer,
    private readonly compare: CompareState,
  ) {}

  get title(): string {
    return this.#title;
  }
  get notes(): readonly LessonNote[] {
    return this.#notes;
  }
  get working(): boolean {
    return this.#working;
  }
  /** The note of the step under the clock, if it has one. */
  get note(): LessonNote | null {
    const clock = this.studio.clock;
    return this.#notes.find((n) => n.step === clock) ?? null;
  }

  /** The app's tabs: which view is shown, and a way to show another (App.svelte owns them). */
  connectView(get: () => LessonView, set: (view: LessonView) => void): void {
    this.getView = get;
    this.setView = set;
  }

  setTitle(title: string): void {
    this.#title = title.slice(0, limits.MAX_LESSON_TITLE_CHARACTERS);
  }

  /** Writes (or, when empty, removes) the note of the step under the clock. */
  setNote(text: string): void {
    const step = this.studio.clock;
    if (step < 0) return;
    const kept = this.#notes.filter((n) => n.step !== step);
    const note = text.slice(0, limits.MAX_LESSON_NOTE_CHARACTERS);
    this.#notes = note.trim() ? [...kept, { step, text: note }].sort((a, b) => a.step - b.step) : kept;
  }

  /** The moment on screen as a lesson; a model other than the bundled one is embedded (with its history, or not). */
  async capture(withHistory = true): Promise<Lesson> {
    const { studio } = this;
    const model = studio.model;
    if (!model) throw new Error('no model is open yet');
    const { explainer } = this;
    const { compare } = this;
    const parts = await studio.bridge.request({ type: 'lessonParts', embed: studio.bundledOpen ? null : { withHistory } });
    const notes = this.#notes.filter((n) => n.text.trim() && n.step < studio.timeline.length).map((n) => ({ step: n.step, text: n.text.trim() }));
    const title = this.#title.trim();
    return {
      format: 'slm-lesson',
      version: 1,
      ...(title ? { title } : {}),
      model: parts.model ? { kind: 'embedded', name: parts.model.name, withHistory, file: parts.model.file } : { kind: 'bundled', name: model.name },
      conversation: {
        turns: studio.askedTurns.map(({ prompt, temperature, topK, seed }) => ({ prompt, temperature, topK, seed })),
        next: { ...studio.sampling },
        sameSeed: studio.sameSeed,
      },
      view: this.getView(),
      clock: studio.clock,
      explain: { on: explainer.on, measure: explainer.measure },
      unitCard: explainer.card ? { layer: explainer.card.layer, unit: explainer.card.unit } : null,
      compare: { sentences: [...compare.sentences], metric: compare.metric },
      epoch: withHistory || studio.bundledOpen ? parts.epoch : null,
      knockouts: parts.knockouts,
      edits: parts.edits,
      notes,
    };
  }

  /**
   * Restores a lesson exactly, through the app's own actions; the service checks it first, so one
   * that cannot be restored changes nothing. Returns what to tell the person.
   */
  async restore(lesson: Lesson): Promise<string> {
    const { studio } = this;
    const { steps } = await studio.bridge.request({ type: 'checkLesson', lesson });
    const source = lesson.model.kind === 'bundled' ? { kind: 'bundled' as const } : { kind: 'modelFile' as const, name: lesson.model.name, text: lesson.model.file };
    await studio.open(source);
    const model = studio.model!;
    const edits = lessonEdits(lesson, model.embeddingSize, model.tokens.length);
    if (edits.length > 0) await studio.applyWeights(await studio.bridge.request({ type: 'setWeights', edits }));
    if (lesson.epoch !== null) await studio.applyWeights(await studio.bridge.request({ type: 'showEpoch', epoch: lesson.epoch }));
    const { next, sameSeed } = lesson.conversation;
    studio.setSampling('temperature', next.temperature);
    studio.setSampling('topK', next.topK);
    studio.setSampling('seed', next.seed);
    studio.setSameSeed(sameSeed);
    if (!(await studio.sayAgain(lesson.conversation.turns, lesson.clock))) throw new Error(studio.error ?? 'the conversation could not be said again');
    this.#title = lesson.title ?? '';
    this.#notes = lesson.notes;
    const { compare } = this;
    compare.sentences = [...lesson.compare.sentences];
    compare.metric = lesson.compare.metric;
    const { explainer } = this;
    explainer.measure = lesson.explain.measure;
    if (explainer.on !== lesson.explain.on) explainer.toggle();
    if (lesson.unitCard) void explainer.openUnit(lesson.unitCard.layer, lesson.unitCard.unit);
    else explainer.closeUnit();
    this.setView(lesson.view);
    if (lesson.view === 'compare' && lesson.compare.sentences.every((s) => s.trim())) void compare.compare();
    const named = lesson.title ? `the lesson “${lesson.title}”` : 'the lesson';
    const turns = lesson.conversation.turns.length;
    const at = lesson.clock >= 0 ? `, at step ${lesson.clock + 1} of ${steps}` : '';
    return `Opened ${named} as it was saved: ${lesson.model.name}, ${turns} ${turns === 1 ? 'turn' : 'turns'}${at}.`;
  }

  /** Reads a lesson file's text and restores it; what to tell the person. */
  openText(text: string, fileName: string): Promise<string> {
    return this.withWork(() => this.restore(readLesson(text, fileName)));
  }

  /** Restores the lesson in a page address (`#lesson=...`); null when the address holds none. */
  async openAddress(hash: string): Promise<string | null> {
    if (!hash.replace(/^#/, '').startsWith(LESSON_LINK_KEY)) return null;
    return this.withWork(() => this.restore(readLessonLink(hash)));
  }

  /** The lesson's file name, from its title or its model's name. */
  fileName(lesson: Lesson): string {
    const base = (lesson.title || `${lesson.model.name} lesson`).replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'lesson';
    return `${base}${LESSON_EXTENSION}`;
  }

  /** The moment on screen as a file's text, and its name. */
  async saveText(withHistory = true): Promise<LessonFile> {
    const lesson = await this.withWork(() => this.capture(withHistory), 'saved');
    return { name: this.fileName(lesson), text: lessonText(lesson) };
  }

  /**
   * The page's address with the moment on screen after `#lesson=`, or why it cannot be one (a model
   * other than the bundled one is embedded, and most are too large for an address).
   */
  async link(pageAddress: string): Promise<{ url: string } | { problem: string }> {
    const lesson = await this.withWork(() => this.capture(false), 'saved');
    const link = lessonLink(lesson);
    if ('tooLong' in link) {
      return {
        problem: `This lesson is too large for a link (${link.tooLong.toLocaleString('en')} characters; a link holds ${limits.MAX_LESSON_LINK_CHARACTERS.toLocaleString('en')}): ${lesson.model.name} is embedded in it. Save it as a file with Save lesson… and share the file.`,
      };
    }
    return { url: `${pageAddress.replace(/#.*$/, '')}#${LESSON_LINK_KEY}${link.fragment}` };
  }

  /**
   * Whether the open work may be dropped for a lesson: when something is unsaved (edited weights, a
   * model not saved, a run going), the person is asked first.
   */
  mayReplace(): boolean {
    const unsaved = this.studio.unsavedWork;
    return !unsaved || confirm(`Opening the lesson replaces what is open, and ${unsaved}. Open the lesson anyway?`);
  }

  /** Runs a Files action: what it says goes under the header, a problem as one. */
  attempt(work: () => Promise<string | null>): Promise<void> {
    return this.studio.tellOutcome(work);
  }

  /** Save lesson…: a save dialog in the desktop app, a download in a browser (the bridge's). */
  save(withHistory = true): Promise<void> {
    return this.attempt(async () => {
      const { name, text } = await this.saveText(withHistory);
      return this.studio.bridge.saveLesson(name, text);
    });
  }

  /** Open lesson…: an open dialog in the desktop app, the file picker in a browser (the bridge's). */
  openWithDialog(): Promise<void> {
    return this.attempt(async () => {
      const picked = await this.studio.bridge.chooseLesson();
      if (!picked || !this.mayReplace()) return null;
      return this.openText(picked.text, picked.name);
    });
  }

  /** A lesson file given to the desktop app. */
  openPicked(text: string, name: string): Promise<void> {
    return this.attempt(async () => (this.mayReplace() ? this.openText(text, name) : null));
  }

  /** The desktop menu's lesson actions, and a lesson file given to the app. */
  carryOut(command: LessonCommand): void {
    if (command.command === 'saveLesson') void this.save();
    else if (command.command === 'openLesson') void this.openWithDialog();
    else void this.openPicked(command.text, command.name);
  }

  /** Copy link: the page's address with the lesson in it, on the clipboard (or why it cannot be a link). */
  copyLink(): Promise<void> {
    return this.attempt(async () => {
      const made = await this.link(location.href);
      if ('problem' in made) throw new Error(made.problem);
      await navigator.clipboard.writeText(made.url);
      return `Copied a link to this lesson (${made.url.length.toLocaleString('en')} characters): whoever opens it sees what you see now.`;
    });
  }

  /** The lesson in the page's address, restored once the app has started; nothing when there is none. */
  async openFromAddress(hash: string): Promise<void> {
    if (!hash.replace(/^#/, '').startsWith(LESSON_LINK_KEY) || !this.mayReplace()) return;
    await this.attempt(() => this.openAddress(hash));
  }

  private async withWork<T>(work: () => Promise<T>, done: 'opened' | 'saved' = 'opened'): Promise<T> {
    this.#working = true;
    try {
      return await work();
    } catch (error) {
      // A lesson's own problem is already in words; a service error is shown as it came.
      if (error instanceof LessonError) throw error;
      throw new Error(`The lesson could not be ${done}: ${(error as Error).message}. Nothing was changed.`);
    } finally {
      this.#working = false;
    }
  }
}
