/**
 * The model's maths written as plainly as possible, independent of the engine. With context c
 * starting at zeros, one step is h1 = tanh(W0 . onehot(token)), h2 = tanh(W1 . [h1; c]) (the next c)
 * and p = softmax(W2 . h2 / T). Here with nested arrays, the token embedding as a product with a
 * one-hot vector, fresh arrays at every step, and training (back-propagation through time, mean
 * cross-entropy, gradient-norm clipping, Adam) the way a first version in numpy would be. The tests
 * check the engine against it and the benchmark (scripts/bench.ts) times it as the naive baseline, so
 * it imports nothing: neither Node nor vitest.
 */
export type Matrix = number[][];

/** The three weight matrices as rows: w0 is E x V, w1 is E x 2E, w2 is V x E. */
export interface NaiveModel {
  w0: Matrix;
  w1: Matrix;
  w2: Matrix;
}

/** What one step computes: the token embedding h1, the new context h2, the scores and the distribution. */
export interface NaiveStep {
  h1: number[];
  h2: number[];
  logits: number[];
  probs: number[];
}

function matVec(m: Matrix, v: readonly number[]): number[] {
  return m.map((row) => row.reduce((sum, w, j) => sum + w * v[j], 0));
}

const transpose = (m: Matrix): Matrix => m[0].map((_, j) => m.map((row) => row[j]));
const outer = (a: readonly number[], b: readonly number[]): Matrix => a.map((x) => b.map((y) => x * y));
const add = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((x, j) => x + b[i][j]));
const zeros = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));

function oneHot(row: number, size: number): number[] {
  return Array.from({ length: size }, (_, i) => (i === row ? 1 : 0));
}

export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

/** A row-major matrix of `rows` x `cols` as nested arrays. */
function nested(data: ArrayLike<number>, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => data[r * cols + c]));
}

/** The naive model of a set of weights (anything shaped like the engine's `Weights`). */
export function naiveModel(weights: { embeddingSize: number; vocabularySize: number; w0: ArrayLike<number>; w1: ArrayLike<number>; w2: ArrayLike<number> }): NaiveModel {
  const E = weights.embeddingSize;
  const V = weights.vocabularySize;
  return { w0: nested(weights.w0, E, V), w1: nested(weights.w1, E, 2 * E), w2: nested(weights.w2, V, E) };
}

/** E, the number of units in h1 and in the context. */
export const embeddingSize = (model: NaiveModel): number => model.w0.length;
/** V, the number of tokens. */
export const vocabularySize = (model: NaiveModel): number => model.w2.length;

/** h1 = tanh(W0 . onehot(token)). */
export function naiveEmbedding(model: NaiveModel, token: number): number[] {
  return matVec(model.w0, oneHot(token, vocabularySize(model))).map(Math.tanh);
}

/** One step from context `context`: h1, h2 = tanh(W1 . [h1; context]), logits = W2 . h2, softmax(logits / T). */
export function naiveStep(model: NaiveModel, token: number, context: readonly number[], temperature = 1): NaiveStep {
  const h1 = naiveEmbedding(model, token);
  const h2 = matVec(model.w1, [...h1, ...context]).map(Math.tanh);
  const logits = matVec(model.w2, h2);
  return { h1, h2, logits, probs: softmax(temperature === 1 ? logits : logits.map((l) => l / temperature)) };
}

/** Every step of a sequence, from zeros or from the context `start`. */
export function naiveRun(model: NaiveModel, tokens: readonly number[], start?: readonly number[]): NaiveStep[] {
  let context = start ? [...start] : new Array<number>(embeddingSize(model)).fill(0);
  return tokens.map((token) => {
    const s = naiveStep(model, token, context);
    context = s.h2;
    return s;
  });
}

/** The tokens of a text: lower-cased, words [a-z0-9']+ and the marks - . , ! ? ; in order. */
export function naiveTokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+|[-.,!?;]/g) ?? [];
}

/** A text fed as [boundary, tokens...], each token's row in `tokens` (the vocabulary by row), unknown at row 1. */
export function naiveFeed(tokens: readonly string[], text: string): number[] {
  return [0, ...naiveTokenize(text).map((word) => Math.max(1, tokens.indexOf(word)))];
}

export type NaiveMetric = 'euclidean' | 'cosine';

export function naiveDistance(a: readonly number[], b: readonly number[], metric: NaiveMetric = 'euclidean'): number {
  if (metric === 'euclidean') return Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));
  const dot = a.reduce((s, x, i) => s + x * b[i], 0);
  const na = Math.sqrt(a.reduce((s, x) => s + x * x, 0));
  const nb = Math.sqrt(b.reduce((s, x) => s + x * x, 0));
  return 1 - dot / (na * nb);
}

/**
 * The `k` words whose h1 is nearest the word's, nearest first (ties in row order), leaving out the
 * word itself and the boundary. `tokens` is the vocabulary by row.
 */
