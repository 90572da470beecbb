import { UMAP } from 'umap-js';
import { inputError } from '../network/errors.ts';
import { type MapMethod, tokenEmbeddings } from './geometry.ts';
import type { Weights } from '../network/network.ts';
import { fitPca, project } from './pca.ts';
import { createRng } from '../network/rng.ts';
import type { Sliced } from '../network/slices.ts';
import { BOUNDARY, type Vocabulary } from '../network/vocabulary.ts';


export interface EmbeddingMap {
  /** Every word of the vocabulary but the line boundary, in vocabulary order. */
  words: string[];
  /** Each word's place on the map, in the same order. */
  points: [number, number][];
  /** For PCA, the share of the embeddings' variance along each axis; UMAP has no such figure. */
  explainedVariance: number[] | null;
}

/** The seed UMAP uses when none is given, so the same model always gives the same map. */
export const MAP_SEED = 1;

/**
 * Places every word by a 2-D projection of its token embedding h1 = tanh(W0[:, word]): PCA fitted on
 * those embeddings, or UMAP driven by a seeded generator (the same seed gives the same map).
 */
export function embeddingMap(weights: Weights, vocabulary: Vocabulary, method: MapMethod, seed = MAP_SEED, planeOf?: Weights): EmbeddingMap {
  const steps = embeddingMapSteps(weights, vocabulary, method, seed, planeOf);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * `embeddingMap` in steps: yields after each of UMAP's optimisation epochs, so a host can answer other
 * requests while a large vocabulary is laid out; returns the same map.
 *
 * With `planeOf` (other weights of the same model: the model's own, while the Epoch slider shows an
 * epoch of its training), PCA uses the plane fitted on those weights' embeddings instead of these,
 * so every epoch of a run is drawn in one plane and the words are seen to move into their places.
 * The shares of variance are then these embeddings' own along that plane's axes.
 */
export function* embeddingMapSteps(weights: Weights, vocabulary: Vocabulary, method: MapMethod, seed = MAP_SEED, planeOf?: Weights): Generator<void, EmbeddingMap> {
  const rows = vocabulary.tokens.map((_, row) => row).filter((row) => row !== BOUNDARY);
  if (rows.length < 3) throw inputError('a map of the words needs at least 3 words in the vocabulary');
  const all = tokenEmbeddings(weights);
  const vectors = rows.map((row) => all[row]);
  const words = rows.map((row) => vocabulary.tokens[row]);
  if (method === 'pca') {
    if (!planeOf) {
      const pca = fitPca(vectors, 2);
      return { words, points: vectors.map((v) => pad(project(pca, v))), explainedVariance: pca.explainedVariance };
    }
    const own = tokenEmbeddings(planeOf);
    const pca = fitPca(rows.map((row) => own[row]), 2);
    const points = vectors.map((v) => pad(project(pca, v)));
    return { words, points, explainedVariance: sharesAlong(pca.components, vectors) };
  }
  const rng = createRng(seed);
  const umap = new UMAP({
    nComponents: 2,
    // Fifteen neighbours is UMAP's usual; a small vocabulary needs fewer than it has words.
    nNeighbors: Math.min(15, rows.length - 1),
    minDist: 0.1,
    random: () => rng.next(),
  });
  yield* layOut(umap as unknown as UmapInternals, vectors, Math.min(15, rows.length - 1), () => rng.next());
  return { words, points: umap.getEmbedding().map((p) => pad(p)), explainedVariance: null };
}

/**
 * The parts of umap-js (1.4) that `layOut` drives: its optimiser, one epoch per `step`, and the state
 * that `initializeFit` would otherwise fill in.
 */
interface UmapInternals {
  graph: { nRows: number; nCols: number };
  embedding: number[][];
  isInitialized: boolean;
  optimizationState: { head: number[]; tail: number[]; epochsPerSample: number[] };
  getNEpochs(): number;
  initializeOptimization(): void;
  prepareForOptimizationLoop(): void;
  step(): number;
}

/** Rows of the neighbour search between two yields: about 16 x 4,096 distances of E numbers. */
const NEIGHBOUR_ROWS_PER_SLICE = 16;

/**
 * What umap-js's `fit` does, in slices: its own `initializeFit` searches every word's neighbours and
 * builds the graph in one stretch (seconds at 4,096 words, with nothing answered meanwhile). Here the
 * neighbours are found exactly, a few rows at a time, and the graph is made symmetric in plain
 * arrays; then its optimiser runs one epoch per slice. The fuzzy graph and the optimisation are
 * umap-js's own (its membership strengths, fuzzy union, pruning and epochs per sample).
 */
function* layOut(umap: UmapInternals, vectors: readonly Float64Array[], k: number, random: () => number): Sliced<void> {
  const n = vectors.length;
  const d = vectors[0].length;
  const flat = new Float64Array(n * d);
  vectors.forEach((v, i) => flat.set(v, i * d));
  // Each word's k nearest words by euclidean distance, itself first (distance 0), as UMAP expects.
  const knnIndices: number[][] = [];
  const knnDistances: number[][] = [];
  const squared = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let c = 0, a = i * d, b = j * d; c < d; c++, a++, b++) {
        const diff = flat[a] - flat[b];
        sum += diff * diff;
      }
      squared[j] = j === i ? -1 : sum;
    }
    const nearest = nearestK(squared, k);
    knnIndices.push(nearest);
    knnDistances.push(nearest.map((j) => (j === i ? 0 : Math.sqrt(squared[j]))));
    if (i % NEIGHBOUR_ROWS_PER_SLICE === NEIGHBOUR_ROWS_PER_SLICE - 1) yield;
  }
  umap.graph = { nRows: n, nCols: n };
  const nEpochs = umap.getNEpochs();
  // The fuzzy graph: each word's membership strengths to its neighbours, then their fuzzy union
  // a + b - ab with the strengths the other way (umap-js's fuzzySimplicialSet, at a set-op mix of 1).
  const { sigmas, rhos } = yield* smoothDistances(knnDistances, k);
  const strength = (i: number, j: number) => {
    const at = knnIndices[i].indexOf(j);
    if (at < 0 || j === i) return 0;
    const distance = knnDistances[i][at];
    return distance - rhos[i] <= 0 ? 1 : Math.exp(-((distance - rhos[i]) / sigmas[i]));
  };
  const graphRows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++) {
    for (const j of knnIndices[i]) {
      if (j === i) continue;
      const a = strength(i, j);
      const b = strength(j, i);
      graphRows[i].set(j, a + b - a * b);
      graphRows[j].set(i, a + b - a * b);
    }
    if (i % 512 === 511) yield;
  }
  // Edges too weak to be sampled even once in the run are dropped, as umap-js does.
  let max = 0;
  for (const row of graphRows) for (const value of row.values()) max = Math.max(max, value);
  umap.embedding = Array.from({ length: n }, () => [random() * 20 - 10, random() * 20 - 10]);
  const head: number[] = [];
  const tail: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const j of [...graphRows[i].keys()].sort((x, y) => x - y)) {
      const value = graphRows[i].get(j)!;
      if (!value || value < max / nEpochs) continue;
      weights.push(value);
      tail.push(i);
      head.push(j);
    }
    if (i % 1024 === 1023) yield;
  }
  const heaviest = weights.reduce((most, w) => Math.max(most, w), 0);
  const epochsPerSample = weights.map((w) => (w > 0 ? nEpochs / ((w / heaviest) * nEpochs) : -1));
  Object.assign(umap.optimizationState, { head, tail, epochsPerSample });
  umap.initializeOptimization();
  umap.prepareForOptimizationLoop();
  umap.isInitialized = true;
  yield;
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    umap.step();
    yield;
  }
}

