import { UMAP } from 'umap-js';
import { inputError } from './errors.ts';
import { type MapMethod, tokenEmbeddings } from './geometry.ts';
import type { Weights } from './network.ts';
import { type Projection, fitPca, project } from './pca.ts';
import type { Checkpoint } from './model.ts';
import { createRng } from './rng.ts';
import { BOUNDARY, type Vocabulary } from './vocabulary.ts';


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
export function embeddingMap(weights: Weights, vocabulary: Vocabulary, method: MapMethod, seed = MAP_SEED, basis?: Projection): EmbeddingMap {
  const steps = embeddingMapSteps(weights, vocabulary, method, seed, basis);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Word embeddings a run's PCA basis is fitted on, at most: checkpoints are sampled evenly to stay under it. */
const RUN_BASIS_VECTORS = 50_000;

/**
 * One PCA plane for a whole training run: fitted on every word's embedding h1 at every checkpoint
 * (evenly sampled when there are many), so that the map of each epoch is drawn in the same plane and
 * words are seen to move as the run goes on.
 */
export function runBasis(checkpoints: readonly Checkpoint[], vocabulary: Vocabulary): Projection {
  if (checkpoints.length === 0) throw inputError('a run basis needs at least one checkpoint');
  const rows = vocabulary.tokens.map((_, row) => row).filter((row) => row !== BOUNDARY);
  const every = Math.max(1, Math.ceil((checkpoints.length * rows.length) / RUN_BASIS_VECTORS));
  const vectors: Float64Array[] = [];
  for (let i = 0; i < checkpoints.length; i += every) {
    const all = tokenEmbeddings(checkpoints[i].weights);
    for (const row of rows) vectors.push(all[row]);
  }
  return fitPca(vectors, 2);
}

/**
 * `embeddingMap` in steps: yields after each of UMAP's optimisation epochs, so a host can answer other
 * requests while a large vocabulary is laid out; returns the same map. With a `basis` (a run's, see
 * runBasis), PCA projects onto that plane instead of fitting one on these weights.
 */
export function* embeddingMapSteps(weights: Weights, vocabulary: Vocabulary, method: MapMethod, seed = MAP_SEED, basis?: Projection): Generator<void, EmbeddingMap> {
  const rows = vocabulary.tokens.map((_, row) => row).filter((row) => row !== BOUNDARY);
  if (rows.length < 3) throw inputError('a map of the words needs at least 3 words in the vocabulary');
  const all = tokenEmbeddings(weights);
  const vectors = rows.map((row) => all[row]);
  const words = rows.map((row) => vocabulary.tokens[row]);
  if (method === 'pca') {
    const pca = basis ?? fitPca(vectors, 2);
    return { words, points: vectors.map((v) => pad(project(pca, v))), explainedVariance: pca.explainedVariance };
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

/** A 2-D point, with a missing axis (a model with E = 1) at zero. */
function pad(point: ArrayLike<number>): [number, number] {
  return [point[0] ?? 0, point[1] ?? 0];
}
