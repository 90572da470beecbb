/**
 * A unit's profile (README.md, "Explanations"): what it does over the whole corpus, each line fed
 * [boundary, tokens...] from zeros as in training. Its activation histogram, the contexts where it is
 * highest, what drives it (for h1 its W0 row, token by token; for h2 its strongest W1 inputs), what it
 * votes for (for h2 its W2 column), and what knocking it out does to the held-out lines and, when a
 * step is given, to that step's most likely next token.
 */
import { inputError } from '../network/errors.ts';
import { countDialogues } from '../training/heldOut.ts';
import { type Layer, LineEvaluator, type LinesEvaluation, type UnitId, checkUnit, knockOutInPlace } from './knockout.ts';
import { type Weights, cloneWeights, contextFromShare, inputShare, nextContext, nextTokenLogits, softmaxInPlace, tokenEmbedding } from '../network/network.ts';
import { argmax } from '../network/sampling.ts';
import { BOUNDARY } from '../network/vocabulary.ts';
import { type Sliced, finish } from '../network/slices.ts';

export const HISTOGRAM_BINS = 20;
export const DEFAULT_TOP_CONTEXTS = 10;
/** Tokens listed each way for a unit's drivers and votes, and W1 inputs listed for an h2 unit. */
export const LISTED_WEIGHTS = 8;

export interface TopContext {
  /** Index of the line among the corpus's lines with words. */
  line: number;
  /** The line's token rows as fed, the boundary first. */
  rows: number[];
  /** The step (index into `rows`) where the unit has this activation. */
  step: number;
  activation: number;
}

export interface TokenWeight {
  row: number;
  weight: number;
}

export interface InputWeight {
  /** h1 (this step's embedding) or c (the context carried in). */
  source: 'h1' | 'c';
  unit: number;
  weight: number;
}

export interface StepChange {
  /** The most likely next token at temperature 1, with its probability, intact and knocked out. */
  before: TokenWeightProbability;
  after: TokenWeightProbability;
}

export interface TokenWeightProbability {
  row: number;
  probability: number;
}

export interface UnitProfile {
  layer: Layer;
  unit: number;
  /** Activations counted (steps over the corpus). */
  activations: number;
  /** Counts in 20 equal bins over [-1, 1]; bin i holds [-1 + i/10, -1 + (i+1)/10), the last also 1. */
  histogram: number[];
  mean: number;
  topContexts: TopContext[];
  /** For h1: its W0 row (the tokens that raise and lower it most); for h2: its strongest W1 inputs. */
  drivers: { tokens: { up: TokenWeight[]; down: TokenWeight[] } | null; inputs: InputWeight[] | null };
  /** For h2: its W2 column, the tokens it raises and lowers most; null for h1. */
  votes: { up: TokenWeight[]; down: TokenWeight[] } | null;
  knockout: { heldOutLines: number; heldOutDialogues: number; predictions: number; intact: LinesEvaluation; knockedOut: LinesEvaluation };
  /** The effect on the given step's prediction, or null when no step was given. */
  stepChange: StepChange | null;
}

export interface UnitProfileOptions {
  /** How many top contexts (default 10). */
  top?: number;
  /** The held-out lines the knock-out is measured on. */
  heldOut: readonly (readonly number[])[];
  /** Token rows fed from zeros up to the step whose prediction the knock-out may change. */
  stepTokens?: readonly number[];
  /** The corpus's contexts, when already computed for these weights (see `corpusContexts`). */
  contexts?: readonly Float64Array[];
  /** An evaluator of `heldOut` under these weights, when one is kept (it remembers its evaluations). */
  evaluator?: LineEvaluator;
}

/** Every token's embedding h1 = tanh(W0[:, row]), computed once: row r's is [r * E, (r + 1) * E). */
function embeddingTable(weights: Weights): Float64Array {
  const E = weights.embeddingSize;
  const table = new Float64Array(weights.vocabularySize * E);
  for (let row = 0; row < weights.vocabularySize; row++) tokenEmbedding(weights, row, table.subarray(row * E, (row + 1) * E));
  return table;
}

