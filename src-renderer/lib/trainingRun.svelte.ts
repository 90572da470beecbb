import * as v from 'valibot';
import { type CorpusReport, type EpochReport, type ServiceEvent, type TrainingSettings, TrainingSettingsSchema, limits } from '../../src-main/service/protocol.ts';
import type { MatrixWeights } from './weightMaps.ts';
import { TRAIN_DEFAULTS, defaultKeep } from './presets.ts';
import type { Studio } from './studioParts.svelte.ts';

export type RunStatus = 'idle' | 'starting' | 'running' | 'paused' | 'completed' | 'stopped' | 'diverged' | 'interrupted';

/** The hyper-parameters as typed: text, checked before a run starts. */
export interface SettingsText {
  embedding: string;
  epochs: string;
  learningRate: string;
  seed: string;
  /** The vocabulary cap: the most frequent words kept; the others are read as the unknown word. */
  maxVocabulary: string;
}

export type SettingsProblems = Partial<Record<keyof SettingsText, string>>;

const range = ({ min, max }: { min: number; max: number }) => `a whole number from ${min} to ${max.toLocaleString('en')}`;
/** Each typed setting: its name in a sentence, and its rule in words, from the limits the service's schema is built from. */
const SETTINGS: Record<keyof SettingsText, { what: string; rule: string }> = {
  embedding: { what: 'The embedding size', rule: range(limits.EMBEDDING) },
  epochs: { what: 'Epochs', rule: range(limits.EPOCHS) },
  learningRate: { what: 'The learning rate', rule: `more than ${limits.LEARNING_RATE.above} and at most ${limits.LEARNING_RATE.max.toExponential()}` },
  seed: { what: 'The seed', rule: range(limits.SEED) },
  maxVocabulary: { what: 'The vocabulary cap', rule: range(limits.VOCABULARY_CAP) },
};

/**
 * Checks typed hyper-parameters against the very schemas the service checks a run's settings with;
 * each problem is said in a person's words.
 */
export function parseSettings(text: SettingsText): { settings: Omit<TrainingSettings, 'corpus'> | null; problems: SettingsProblems } {
  const problems: SettingsProblems = {};
  const read = (key: keyof SettingsText): number => {
    const raw = text[key].trim();
    const value = Number(raw);
    const { what, rule } = SETTINGS[key];
    if (raw === '' || !Number.isFinite(value)) problems[key] = `${what} must be a number${raw === '' ? '' : `, not “${raw}”`}`;
    else if (!v.safeParse(TrainingSettingsSchema.entries[key], value).success) problems[key] = `${what} must be ${rule}`;
    return value;
  };
  const settings = { embedding: read('embedding'), epochs: read('epochs'), learningRate: read('learningRate'), seed: read('seed'), maxVocabulary: read('maxVocabulary') };
  return { settings: Object.keys(problems).length === 0 ? settings : null, problems };
}

const INSPECT_DELAY_MS = 250;

/**
 * One training studio: the corpus being edited and what the service makes of it, the hyper-parameters,
 * and the run (progress, history, the weights as they learn, how it ended). It lives as long as the
 * view, hidden or not, so a run keeps going and keeps its curves while the person looks elsewhere.
 */
export class TrainingRun {
  corpus = $state('');
  report = $state.raw<CorpusReport | null>(null);
  corpusError = $state<string | null>(null);
  settings = $state<SettingsText>({ ...TRAIN_DEFAULTS });
  /**
   * Which weights the trained model keeps: the best held-out epoch's or the final epoch's. Until the
   * learner chooses, it follows the corpus: the final epoch when the held-out set is tiny (defaultKeep).
   */
  keep = $state<'best' | 'final'>('best');
  /** True once the learner has chosen which epoch to keep; the corpus no longer decides it. */
  keepChosen = $state(false);
  /** Epochs a second, to watch a run learn; null for as fast as it can. */
  pace = $state<number | null>(null);
  /** How many of the corpus's texts (lines, or dialogues read as one) this run holds out, and how many of those are dialogues. */
  heldOut = $state({ texts: 0, dialogues: 0 });
  /** Which weights the last finished run kept (what `keep` was when it started). */
  kept = $state<'best' | 'final'>('best');