/**
 * For each word, the distance to its nearest other word (rho) and the scale (sigma) at which its k
 * neighbours' strengths sum to log2(k): umap-js's smoothKNNDistance at its defaults (local
 * connectivity 1, 64 halvings), a few hundred rows per slice, the mean of every distance taken once.
 */
function* smoothDistances(distances: readonly number[][], k: number): Sliced<{ sigmas: number[]; rhos: number[] }> {
  const TOLERANCE = 1e-5;
  const MIN_SCALE = 1e-3;
  const target = Math.log2(k);
  const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  const meanOfAll = mean(distances.map(mean));
  const sigmas: number[] = [];
  const rhos: number[] = [];
  for (let i = 0; i < distances.length; i++) {
    const row = distances[i];
    const nonZero = row.filter((d) => d > 0);
    const rho = nonZero.length > 0 ? nonZero[0] : 0;
    let lo = 0;
    let hi = Infinity;
    let mid = 1;
    for (let step = 0; step < 64; step++) {
      let sum = 0;
      for (let j = 1; j < row.length; j++) {
        const d = row[j] - rho;
        sum += d > 0 ? Math.exp(-(d / mid)) : 1;
      }
      if (Math.abs(sum - target) < TOLERANCE) break;
      if (sum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi === Infinity ? mid * 2 : (lo + hi) / 2;
      }
    }
    const floor = MIN_SCALE * (rho > 0 ? mean(row) : meanOfAll);
    sigmas.push(Math.max(mid, floor));
    rhos.push(rho);
    if (i % 512 === 511) yield;
  }
  return { sigmas, rhos };
}

/** The indices of the k smallest values, smallest first (ties by index). */
function nearestK(values: Float64Array, k: number): number[] {
  const best: number[] = [];
  for (let j = 0; j < values.length; j++) {
    const value = values[j];
    if (best.length === k && value >= values[best[k - 1]]) continue;
    let at = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(j);
    while (at > 0 && values[best[at - 1]] > value) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = j;
  }
  return best;
}

/** The share of the vectors' total variance along each of the unit-length axes. */
function sharesAlong(axes: readonly Float64Array[], vectors: readonly Float64Array[]): number[] {
  const d = vectors[0].length;
  const n = vectors.length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j] += v[j] / n;
  let total = 0;
  for (const v of vectors) for (let j = 0; j < d; j++) total += (v[j] - mean[j]) ** 2 / n;
  return axes.map((axis) => {
    let along = 0;
    for (const v of vectors) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += axis[j] * (v[j] - mean[j]);
      along += (dot * dot) / n;
    }
    return total > 0 ? along / total : 0;
  });
}

/** A 2-D point, with a missing axis (a model with E = 1) at zero. */
function pad(point: ArrayLike<number>): [number, number] {
  return [point[0] ?? 0, point[1] ?? 0];
}
