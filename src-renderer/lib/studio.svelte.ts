import { cubicOut } from 'svelte/easing';
import { Tween } from 'svelte/motion';
import { type GeneratedTurn, type ModelInfo, type ModelSource, type ServiceEvent, type TurnRequest, shownTemperature } from '../../src-main/service/protocol.ts';
import type { Bridge } from './bridge.ts';
import { type Sampling, type TimelineStep, type Turn, placeTurn } from './conversation.ts';

/** Playback speeds offered, in steps per second. */
export const SPEEDS = [1, 2, 4, 8, 16] as const;

/**
 * The studio's own state: the open model, the conversation as a timeline of steps, and the one clock
 * that every view follows. Views read it; only its methods change it. Studio (studioParts.svelte.ts) is
 * this plus the parts it owns, which are built on this core (so none of them imports Studio).
 *
 * The clock is an integer step; `position` eases towards it, so a view drawn at `position` passes
 * smoothly through the steps in between and never jumps. Views are functions of (step, t).
 */
export class StudioCore {
  // Replaced whole, never changed in place: raw state spares every read of a vector a proxy.
  #model = $state.raw<ModelInfo | null>(null);
  #bundledOpen = $state(false);
  #opened = $state(0);
  #turns = $state.raw<Turn[]>([]);
  #timeline = $state.raw<TimelineStep[]>([]);
  #clock = $state(-1);
  readonly #position = new Tween(-1, { easing: cubicOut });
  #revealed = $state(-1);
  #reached = $state(-1);
  #playing = $state(false);
  #speed = $state<number>(8);
  #busy = $state(false);
  #error = $state<string | null>(null);
  #notice = $state<string | null>(null);
  #message = $state<{ text: string; problem: boolean } | null>(null);
  #sampling = $state<Sampling>({ temperature: 0.5, topK: 0, seed: 1 });
  /** True when every turn uses the Seed field as it is; otherwise each Send moves it on by one. */
  #sameSeed = $state(false);
  /** Whether the learner has set a sampling field: until then the first model's own temperature is taken. */
  #samplingTouched = false;
  #trainingActive = $state(false);

  /** The open model, or null before the first one opens. */
  get model(): ModelInfo | null {
    return this.#model;
  }
  /** Whether the open model is the bundled Boris (a stored one has `model.storedId`). */
  get bundledOpen(): boolean {
    return this.#bundledOpen;
  }
  /** Counts the models opened, so that a view can tell whether the one it opened is still open. */
  get opened(): number {
    return this.#opened;
  }
  get turns(): readonly Turn[] {
    return this.#turns;
  }
  get timeline(): readonly TimelineStep[] {
    return this.#timeline;
  }
  /** The step under the clock (an index into the timeline), or -1 before anything was said. */
  get clock(): number {
    return this.#clock;
  }
  /** Where the views are drawn: eases towards `clock`. */
  get position(): number {
    return this.#position.current;
  }
  /**
   * The last step shown in the chat. A reply is written out as the clock plays through it: the chip
   * after the clock (the token chosen at the clock's step) is shown, later ones appear as it moves.
   */
  get revealed(): number {
    return this.#revealed;
  }
  /** The furthest step the clock has reached: the timeline and the context path show steps up to it. */
  get reached(): number {
    return this.#reached;
  }
  get playing(): boolean {
    return this.#playing;
  }
  /** Steps per second while playing. */
  get speed(): number {
    return this.#speed;
  }
  get busy(): boolean {
    return this.#busy;
  }
  get error(): string | null {
    return this.#error;
  }
  /** What the model service says of itself (restarted, stopped), until dismissed. */
  get notice(): string | null {
    return this.#notice;
  }
  /** A note for the person (a file opened, a file that could not be read), shown under the header until dismissed. */
  get message(): { text: string; problem: boolean } | null {
    return this.#message;
  }
  /** The sampling of the next message, as typed (a field may hold what the service would refuse). */
  get sampling(): Readonly<Sampling> {
    return this.#sampling;
  }
  /** Whether every turn uses the same seed (the Seed field is then left as it is after a Send). */
  get sameSeed(): boolean {
    return this.#sameSeed;
  }
  /**
   * The sampling the step under the clock was written with (its turn's temperature and top-k), or the
   * fields' when nothing was said yet: the next-token bars and the reply tree both show this one.
   * `shownAt` is the temperature their probabilities are at (shownTemperature: 1 for a greedy turn).
   */
  get shownSampling(): { temperature: number; topK: number; shownAt: number; fromTurn: boolean } {
    const step = this.current;
    const asked = step ? this.asked[Math.floor(step.turn / 2)] : undefined;
    const { temperature, topK } = step && asked ? asked : this.#sampling;
    return { temperature, topK, shownAt: shownTemperature(temperature), fromTurn: Boolean(step && asked) };
  }
  /** True while a training run is going (the Train view says so), so that leaving the page asks first. */
  get trainingActive(): boolean {
    return this.#trainingActive;
  }