  status = $state<RunStatus>('idle');
  epoch = $state(0);
  epochs = $state(0);
  progress = $state(0);
  etaSeconds = $state<number | null>(null);
  tokensPerSecond = $state(0);
  history = $state.raw<EpochReport[]>([]);
  weights = $state.raw<MatrixWeights | null>(null);
  /** The run's vocabulary and E, for the heatmaps' labels. */
  tokens = $state.raw<string[]>([]);
  embeddingSize = $state(0);
  bestEpoch = $state<number | null>(null);
  /** How the run ended, or why it could not start. */
  message = $state<string | null>(null);
  problem = $state(false);
  /** Set while the message is about the corpus, so that it goes once the corpus is fixed. */
  private aboutCorpus = false;
  /** Which of the studio's openings was this run's trained model, if any. */
  private openedAs = $state<number | null>(null);

  /** Which of the studio's openings was open when the run ended (its own model, or the one before for a run that opened none). */
  private endedWith = $state<number | null>(null);

  /** True while the trained model is the one open in the chat (saving it saves that one). */
  get opened(): boolean {
    return this.openedAs !== null && this.openedAs === this.studio.opened;
  }

  /**
   * Whether this run belongs to the model open now: while it trains, and after it ends for as long as
   * the model open then (its own, or for a run that opened none the one before) is still open.
   */
  get ofOpenModel(): boolean {
    return this.active || (this.history.length > 0 && this.endedWith !== null && this.endedWith === this.studio.opened);
  }

  /** Chooses which epoch's weights the next run keeps (the learner's choice, kept from then on). */
  chooseKeep(keep: 'best' | 'final'): void {
    this.keep = keep;
    this.keepChosen = true;
  }
  savedAs = $state<string | null>(null);
  saving = $state(false);

  private inspectTimer: ReturnType<typeof setTimeout> | null = null;
  private inspectEra = 0;
  /** The last load of Boris's corpus into the editor: a run started while it is on its way waits for it, rather than train on nothing. */
  private corpusLoading: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(private readonly studio: Studio) {
    this.unsubscribe = studio.bridge.onEvent((event) => this.onEvent(event));
  }

  get active(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'paused';
  }

  dispose(): void {
    this.unsubscribe();
    if (this.inspectTimer) clearTimeout(this.inspectTimer);
  }

  /** Loads Boris's corpus into the editor. */
  loadBundledCorpus(): Promise<void> {
    this.corpusLoading = this.readBundledCorpus();
    return this.corpusLoading;
  }

  private async readBundledCorpus(): Promise<void> {
    try {
      const { text } = await this.studio.bridge.request({ type: 'bundledCorpus' });
      this.setCorpus(text);
    } catch (error) {
      this.corpusError = `Boris's corpus could not be loaded: ${(error as Error).message}`;
    }
  }

  setCorpus(text: string): void {
    this.corpus = text;
    this.presetKeep = null;
    this.inspectSoon();
  }

  /** Loads a lesson's corpus, with the epoch it keeps by default when it says one. */
  loadPreset(preset: { corpus: string; keep?: 'best' | 'final' }): void {
    this.setCorpus(preset.corpus);
    this.presetKeep = preset.keep ?? null;
  }

  /** The epoch the loaded lesson keeps by default, or null for the corpus's default (see defaultKeep). */
  presetKeep = $state<'best' | 'final' | null>(null);

  /** Sets the vocabulary cap as typed; the corpus's counts follow once it is a valid one. */
  setCap(text: string): void {
    this.settings.maxVocabulary = text;
    this.inspectSoon();
  }

