import { inputError } from '../network/errors.ts';
import { type Weights, nextContext, tokenEmbedding } from '../network/network.ts';
import { type Rng, createRng } from '../network/rng.ts';
import { type Sliced, finish } from '../network/slices.ts';
import { CONTINUES_DIALOGUE, tokenize, tokenizeBounded } from '../network/tokenizer.ts';
import { quote } from '../network/errors.ts';
import { BOUNDARY, type Vocabulary, encode } from '../network/vocabulary.ts';

/** How two vectors' distance is measured. */
export const METRICS = ['euclidean', 'cosine'] as const;
export type Metric = (typeof METRICS)[number];

/** How the word map places words: PCA, or UMAP (seeded); see embeddingMap.ts. */
export const MAP_METHODS = ['pca', 'umap'] as const;
export type MapMethod = (typeof MAP_METHODS)[number];

export function distance(a: ArrayLike<number>, b: ArrayLike<number>, metric: Metric = 'euclidean'): number {
  if (metric === 'euclidean') {
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return na === nb ? 0 : 1;
  return 1 - dot / Math.sqrt(na * nb);
}

export interface Neighbour {
  word: string;
  distance: number;
}

/** Every row's token embedding h1, in vocabulary order. */
export function tokenEmbeddings(weights: Weights): Float64Array[] {
  return Array.from({ length: weights.vocabularySize }, (_, row) => tokenEmbedding(weights, row));
}

/**
 * The k words whose token embeddings (h1) are nearest to `word`'s, nearest first, leaving out the
 * word itself and the line boundary. Ties keep vocabulary order.
 */
export function nearestWords(weights: Weights, vocabulary: Vocabulary, word: string, k = 5, metric: Metric = 'euclidean'): Neighbour[] {
  const query = word.trim().toLowerCase();
  const row = vocabulary.rows.get(query);
  if (query === '' || row === undefined || row === BOUNDARY) {
    throw inputError(`${quote(word)} is not in the model's vocabulary; try one of: ${vocabulary.tokens.slice(2, 12).join(', ')}`);
  }
  if (!(Number.isInteger(k) && k >= 1)) throw inputError(`the number of neighbours must be a whole number of at least 1, not ${k}`);
  const embeddings = tokenEmbeddings(weights);
  const found: Neighbour[] = [];
  for (let other = 0; other < vocabulary.tokens.length; other++) {
    if (other === row || other === BOUNDARY) continue;
    found.push({ word: vocabulary.tokens[other], distance: distance(embeddings[row], embeddings[other], metric) });
  }
  found.sort((a, b) => a.distance - b.distance);
  return found.slice(0, k);
}

/** Every context h2 from feeding [boundary, tokens...] from zeros; the last is the sentence's embedding. */
export function contextPath(weights: Weights, vocabulary: Vocabulary, sentence: string): { tokens: string[]; contexts: Float64Array[] } {
  const tokens = tokenizeBounded(sentence, 'a sentence');
  const rows = [BOUNDARY, ...encode(vocabulary, tokens)];
  const contexts: Float64Array[] = [];
  let c: Float64Array = new Float64Array(weights.embeddingSize);
  for (const row of rows) {
    c = nextContext(weights, tokenEmbedding(weights, row), c);
    contexts.push(c);
  }
  return { tokens: ['', ...tokens], contexts };
}

/** Distance between the final contexts of two sentences. */
export function sentenceDistance(weights: Weights, vocabulary: Vocabulary, a: string, b: string, metric: Metric = 'euclidean'): number {
  for (const [label, text] of [['first', a], ['second', b]] as const) {
    if (tokenizeBounded(text, `the ${label} sentence`).length === 0) throw inputError(`the ${label} sentence has no words to compare`);
  }
  const ca = contextPath(weights, vocabulary, a).contexts.at(-1)!;
  const cb = contextPath(weights, vocabulary, b).contexts.at(-1)!;
  return distance(ca, cb, metric);
}

/** At most this many pairs of corpus lines are measured for a sense of scale (drawn with a fixed seed beyond it). */
export const SCALE_PAIR_BUDGET = 20_000;
/** At most this many lines of a corpus are fed for it (drawn with the fixed seed beyond it), so a large corpus is measured in a moment. */
export const SCALE_LINE_BUDGET = 1_000;
/** The seed of the lines and pairs drawn when a corpus has more than the budgets. */
export const SCALE_SEED = 1;

/**
 * The lines of a corpus as sentences, each with its words: every non-empty line of the text, a
 * dialogue's continuing "+" mark left out, so each is fed from zeros as Compare feeds a sentence.
 */
export function corpusSentences(text: string): string[][] {
  const lines: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trimStart();
    const words = tokenize(trimmed.startsWith(CONTINUES_DIALOGUE) ? trimmed.slice(CONTINUES_DIALOGUE.length) : line);
    if (words.length > 0) lines.push(words);
  }
  return lines;
}

