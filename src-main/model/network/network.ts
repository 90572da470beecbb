/**
 * The network, exactly as README.md ("The model") states it. With context `c` starting at zeros, one step is
 *
 *     h1 = tanh(W0[:, token])          token embedding (a column lookup)
 *     h2 = tanh(W1 . [h1 ; c])         new context; it becomes c for the next step
 *     p  = softmax(W2 . h2 / T)        next-token distribution at temperature T
 *
 * Weights are float64, row-major: W0 is E x V, W1 is E x 2E, W2 is V x E.
 */
import { shownTemperature } from './sampling.ts';

export interface Weights {
  /** Embedding size E: cells in h1 and in h2. */
  readonly embeddingSize: number;
  /** Vocabulary size V. */
  readonly vocabularySize: number;
  readonly w0: Float64Array;
  readonly w1: Float64Array;
  readonly w2: Float64Array;
}

/** The three weight matrices, by the names the original's weights.npz gives them. */
export const WEIGHT_NAMES = ['w0', 'w1', 'w2'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

/** One token through the network. Its fields carry the names the wire (`StepRecord`) and the views use. */
export interface Step {
  /** The input token's row in the vocabulary (its text is `vocabulary.tokens[row]`). */
  readonly row: number;
  /** h1: the token embedding. */
  readonly h1: Float64Array;
  /** h2: the context after this token. */
  readonly h2: Float64Array;
  /** The next-token distribution, in vocabulary order. */
  readonly probs: Float64Array;
}

export function createWeights(embeddingSize: number, vocabularySize: number): Weights {
  return {
    embeddingSize,
    vocabularySize,
    w0: new Float64Array(embeddingSize * vocabularySize),
    w1: new Float64Array(embeddingSize * 2 * embeddingSize),
    w2: new Float64Array(vocabularySize * embeddingSize),
  };
}

export function cloneWeights(weights: Weights): Weights {
  return { ...weights, w0: weights.w0.slice(), w1: weights.w1.slice(), w2: weights.w2.slice() };
}

export function copyWeightsInto(target: Weights, source: Weights): void {
  target.w0.set(source.w0);
  target.w1.set(source.w1);
  target.w2.set(source.w2);
}

/** A weight matrix's [rows, columns] for a model with E units and V tokens: W0 is E x V, W1 E x 2E, W2 V x E. */
export function matrixShape(name: WeightName, embedding: number, vocabulary: number): [number, number] {
  if (name === 'w0') return [embedding, vocabulary];
  if (name === 'w1') return [embedding, 2 * embedding];
  return [vocabulary, embedding];
}

export function weightShape(weights: Weights, name: WeightName): [number, number] {
  return matrixShape(name, weights.embeddingSize, weights.vocabularySize);
}

export function allFinite(weights: Weights): boolean {
  for (const matrix of [weights.w0, weights.w1, weights.w2]) {
    for (let i = 0; i < matrix.length; i++) if (!Number.isFinite(matrix[i])) return false;
  }
  return true;
}

/** h1 = tanh(W0[:, row]). */
export function tokenEmbedding(weights: Weights, row: number, out = new Float64Array(weights.embeddingSize)): Float64Array {
  const { embeddingSize: e, vocabularySize: v, w0 } = weights;
  for (let i = 0; i < e; i++) out[i] = Math.tanh(w0[i * v + row]);
  return out;
}

/** h2 = tanh(W1 . [h1 ; c]). `out` must not alias `context`. */
export function nextContext(
  weights: Weights,
  h1: Float64Array,
  context: Float64Array,
  out = new Float64Array(weights.embeddingSize),
): Float64Array {
  const { embeddingSize: e, w1 } = weights;
  const width = 2 * e;
  for (let i = 0; i < e; i++) {
    const row = i * width;
    let sum = 0;
    for (let j = 0; j < e; j++) sum += w1[row + j] * h1[j];
    for (let j = 0; j < e; j++) sum += w1[row + e + j] * context[j];
    out[i] = Math.tanh(sum);
  }
  return out;
}

/** W1[:, E:2E], the weights from the context carried in to the new context (E x E, row-major). */
export function recurrentWeights(weights: Weights): Float64Array {
  const e = weights.embeddingSize;
  const out = new Float64Array(e * e);
  for (let i = 0; i < e; i++) out.set(weights.w1.subarray(i * 2 * e + e, i * 2 * e + 2 * e), i * e);
  return out;
}

/**
 * W1[:, :E] . h1: the token's share of the context's pre-activation, each sum from zero in j order.
 * It depends on the token alone, so a pass over many steps may take it once per token.
 */
export function inputShare(weights: Weights, h1: ArrayLike<number>, out = new Float64Array(weights.embeddingSize)): Float64Array {
  const e = weights.embeddingSize;
  return rowProducts(weights.w1, 2 * e, e, e, h1, out);
}

/** out[r] = x . the first n numbers of row r (rows `stride` apart), for `count` rows, each sum from zero in order. */
function rowProducts(matrix: Float64Array, stride: number, n: number, count: number, x: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let r = 0; r < count; r++) {
    const row = r * stride;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += matrix[row + j] * x[j];
    out[r] = sum;
  }
  return out;
}