  /** The cap the corpus report is made under: the typed one while it is valid, else the largest. */
  private get cap(): number {
    const typed = Number(this.settings.maxVocabulary.trim());
    const { min, max } = limits.VOCABULARY_CAP;
    return Number.isInteger(typed) && typed >= min && typed <= max ? typed : limits.VOCABULARY_CAP.default;
  }

  private inspectSoon(): void {
    if (this.inspectTimer) clearTimeout(this.inspectTimer);
    this.inspectTimer = setTimeout(() => void this.inspect(), INSPECT_DELAY_MS);
  }

  /** Asks the service what training would make of the corpus; a stale answer is dropped. */
  async inspect(): Promise<CorpusReport | null> {
    if (this.inspectTimer) clearTimeout(this.inspectTimer);
    this.inspectTimer = null;
    const era = ++this.inspectEra;
    try {
      const report = await this.studio.bridge.request({ type: 'inspectCorpus', corpus: this.corpus, maxVocabulary: this.cap });
      if (era === this.inspectEra) {
        this.report = report;
        this.corpusError = null;
        // Until a run is under way (a run being started still takes it), the kept epoch follows the corpus.
        if (!this.keepChosen && (!this.active || this.status === 'starting')) this.keep = this.presetKeep ?? defaultKeep(report.heldOutLines);
        if (this.aboutCorpus && report.usableLines >= 2 && !this.active) this.clearMessage();
      }
      return report;
    } catch (error) {
      if (era === this.inspectEra) this.corpusError = (error as Error).message;
      return null;
    }
  }

  get settingsCheck() {
    return parseSettings(this.settings);
  }

  async start(): Promise<void> {
    if (this.active) return;
    const { settings, problems } = this.settingsCheck;
    if (!settings) {
      this.fail(`Check the hyper-parameters: ${Object.values(problems).join('; ')}.`);
      return;
    }
    this.status = 'starting';
    this.clearMessage();
    await this.corpusLoading;
    const report = await this.inspect();
    if (!report) {
      this.fail(this.corpusError ?? 'the corpus could not be read');
      return;
    }
    if (report.usableLines < 2) {
      this.fail(
        report.usableLines === 0
          ? 'The corpus has no lines with words in them. Type some lines, or load Boris’s corpus.'
          : 'The corpus needs at least 2 lines with words: one to train on and one to hold out.',
      );
      this.aboutCorpus = true;
      return;
    }
    this.history = [];
    this.weights = null;
    this.bestEpoch = null;
    this.openedAs = null;
    this.endedWith = null;
    this.savedAs = null;
    this.epoch = 0;
    this.epochs = settings.epochs;
    this.progress = 0;
    this.etaSeconds = null;
    this.tokensPerSecond = 0;
    this.tokens = report.vocabulary.map((v) => v.token);
    this.heldOut = { texts: report.heldOutLines, dialogues: report.heldOutDialogues };
    this.embeddingSize = settings.embedding;
    try {
      this.kept = this.keep;
      await this.studio.bridge.request({ type: 'trainPace', epochsPerSecond: this.pace });
      await this.studio.bridge.request({ type: 'train', settings: { ...settings, corpus: this.corpus, keep: this.keep } });
      if (this.status === 'starting') this.status = 'running';
    } catch (error) {
      this.fail((error as Error).message);
    }
  }

  /** Sets the pace of watching: the run going follows at once. */
  async setPace(epochsPerSecond: number | null): Promise<void> {
    this.pace = epochsPerSecond;
    try {
      await this.studio.bridge.request({ type: 'trainPace', epochsPerSecond });
    } catch (error) {
      this.message = (error as Error).message;
      this.problem = true;
    }
  }

  async control(action: 'pause' | 'resume' | 'stop'): Promise<void> {
    try {
      await this.studio.bridge.request({ type: 'trainControl', action });
      if (action === 'resume' && this.status === 'paused') this.status = 'running';
    } catch (error) {
      this.message = (error as Error).message;
      this.problem = true;
    }
  }

