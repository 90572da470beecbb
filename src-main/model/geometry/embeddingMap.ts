import { UMAP } from 'umap-js';
import { inputError } from '../network/errors.ts';
import { type MapMethod, tokenEmbeddings } from './geometry.ts';
import type { Weights } from '../network/network.ts';
import { fitPca, project } from './pca.ts';
import { createRng } from '../network/rng.ts';
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
  // What umap.fit does, one epoch at a time.
  const epochs = umap.initializeFit(vectors.map((v) => Array.from(v)));
  for (let epoch = 0; epoch < epochs; epoch++) {
    umap.step();
    yield;
  }
  return { words, points: umap.getEmbedding().map((p) => pad(p)), explainedVariance: null };
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