export function naiveNeighbours(
  model: NaiveModel,
  tokens: readonly string[],
  word: string,
  k: number,
  metric: NaiveMetric = 'euclidean',
): { word: string; distance: number; row: number }[] {
  const row = tokens.indexOf(word);
  const mine = naiveEmbedding(model, row);
  const found: { word: string; distance: number; row: number }[] = [];
  for (let other = 1; other < tokens.length; other++) {
    if (other === row) continue;
    found.push({ word: tokens[other], distance: naiveDistance(mine, naiveEmbedding(model, other), metric), row: other });
  }
  found.sort((x, y) => x.distance - y.distance || x.row - y.row);
  return found.slice(0, k);
}

/**
 * The mean cross-entropy of a line fed as [boundary, line...] predicting [line..., boundary], each
 * step's -log p[target] taken as log-sum-exp(logits) - logits[target].
 */
export function naiveLineLoss(model: NaiveModel, line: readonly number[]): number {
  const inputs = [0, ...line];
  const targets = [...line, 0];
  let loss = 0;
  naiveRun(model, inputs).forEach(({ logits }, s) => {
    const max = Math.max(...logits);
    const logTotal = Math.log(logits.reduce((sum, l) => sum + Math.exp(l - max), 0)) + max;
    loss -= logits[targets[s]] - logTotal;
  });
  return loss / inputs.length;
}

/** Adam's 1 / (sqrt(v) + 1e-8) with each operation rounded to float32, as the training kernel takes it. */
export function inverseRoot(v: number): number {
  const f = Math.fround;
  return f(1 / f(f(Math.sqrt(f(v))) + f(1e-8)));
}

/**
 * Training one line at a time: BPTT, mean cross-entropy, gradient-norm clipping, Adam (its
 * denominator in float32).
 */
export class NaiveTrainer {
  private m: NaiveModel;
  private v: NaiveModel;
  private t = 0;

  constructor(
    readonly model: NaiveModel,
    private readonly learningRate: number,
    private readonly clipNorm = 5,
  ) {
    const z = (m: Matrix) => zeros(m.length, m[0].length);
    this.m = { w0: z(model.w0), w1: z(model.w1), w2: z(model.w2) };
    this.v = { w0: z(model.w0), w1: z(model.w1), w2: z(model.w2) };
  }

  /** One line, fed as [0, tokens...], predicting [tokens..., 0]; returns the mean loss. */
  trainLine(line: number[]): number {
    const { w1, w2 } = this.model;
    const E = embeddingSize(this.model);
    const V = vocabularySize(this.model);
    const inputs = [0, ...line];
    const targets = [...line, 0];
    const steps = naiveRun(this.model, inputs);
    const h1s = steps.map((s) => s.h1);
    const h2s = [new Array<number>(E).fill(0), ...steps.map((s) => s.h2)];
    const ps = steps.map((s) => s.probs);
    let loss = 0;
    ps.forEach((p, s) => (loss -= Math.log(p[targets[s]])));
    const n = inputs.length;
    let g0 = zeros(E, V);
    let g1 = zeros(E, 2 * E);
    let g2 = zeros(V, E);
    let carry = new Array<number>(E).fill(0);
    for (let s = n - 1; s >= 0; s--) {
      const dOut = ps[s].map((p, k) => (p - (k === targets[s] ? 1 : 0)) / n);
      g2 = add(g2, outer(dOut, h2s[s + 1]));
      const dH2 = matVec(transpose(w2), dOut).map((d, i) => d + carry[i]);
      const dZ = dH2.map((d, i) => d * (1 - h2s[s + 1][i] ** 2));
      g1 = add(g1, outer(dZ, [...h1s[s], ...h2s[s]]));
      const dJoint = matVec(transpose(w1), dZ);
      const dZ1 = dJoint.slice(0, E).map((d, i) => d * (1 - h1s[s][i] ** 2));
      g0 = add(g0, outer(dZ1, oneHot(inputs[s], V)));
      carry = dJoint.slice(E);
    }
    const grads = { w0: g0, w1: g1, w2: g2 };
    const norm = Math.sqrt([g0, g1, g2].flat(2).reduce((sum, g) => sum + g * g, 0));
    const scale = norm > this.clipNorm ? this.clipNorm / norm : 1;
    this.t++;
    // Adam as its paper's efficient form writes it: the bias corrections folded into the step size.
    const stepSize = (this.learningRate * Math.sqrt(1 - 0.999 ** this.t)) / (1 - 0.9 ** this.t);
    for (const key of ['w0', 'w1', 'w2'] as const) {
      this.model[key] = this.model[key].map((row, i) =>
        row.map((w, j) => {
          const g = grads[key][i][j] * scale;
          this.m[key][i][j] = 0.9 * this.m[key][i][j] + 0.1 * g;
          this.v[key][i][j] = 0.999 * this.v[key][i][j] + 0.001 * g * g;
          return w - stepSize * this.m[key][i][j] * inverseRoot(this.v[key][i][j]);
        }),
      );
    }
    return loss / n;
  }
}
