import { inputError } from './errors.ts';
import { type Weights, nextContext, tokenEmbedding } from './network.ts';
import { tokenizeBounded } from './tokenizer.ts';
import { quote } from './errors.ts';
import { BOUNDARY, type Vocabulary, encode } from './vocabulary.ts';

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
  return Array.from({ length: weights.vocabulary }, (_, row) => tokenEmbedding(weights, row));
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
  let c: Float64Array = new Float64Array(weights.embedding);
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