/** The distances between pairs of a corpus's lines, sorted, for saying how large another distance is. */
export interface DistanceScale {
  metric: Metric;
  /** How many lines of the corpus there are. */
  lines: number;
  /** How many of them were fed: all, or the line budget's worth drawn with a fixed seed. */
  linesMeasured: number;
  /** How many pairs were measured: every pair, or the budget's worth drawn with a fixed seed. */
  pairs: number;
  /** True when every pair of every line was measured. */
  allPairs: boolean;
  /** The measured distances, smallest first. */
  sorted: Float64Array;
}

/**
 * The distribution of distances between two lines of the corpus: each line's final context (h2 after
 * [boundary, words...] from zeros, as `contextPath`). A corpus of more than `lineBudget` lines is first
 * narrowed to that many, drawn with a generator seeded `seed` (a partial Fisher-Yates shuffle, kept in
 * corpus order). Then every pair (i < j) is measured when there are at most `budget` pairs, otherwise
 * `budget` pairs of two different lines drawn with the same generator.
 */
export function lineDistanceScale(...args: Parameters<typeof lineDistanceScaleSteps>): DistanceScale {
  return finish(lineDistanceScaleSteps(...args));
}

/** `lineDistanceScale` in steps: yields after every few hundred lines fed or distances taken. */
export function* lineDistanceScaleSteps(
  weights: Weights,
  vocabulary: Vocabulary,
  corpusLines: readonly (readonly string[])[],
  metric: Metric = 'euclidean',
  budget = SCALE_PAIR_BUDGET,
  seed = SCALE_SEED,
  lineBudget = SCALE_LINE_BUDGET,
): Sliced<DistanceScale> {
  if (corpusLines.length < 2) throw inputError('the corpus needs at least two lines to measure distances between them');
  const rng = createRng(seed);
  const lines = corpusLines.length <= lineBudget ? corpusLines : sampleLines(corpusLines, lineBudget, rng);
  const finals: (Float64Array | undefined)[] = new Array(lines.length);
  const final = (i: number): Float64Array => {
    let c = finals[i];
    if (!c) {
      c = new Float64Array(weights.embeddingSize);
      for (const row of [BOUNDARY, ...encode(vocabulary, lines[i])]) c = nextContext(weights, tokenEmbedding(weights, row), c);
      finals[i] = c;
    }
    return c;
  };
  const n = lines.length;
  const total = (n * (n - 1)) / 2;
  const distances: number[] = [];
  const PIECE = 256;
  if (total <= budget) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) distances.push(distance(final(i), final(j), metric));
      if (i % 16 === 15) yield;
    }
  } else {
    for (let k = 0; k < budget; k++) {
      const i = rng.below(n);
      let j = rng.below(n - 1);
      if (j >= i) j++;
      distances.push(distance(final(i), final(j), metric));
      if (k % PIECE === PIECE - 1) yield;
    }
  }
  const sorted = Float64Array.from(distances).sort();
  return { metric, lines: corpusLines.length, linesMeasured: n, pairs: sorted.length, allPairs: total <= budget && n === corpusLines.length, sorted };
}

/** `count` of the lines, drawn without repeats by a partial Fisher-Yates shuffle, in corpus order. */
export function sampleLines<T>(lines: readonly T[], count: number, rng: Rng): T[] {
  const order = Array.from(lines.keys());
  for (let k = 0; k < count; k++) {
    const pick = k + rng.below(order.length - k);
    [order[k], order[pick]] = [order[pick], order[k]];
  }
  return order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => lines[i]);
}

/** The percentage of the scale's distances strictly smaller than `d` (0 to 100). */
export function percentBelow(scale: DistanceScale, d: number): number {
  const { sorted } = scale;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < d) lo = mid + 1;
    else hi = mid;
  }
  return (100 * lo) / sorted.length;
}
