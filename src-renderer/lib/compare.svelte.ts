import type { MemoryResult, Metric, PatchingResult } from '../../src-main/service/protocol.ts';
import type { ModelInfo, ResultOf } from '../../src-main/service/protocol.ts';
import type { ScaleInfo } from './distanceWords.ts';
import type { StudioCore as Studio } from './studio.svelte.ts';
import { sentenceLetter } from './sentenceColours.ts';

/** At most this many sentences are compared at once (the service's limit). */
export const MAX_SENTENCES = 16;

export interface ComparedPath {
  sentence: string;
  /** The tokens fed, from the line boundary ("") on. */
  tokens: string[];
  contexts: number[][];
  /** Each context placed by the model's projection (fitted once on corpus contexts). */
  points: [number, number][];
}

export interface Comparison {
  model: ModelInfo;
  metric: Metric;
  paths: ComparedPath[];
  distances: number[][];
  explainedVariance: number[];
  /** Words the vocabulary lacks, each read as the unknown word. */
  unknown: string[];
}

export type Divergence = ResultOf<'divergence'> & {
  pair: [number, number];
  /** Per step, the percentage of the distances between two corpus lines below its distance (null when the service could not say). */
  percent: number[] | null;
  metric: Metric;
};

/** What Compare compares: sentences each from a fresh start, or the same last line after two histories. */
export type CompareMode = 'sentences' | 'histories';

/** Where the comparison's distances fall among the corpus's: a percentage per cell of the matrix. */
export interface DistanceScaleAnswer {
  percent: number[][];
  info: ScaleInfo;
}

/** The sentences Compare starts with for Boris (a model trained here starts with its own corpus's). */
export const BORIS_SENTENCES: readonly string[] = ['i am good', 'i am happy'];

/**
 * The Compare view's state: the sentences typed, the metric, and the service's answers for them (the
 * distances, the paths in one projection, and how the chosen pair of paths moves apart). Every number
 * here comes from the model service; this class only asks and keeps.
 */
export class CompareState {
  sentences = $state<string[]>([...BORIS_SENTENCES]);
  metric = $state<Metric>('euclidean');
  /** The two sentences looked at closely (indices into the comparison's paths). */
  pair = $state<[number, number]>([0, 1]);
  comparison = $state<Comparison | null>(null);
  divergence = $state<Divergence | null>(null);
  /** The sense of scale of the comparison's distances (null until the service answers, or if it cannot). */
  scale = $state.raw<DistanceScaleAnswer | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);

  /** Counts requests, so that an answer overtaken by a newer question is dropped. */
  private asked = 0;
  private runs = 0;
  /** The ticket of the comparison shown, so that a scale answered for an older one is dropped. */
  private shown = 0;

  constructor(private readonly studio: Studio) {}

  get canAdd(): boolean {
    return this.sentences.length < MAX_SENTENCES;
  }

  add(): void {
    if (this.canAdd) this.sentences = [...this.sentences, ''];
  }

  remove(index: number): void {
    if (this.sentences.length <= 2) return;
    this.sentences = this.sentences.filter((_, i) => i !== index);
  }

  /** Asks the service to compare the sentences as typed now. */
  async compare(): Promise<void> {
    const model = this.studio.model;
    if (!model) return;
    const sentences = this.sentences.map((s) => s.trim());
    const empty = sentences.findIndex((s) => s === '');
    if (empty >= 0) {
      this.error = `Sentence ${sentenceLetter(empty)} is empty: type a few words to compare.`;
      return;
    }
    const ticket = ++this.asked;
    const run = ++this.runs;
    const metric = this.metric;
    this.busy = true;
    try {
      const { bridge } = this.studio;
      const { distances, paths } = await bridge.request({ type: 'compare', sentences, metric });
      const projected = await bridge.request({ type: 'project', vectors: paths.flatMap((p) => p.contexts) });
      if (ticket !== this.asked) return;
      let at = 0;
      const known = new Set(model.tokens);
      const unknown = new Set<string>();
      const compared = paths.map((path) => {
        for (const token of path.tokens.slice(1)) if (!known.has(token)) unknown.add(token);
        const points = projected.points.slice(at, at + path.contexts.length);
        at += path.contexts.length;
        return { ...path, points };
      });
      const pair: [number, number] = this.pair[1] < sentences.length ? this.pair : [0, 1];
      this.comparison = { model, metric, paths: compared, distances, explainedVariance: projected.explainedVariance, unknown: [...unknown] };
      this.error = null;
      this.scale = null;
      this.shown = ticket;
      void this.placeOnScale(distances, metric, ticket);
      await this.choosePair(pair, ticket);
    } catch (error) {
      if (ticket === this.asked) this.error = readable((error as Error).message);
    } finally {
      // Choosing a pair meanwhile takes a newer ticket, but only a newer comparison keeps this busy.
      if (run === this.runs) this.busy = false;
    }
  }

  /** Asks where each distance of the matrix falls among the distances between two corpus lines. */
  private async placeOnScale(distances: number[][], metric: Metric, ticket: number): Promise<void> {
    try {
      const answer = await this.studio.bridge.request({ type: 'distanceScale', distances: distances.flat(), metric });
      if (this.shown !== ticket) return;
      const { percentBelow, ...info } = answer;
      const width = distances.length;
      this.scale = { percent: distances.map((_, i) => percentBelow.slice(i * width, (i + 1) * width)), info };
    } catch {
      // The distances stand on their own; the scale is only said when it can be.
    }
  }

  /** Looks closely at two of the compared sentences. */
  async choosePair(pair: [number, number], ticket = ++this.asked): Promise<void> {
    const comparison = this.comparison;
    if (!comparison || pair[0] === pair[1]) return;
    const sentences: [string, string] = [comparison.paths[pair[0]].sentence, comparison.paths[pair[1]].sentence];
    try {
      const { bridge } = this.studio;
      const result = await bridge.request({ type: 'divergence', sentences, metric: comparison.metric });
      // The scale of each step's distance, when the service can say it; the steps stand on their own.
      const percent = await bridge.request({ type: 'distanceScale', distances: result.stepDistances, metric: comparison.metric }).then(
        (answer) => answer.percentBelow,
        () => null,
      );
      if (ticket !== this.asked) return;
      this.pair = pair;
      this.divergence = { ...result, pair, percent, metric: comparison.metric };
    } catch (error) {
      if (ticket === this.asked) this.error = readable((error as Error).message);
    }
  }
}