/** How many tokens two lines share from their start. */
function sharedStart(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/**
 * Every context h2 over the corpus, line by line: (n + 1) x E values for a line of n tokens, fed
 * [boundary, tokens...] from zeros, bit for bit as `run` computes them. Each token's share of the
 * pre-activation is taken once (network.ts, contextFromShare), and since a context depends only on
 * the tokens before it, the lines are taken in sorted order and each copies what it shares with the
 * line before (a corpus of dialogues repeats its openings: Boris's computes half of its 100,000 steps).
 */
export function corpusContexts(weights: Weights, lines: readonly (readonly number[])[]): Float64Array[] {
  return finish(corpusContextsSteps(weights, lines));
}

/** `corpusContexts` in steps: yields after every 64 lines. */
export function* corpusContextsSteps(weights: Weights, lines: readonly (readonly number[])[]): Sliced<Float64Array[]> {
  const E = weights.embeddingSize;
  const embeddings = embeddingTable(weights);
  const shares = new Float64Array(weights.vocabularySize * E);
  for (let row = 0; row < weights.vocabularySize; row++) inputShare(weights, embeddings.subarray(row * E, (row + 1) * E), shares.subarray(row * E, (row + 1) * E));
  const zeros = new Float64Array(E);
  const order = lines.map((_, i) => i).sort((a, b) => compareRows(lines[a], lines[b]));
  const out = new Array<Float64Array>(lines.length);
  let previous: { line: readonly number[]; contexts: Float64Array } | null = null;
  let done = 0;
  for (const index of order) {
    const line = lines[index];
    const contexts = new Float64Array((line.length + 1) * E);
    // Step 0 (the boundary) and step s (token s - 1) are shared while the tokens before them are.
    const shared = previous ? sharedStart(previous.line, line) + 1 : 0;
    if (previous) contexts.set(previous.contexts.subarray(0, shared * E));
    for (let s = shared; s <= line.length; s++) {
      const row = s === 0 ? BOUNDARY : line[s - 1];
      if (s === 0) contextFromShare(weights, shares, row * E, zeros, 0, contexts, 0);
      else contextFromShare(weights, shares, row * E, contexts, (s - 1) * E, contexts, s * E);
    }
    out[index] = contexts;
    previous = { line, contexts };
    if (++done % 64 === 0) yield;
  }
  return out;
}

/** Lexicographic order of token rows (a line before the lines it starts). */
function compareRows(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * The unit's activation at every step of every line, fed [boundary, tokens...] from zeros; an h2
 * unit's from the corpus's contexts when they are given (see `corpusContexts`).
 */
export function unitActivations(
  weights: Weights,
  lines: readonly (readonly number[])[],
  { layer, unit }: UnitId,
  contexts?: readonly Float64Array[],
): Float64Array[] {
  const E = weights.embeddingSize;
  if (layer === 'h1') {
    // h1 depends on the token alone: tanh(W0[unit, row]).
    const values = embeddingTable(weights);
    return lines.map((line) => Float64Array.from({ length: line.length + 1 }, (_, s) => values[(s === 0 ? BOUNDARY : line[s - 1]) * E + unit]));
  }
  return (contexts ?? corpusContexts(weights, lines)).map((line) => Float64Array.from({ length: line.length / E }, (_, s) => line[s * E + unit]));
}

export function histogramBin(value: number): number {
  return Math.max(0, Math.min(HISTOGRAM_BINS - 1, Math.floor(((value + 1) / 2) * HISTOGRAM_BINS)));
}

export function unitProfile(weights: Weights, corpus: readonly (readonly number[])[], id: UnitId, options: UnitProfileOptions): UnitProfile {
  return finish(unitProfileSteps(weights, corpus, id, options));
}

/** `unitProfile` in steps: the knock-out's evaluations and the step's change are measured in pieces. */
export function* unitProfileSteps(weights: Weights, corpus: readonly (readonly number[])[], id: UnitId, options: UnitProfileOptions): Sliced<UnitProfile> {
  checkUnit(weights, id);
  const top = options.top ?? DEFAULT_TOP_CONTEXTS;
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw inputError(`the number of top contexts must be a whole number from 1 to 1000, not ${top}`);
  if (corpus.length === 0) throw inputError('the corpus has no lines to profile the unit on');
  const { layer, unit } = id;
  const E = weights.embeddingSize;
  const V = weights.vocabularySize;

  const activations = unitActivations(weights, corpus, id, options.contexts);
  const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
  let count = 0;
  let total = 0;
  const all = new Float64Array(activations.reduce((n, values) => n + values.length, 0));
  activations.forEach((values) => {
    for (let step = 0; step < values.length; step++) {
      histogram[histogramBin(values[step])]++;
      total += values[step];
      all[count++] = values[step];
    }
  });
  // Only the highest activations are ranked: those at or above the value that many places down
  // (the whole corpus when repeated contexts leave too few distinct ones above it).
  const rank = (cutoff: number) => {
    const candidates: { line: number; step: number; activation: number }[] = [];
    activations.forEach((values, line) => {
      for (let step = 0; step < values.length; step++) if (values[step] >= cutoff) candidates.push({ line, step, activation: values[step] });
    });
    candidates.sort((a, b) => b.activation - a.activation || a.line - b.line || a.step - b.step);
    // A corpus repeats lines; each context (the line's tokens up to the step) is listed once.
    const seen = new Set<string>();
    const found: TopContext[] = [];
    for (const candidate of candidates) {
      if (found.length >= top) break;
      const rows = [BOUNDARY, ...corpus[candidate.line]];
      const key = `${rows.slice(0, candidate.step + 1).join(',')}|${candidate.step}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ line: candidate.line, rows, step: candidate.step, activation: candidate.activation });
    }
    return found;
  };
  const sorted = all.slice().sort();
  const reach = Math.min(count, top * 40);
  let topContexts = rank(sorted[count - reach]);
  if (topContexts.length < top && reach < count) topContexts = rank(-Infinity);

  const ranked = (values: (row: number) => number, count: number) => {
    const rows = Array.from({ length: count }, (_, row) => ({ row, weight: values(row) }));
    const up = [...rows].sort((a, b) => b.weight - a.weight || a.row - b.row).slice(0, LISTED_WEIGHTS);
    const down = [...rows].sort((a, b) => a.weight - b.weight || a.row - b.row).slice(0, LISTED_WEIGHTS);
    return { up, down };
  };
  const drivers: UnitProfile['drivers'] =
    layer === 'h1'
      ? { tokens: ranked((row) => weights.w0[unit * V + row], V), inputs: null }
      : {
          tokens: null,
          inputs: Array.from({ length: 2 * E }, (_, j) => ({
            source: j < E ? ('h1' as const) : ('c' as const),
            unit: j < E ? j : j - E,
            weight: weights.w1[unit * 2 * E + j],
          }))
            .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || (a.source === b.source ? a.unit - b.unit : a.source === 'h1' ? -1 : 1))
            .slice(0, LISTED_WEIGHTS),
        };
  const votes = layer === 'h2' ? ranked((row) => weights.w2[row * E + unit], V) : null;

  const evaluator = options.evaluator ?? new LineEvaluator(weights, options.heldOut);
  const intact = yield* evaluator.evaluateSteps();
  const knockedOut = yield* evaluator.evaluateWithoutSteps(id);

  let stepChange: StepChange | null = null;
  if (options.stepTokens && options.stepTokens.length > 0) {
    const knocked = cloneWeights(weights);
    knockOutInPlace(knocked, id);
    stepChange = { before: yield* topNextSteps(weights, options.stepTokens), after: yield* topNextSteps(knocked, options.stepTokens) };
  }

  return {
    layer,
    unit,
    activations: count,
    histogram,
    mean: total / count,
    topContexts,
    drivers,
    votes,
    knockout: { heldOutLines: options.heldOut.length, heldOutDialogues: countDialogues(options.heldOut), predictions: intact.predictions, intact, knockedOut },
    stepChange,
  };
}

/** The most likely next token (temperature 1) after feeding `rows` from zeros. */
export function topNext(weights: Weights, rows: readonly number[]): TokenWeightProbability {
  return finish(topNextSteps(weights, rows));
}

/** `topNext` in steps: yields after every 4,096 rows fed. */
export function* topNextSteps(weights: Weights, rows: readonly number[]): Sliced<TokenWeightProbability> {
  const V = weights.vocabularySize;
  let context: Float64Array = new Float64Array(weights.embeddingSize);
  for (const [i, row] of rows.entries()) {
    if (!(Number.isInteger(row) && row >= 0 && row < V)) throw inputError(`the token row ${row} is outside the vocabulary of ${V}`);
    context = nextContext(weights, tokenEmbedding(weights, row), context);
    if ((i + 1) % 4096 === 0) yield;
  }
  const probs = softmaxInPlace(nextTokenLogits(weights, context), 1);
  const row = argmax(probs);
  return { row, probability: probs[row] };
}