/**
 * h2 = tanh(share + W1[:, E:] . c), each sum continued from the token's share in j order: with
 * share = inputShare(h1) these are nextContext's additions in its order, so the same bits. The
 * vectors are read and written at offsets into their arrays (a pass over many steps keeps them in
 * one array each); `out` must not overlap `context`.
 */
export function contextFromShare(
  weights: Weights,
  share: ArrayLike<number>,
  shareAt: number,
  context: ArrayLike<number>,
  contextAt: number,
  out: Float64Array,
  outAt: number,
): void {
  const { embeddingSize: e, w1 } = weights;
  const width = 2 * e;
  for (let i = 0; i < e; i++) {
    const row = i * width + e;
    let sum = share[shareAt + i];
    for (let j = 0; j < e; j++) sum += w1[row + j] * context[contextAt + j];
    out[outAt + i] = Math.tanh(sum);
  }
}

/** W2 . h2, the scores before the softmax. */
export function nextTokenLogits(weights: Weights, h2: Float64Array, out = new Float64Array(weights.vocabularySize)): Float64Array {
  const e = weights.embeddingSize;
  return rowProducts(weights.w2, e, e, weights.vocabularySize, h2, out);
}

/** softmax(logits / T), computed in place, at the temperature shownTemperature gives (T = 1 for greedy). */
export function softmaxInPlace(logits: Float64Array, temperature = 1): Float64Array {
  const scale = 1 / shownTemperature(temperature);
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) if (logits[k] > max) max = logits[k];
  let total = 0;
  for (let k = 0; k < logits.length; k++) {
    const p = Math.exp((logits[k] - max) * scale);
    logits[k] = p;
    total += p;
  }
  for (let k = 0; k < logits.length; k++) logits[k] /= total;
  return logits;
}

/** One step of the network: the token's embedding, the new context and the next-token distribution. */
export function step(weights: Weights, row: number, context: Float64Array, temperature = 1): Step {
  const h1 = tokenEmbedding(weights, row);
  const h2 = nextContext(weights, h1, context);
  const probs = softmaxInPlace(nextTokenLogits(weights, h2), temperature);
  return { row, h1: h1, h2: h2, probs: probs };
}

/** Runs token rows from a starting context (zeros when omitted), returning every step. */
export function run(weights: Weights, rows: readonly number[], context?: Float64Array, temperature = 1): Step[] {
  let c = context ?? new Float64Array(weights.embeddingSize);
  const steps: Step[] = [];
  for (const row of rows) {
    const s = step(weights, row, c, temperature);
    steps.push(s);
    c = s.h2;
  }
  return steps;
}