/** The service numbers sentences from 1; the view names them by letter. */
function readable(message: string): string {
  const named = message.replace(/^sentence (\d+)/, (_, n: string) => `Sentence ${sentenceLetter(Number(n) - 1)}`);
  return named.charAt(0).toUpperCase() + named.slice(1);
}

/** Lines of a history, as typed: separated by "/" (which the tokenizer never reads); none is a fresh start. */
export function historyLines(text: string): string[] {
  return text
    .split('/')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * Compare's Two histories: the same last line said after history A and after history B. The service
 * says both conversations (memory.ts), Boris's replies included, and how far apart the two contexts are
 * at each step of the last line; and where those distances fall among the corpus's.
 */
export class TwoHistoriesState {
  historyA = $state('do you like frogs?');
  historyB = $state('');
  lastLine = $state('why?');
  /** Greedy (temperature 0) by default; or every line sampled at the chat's temperature, top-k and seed. */
  sampled = $state(false);
  memory = $state.raw<MemoryResult | null>(null);
  /** The histories' lines the answer is for. */
  lines = $state.raw<[string[], string[]]>([[], []]);
  /** The percentage of the corpus's distances below the start distance, then below each step's. */
  percent = $state.raw<number[] | null>(null);
  scaleInfo = $state.raw<ScaleInfo | null>(null);
  error = $state<string | null>(null);
  busy = $state(false);
  /** Which units carry the memory: the service's patching answer for the histories shown. */
  patching = $state.raw<PatchingResult | null>(null);
  patchError = $state<string | null>(null);
  /** The units patched together for the reply, and where (the carriers at the line's start until one chooses). */
  patched = $state.raw<{ units: number[]; step: number } | null>(null);
  private asked = 0;
  private patchAsked = 0;
  private patchedFor: { histories: [string[], string[]]; lastTurn: string; sampling?: { temperature: number; topK: number; seed: number } } | null = null;

  constructor(private readonly studio: Studio) {}

  /**
   * Asks which units carry the memory for the histories just compared; with `patch`, those units
   * patched together at that step, so the reply said with them can be shown.
   */
  async patch(patch?: { units: number[]; step: number }): Promise<void> {
    const asked = this.patchedFor;
    if (!asked) return;
    const ticket = ++this.patchAsked;
    try {
      const found = await this.studio.bridge.request({ type: 'patch', ...asked, ...(patch ? { patch } : {}) });
      if (ticket !== this.patchAsked) return;
      this.patching = found;
      this.patched = found.together ? { units: found.together.units, step: found.together.step } : null;
      this.patchError = null;
    } catch (error) {
      if (ticket !== this.patchAsked || (error as { kind?: string }).kind === 'cancelled') return;
      const message = (error as Error).message;
      this.patchError = message.charAt(0).toUpperCase() + message.slice(1);
    }
  }

  async compare(): Promise<void> {
    if (!this.studio.model) return;
    const histories: [string[], string[]] = [historyLines(this.historyA), historyLines(this.historyB)];
    const lastTurn = this.lastLine.trim();
    if (lastTurn === '') {
      this.error = 'The last line is empty: type what is said after both histories.';
      return;
    }
    const { temperature, topK, seed } = this.studio.sampling;
    const sampling = this.sampled ? { temperature, topK, seed } : undefined;
    const ticket = ++this.asked;
    this.busy = true;
    try {
      const { bridge } = this.studio;
      const memory = await bridge.request({ type: 'memory', histories, lastTurn, ...(sampling ? { sampling } : {}) });
      if (ticket !== this.asked) return;
      this.memory = memory;
      this.lines = histories;
      this.error = null;
      this.percent = null;
      this.patching = null;
      this.patchedFor = { histories, lastTurn, ...(sampling ? { sampling } : {}) };
      void this.patch();
      try {
        const { percentBelow, ...info } = await bridge.request({ type: 'distanceScale', distances: [memory.startDistance, ...memory.steps.map((s) => s.distance)], metric: 'euclidean' });
        if (ticket !== this.asked) return;
        this.percent = percentBelow;
        this.scaleInfo = info;
      } catch {
        // The decay stands on its own; its scale is said when it can be.
      }
    } catch (error) {
      if (ticket !== this.asked) return;
      const message = (error as Error).message;
      this.error = /sampling/.test(message)
        ? 'The chat\'s sampling fields hold a value the service refuses: fix Temperature, Top-k or Seed, or choose greedy replies.'
        : message.charAt(0).toUpperCase() + message.slice(1);
    } finally {
      if (ticket === this.asked) this.busy = false;
    }
  }
}