  async save(name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.message = 'Give the model a name to save it under.';
      this.problem = true;
      return false;
    }
    this.saving = true;
    try {
      const saved = await this.studio.bridge.request({ type: 'saveModel', name: trimmed });
      this.savedAs = saved.name;
      // One status at a time: the note under the header that said "not saved yet" goes; the panel says it is saved.
      if (this.studio.message?.text.endsWith('It is not saved yet.')) this.studio.tell(null);
      const library = this.studio.library;
      library.remember(saved);
      void library.refresh();
      // The service renamed the open model; the studio's copy follows.
      this.studio.renamedAs(saved.name, saved.id);
      return true;
    } catch (error) {
      this.message = `The model could not be saved: ${(error as Error).message}`;
      this.problem = true;
      return false;
    } finally {
      this.saving = false;
    }
  }

  private clearMessage(): void {
    this.message = null;
    this.problem = false;
    this.aboutCorpus = false;
  }

  private fail(message: string): void {
    this.aboutCorpus = false;
    this.status = this.history.length > 0 ? this.status : 'idle';
    if (this.status === 'starting') this.status = 'idle';
    this.message = message;
    this.problem = true;
  }

  private onEvent(event: ServiceEvent): void {
    if (event.event === 'trainProgress') {
      if (this.status === 'idle') return;
      this.status = event.status;
      this.epoch = event.epoch;
      this.epochs = event.epochs;
      this.progress = event.progress;
      this.etaSeconds = event.etaSeconds;
      this.tokensPerSecond = event.tokensPerSecond;
      this.weights = event.weights;
      if (event.finished.length > 0) this.history = [...this.history, ...event.finished];
    } else if (event.event === 'trainDone') {
      if (this.status === 'idle') return;
      this.status = event.status;
      if (event.history.length > 0) this.history = event.history;
      this.bestEpoch = event.history.length > 0 ? event.bestEpoch : null;
      this.problem = event.status === 'diverged' || event.status === 'interrupted';
      this.message = event.message ?? this.describeEnd(event.status, event.bestEpoch, event.bestAccuracy);
      if (event.model) {
        const name = event.model.name;
        const carried = this.studio.carryOver(event.model);
        this.openedAs = this.studio.opened;
        void carried.then((said) => {
          // Saved in the meantime: the save said so already.
          if (this.savedAs !== null || !this.opened) return;
          this.studio.tell(`The chat now talks to ${name}${said ? '; your conversation so far was said again with it' : ''}. It is not saved yet.`);
        });
      }
      this.endedWith = this.studio.opened;
    }
  }

  /**
   * How the run ended, saying which epoch each figure belongs to: the last epoch's (the charts' last
   * points) and the kept epoch's (the model's, which the header's Epoch bar shows).
   */
  private describeEnd(status: RunStatus, bestEpoch: number, accuracy: number | null): string {
    const pct = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`);
    const last = this.history[this.history.length - 1];
    if ((status !== 'completed' && status !== 'stopped') || !last) return `Training ended (${status}).`;
    const how = `Training ${status === 'completed' ? 'finished' : 'stopped'}`;
    const best = last.epoch === bestEpoch ? ' It is also the best held-out epoch.' : ` The best held-out epoch was ${bestEpoch} (${pct(accuracy)}).`;
    if (this.kept === 'final' || last.epoch === bestEpoch) {
      return `${how}: the model keeps the final epoch’s weights (epoch ${last.epoch}, held-out accuracy ${pct(last.testAccuracy)}, the charts’ last points).${best}`;
    }
    return (
      `${how} at epoch ${last.epoch} (held-out accuracy ${pct(last.testAccuracy)}, the charts’ last points). ` +
      `The model keeps the best held-out epoch’s weights instead: epoch ${bestEpoch} (${pct(accuracy)}), marked “kept” on the charts; the header’s held-out figure is that epoch’s.`
    );
  }
}