  /** What was asked in each turn so far, to say it all again after the weights change. */
  private asked: TurnRequest[] = [];
  /** Bumped whenever the conversation starts afresh, so that answers meant for an older one are dropped. */
  private era = 0;
  /** Work that changes the conversation (a turn, a replay, a reset) runs one at a time, in order. */
  private serial: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly bridge: Bridge) {
    bridge.onEvent((event) => this.onEvent(event));
  }

  get current(): TimelineStep | null {
    return this.#timeline[this.#clock] ?? null;
  }

  get atEnd(): boolean {
    return this.#clock >= this.#timeline.length - 1;
  }

  /** The context a step starts from: the previous step's h2, or zeros at the very start. */
  contextIn(index: number): number[] {
    return index > 0 ? this.#timeline[index - 1].record.h2 : new Array<number>(this.#model?.embeddingSize ?? 0).fill(0);
  }

  /**
   * The token that followed a step: the next one Boris wrote (or the end of his line), or the next one
   * the person wrote. Null at the end of the conversation or where a new message begins.
   */
  followerOf(index: number): { row: number; by: 'boris' | 'you' } | null {
    const step = this.#timeline[index];
    if (!step) return null;
    const next = this.#timeline[index + 1];
    if (next && (next.phase === 'reply' || next.turn === step.turn)) return { row: next.record.row, by: next.phase === 'reply' ? 'boris' : 'you' };
    const reply = this.#turns[step.phase === 'prompt' ? step.turn + 1 : step.turn];
    return reply && !reply.unfinished ? { row: 0, by: 'boris' } : null;
  }

  async start(): Promise<void> {
    await this.run(async () => {
      await this.open({ kind: 'bundled' });
    });
  }

  /** Opens a model in the service and takes it: the chat starts afresh with it. */
  async open(source: ModelSource): Promise<void> {
    this.adopt(await this.bridge.request({ type: 'open', source }), source.kind === 'bundled');
  }

  /** Takes a newly opened model (the service has started a fresh conversation with it). */
  private adopt(model: ModelInfo, bundled = false): void {
    // The sampling fields are the learner's: a model change never resets them. Only the very first
    // model, before the learner touched a field, gives the temperature it was made to be sampled at.
    if (!this.#model && !this.#samplingTouched) this.#sampling.temperature = model.defaultTemperature;
    this.#model = model;
    this.#bundledOpen = bundled;
    this.#opened++;
    this.clear();
  }

  /** What would be lost by leaving the page now, in words, or null when nothing would be. */
  get unsavedWork(): string | null {
    if (this.#trainingActive) return 'a training run is going';
    if (this.#model?.edited) return 'the weights were edited and not saved';
    if (this.#model && !this.#bundledOpen && !this.#model.storedId) return `${this.#model.name} is not saved`;
    return null;
  }

  /**
   * Takes a model the service has just opened (a finished training run) and says the conversation so
   * far again with it, so that nothing the person said is lost. Returns whether there was one to say.
   */
  async carryOver(model: ModelInfo): Promise<boolean> {
    const asked = [...this.asked];
    this.adopt(model);
    if (asked.length === 0) return false;
    return this.run(async () => {
      const era = this.era;
      const turns = await this.bridge.request({ type: 'replay', turns: asked });
      if (era !== this.era) return;
      this.asked = asked;
      for (const turn of turns) this.append(turn);
      this.finishReveal();
      this.moveClock(this.#timeline.length - 1, false);
    });
  }

  /**
   * Takes the open model after its weights changed and says every turn of the conversation again with
   * them, keeping the clock where it was: replies, probabilities and activations all follow.
   */
  async applyWeights(model: ModelInfo): Promise<void> {
    await this.exclusive(async () => {
      const era = this.era;
      const asked = [...this.asked];
      const turns = asked.length > 0 ? await this.bridge.request({ type: 'replay', turns: asked }) : [];
      if (era !== this.era) return;
      this.#model = model;
      if (asked.length === 0) return;
      const clock = this.#clock;
      this.pause();
      this.#timeline = [];
      this.#turns = [];
      for (const turn of turns) this.append(turn);
      this.finishReveal();
      this.moveClock(Math.min(clock, this.#timeline.length - 1), false);
    });
  }

  /** What was asked in each turn so far (the prompt, its sampling and its seed): what a lesson saves. */
  get askedTurns(): readonly TurnRequest[] {
    return this.asked;
  }

  /**
   * Says these turns again with the open model from a fresh start, and puts the clock on `clock`: a
   * lesson's conversation, replayed with its saved seeds. Returns whether it could be said.
   */
  async sayAgain(turns: readonly TurnRequest[], clock: number): Promise<boolean> {
    return this.run(async () => {
      this.clear();
      const era = this.era;
      const asked = turns.map(({ prompt, temperature, topK, seed }) => ({ prompt, temperature, topK, seed }));
      const replies = asked.length > 0 ? await this.bridge.request({ type: 'replay', turns: asked }) : [];
      if (era !== this.era) return;
      this.asked = asked;
      for (const turn of replies) this.append(turn);
      this.finishReveal();
      this.moveClock(clock, false);
    });
  }

  async send(text: string): Promise<boolean> {
    const prompt = text.trim();
    if (!prompt || this.#busy) return false;
    return this.run(async () => {
      this.finishReveal();
      const era = this.era;
      const turn: TurnRequest = { prompt, temperature: this.#sampling.temperature, topK: this.#sampling.topK, seed: this.#sampling.seed };
      const result = await this.bridge.request({ type: 'generate', ...turn });
      if (era !== this.era) return;
      this.asked.push(turn);
      // A new seed each turn keeps replies varied, yet the whole conversation reproducible (the chat
      // says so beside the field); "Same seed every turn" leaves it as it is.
      if (!this.#sameSeed && this.#sampling.seed === turn.seed) this.#sampling.seed = (turn.seed + 1) >>> 0;
      const lastPrompt = this.append(result);
      // Show the prompt as read, with the first reply token chosen; the rest is written out by playing.
      this.moveClock(lastPrompt, false);
      if (!this.atEnd) this.play();
    });
  }

  async newConversation(): Promise<void> {
    await this.run(async () => {
      await this.bridge.request({ type: 'resetConversation' });
      this.clear();
    });
  }

  /** Shows a note under the header (replacing the one before); null clears it. */
  tell(text: string | null, problem = false): void {
    this.#message = text === null ? null : { text, problem };
  }

  /** Runs a Files action, then says under the header what it did, or why it could not, as a problem. */
  async tellOutcome(work: () => Promise<string | null>): Promise<void> {
    this.tell(null);
    try {
      const done = await work();
      if (done) this.tell(done);
    } catch (error) {
      this.tell((error as Error).message, true);
    }
  }

  /** Puts away what the model service said of itself. */
  dismissNotice(): void {
    this.#notice = null;
  }

  /** Sets one sampling field of the next message, as typed (the chat checks it before sending). */
  setSampling<F extends keyof Sampling>(field: F, value: Sampling[F]): void {
    this.#samplingTouched = true;
    this.#sampling[field] = value;
  }

  /** Every turn uses the same seed (true), or each Send moves the Seed field on by one (false). */
  setSameSeed(same: boolean): void {
    this.#sameSeed = same;
  }

  /** Whether a training run is going, as the Train view sees it. */
  setTrainingActive(active: boolean): void {
    this.#trainingActive = active;
  }

  /** The service saved the open model under a name: the studio's copy follows (saved, so no longer edited). */
  renamedAs(name: string, storedId: string): void {
    if (this.#model) this.#model = { ...this.#model, name, storedId, edited: false };
  }

  /** Runs conversation-changing work after any that came before it. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work, work);
    this.serial = next.catch(() => {});
    return next;
  }

  /** Moves the clock to a step (clamped to the timeline), easing the views there. Stops playing. */
  seek(step: number): void {
    this.pause();
    this.moveClock(step, true);
  }

  stepBy(delta: number): void {
    this.seek(this.#clock + delta);
  }

  play(): void {
    if (this.#timeline.length === 0) return;
    if (this.atEnd) this.moveClock(0, true);
    this.#playing = true;
    this.schedule();
  }

  pause(): void {
    this.#playing = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  togglePlay(): void {
    if (this.#playing) this.pause();
    else this.play();
  }

  setSpeed(stepsPerSecond: number): void {
    this.#speed = stepsPerSecond;
    if (this.#playing) this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.#playing) return;
      this.moveClock(this.#clock + 1, true);
      if (this.atEnd) this.pause();
      else this.schedule();
    }, 1000 / this.#speed);
  }

  private moveClock(step: number, animate: boolean): void {
    if (this.#timeline.length === 0) return;
    const target = Math.max(0, Math.min(this.#timeline.length - 1, step));
    const distance = Math.abs(target - this.#position.current);
    this.#clock = target;
    this.#reached = Math.max(this.#reached, target);
    this.#revealed = Math.min(this.#timeline.length - 1, Math.max(this.#revealed, target + 1));
    // While playing, each move takes most of a step's time; a jump takes longer the further it goes.
    const duration = !animate ? 0 : this.#playing ? 850 / this.#speed : Math.min(450, 140 + 40 * distance);
    void this.#position.set(target, { duration });
  }

  /** Adds a generated turn to the timeline; returns the index of its last prompt step. */
  private append(result: GeneratedTurn): number {
    const { steps, turns, lastPrompt } = placeTurn(result, this.asked[this.#turns.length / 2], this.#turns.length, this.#timeline.length);
    this.#timeline = [...this.#timeline, ...steps];
    this.#turns = [...this.#turns, ...turns];
    return lastPrompt;
  }

  /** Shows every chip at once and stops playing (the tour shows a whole conversation). */
  revealAll(): void {
    this.finishReveal();
  }

  /** Shows every chip at once (a new message arrives while a reply is still being written out). */
  private finishReveal(): void {
    this.pause();
    this.#revealed = this.#timeline.length - 1;
    this.#reached = this.#timeline.length - 1;
  }

  private clear(): void {
    this.pause();
    this.era++;
    this.asked = [];
    this.#turns = [];
    this.#timeline = [];
    this.#clock = -1;
    this.#revealed = -1;
    this.#reached = -1;
    void this.#position.set(-1, { duration: 0 });
  }

  private async run(work: () => Promise<void>): Promise<boolean> {
    this.#busy = true;
    this.#error = null;
    try {
      await this.exclusive(work);
      return true;
    } catch (error) {
      // A request the service could not read is the app's slip, not the person's: never show its raw text.
      const protocol = (error as { kind?: string }).kind === 'protocol';
      this.#error = protocol ? 'That could not be sent: check the sampling fields and try again.' : (error as Error).message;
      return false;
    } finally {
      this.#busy = false;
    }
  }

  private onEvent(event: ServiceEvent): void {
    if (event.event !== 'serviceStatus') return;
    this.#notice = event.message;
    if (event.state === 'restarted') void this.recover();
  }

  /**
   * After the model service restarted, its conversation (and any weight edits not saved) are gone:
   * open the same model again where it can be, or Boris, and start the chat afresh, saying so.
   */
  private async recover(): Promise<void> {
    const model = this.#model;
    const lost = model?.edited ? ' Weight edits that were not saved are lost.' : '';
    const stored = model?.storedId;
    const source = stored ? { kind: 'stored' as const, id: stored } : { kind: 'bundled' as const };
    const reopening = stored || this.#bundledOpen || !model ? '' : ` ${model.name} was not saved, so Boris is open again.`;
    await this.run(async () => {
      await this.open(source);
      this.#notice = `The model service stopped and was restarted; the conversation starts afresh.${lost}${reopening}`;
    });
  }
}
