import { beforeAll, describe, expect, it } from 'vitest';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { run } from '../src-main/model/network/network.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { inProcessService } from './helpers/inProcessService.ts';

/** The real model service, in-process, answering the bundled Boris; replies are checked by the protocol. */
const { modelText, ask, askError } = inProcessService();
const boris = parseModel(modelText);

/** h1 of a row, computed here from W0 (E x V, row-major) rather than through the engine. */
function h1(row: number): number[] {
  const { embeddingSize: E, vocabularySize: V, w0 } = boris.weights;
  return Array.from({ length: E }, (_, i) => Math.tanh(w0[i * V + row]));
}

function euclid(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

beforeAll(async () => {
  await ask({ type: 'open', source: { kind: 'bundled' } });
});

describe('embeddingMap', () => {
  it('PCA places every word but the boundary on the two strongest axes of the token embeddings', async () => {
    const map = await ask({ type: 'embeddingMap', method: 'pca' });
    expect(map.words).toEqual(boris.vocabulary.tokens.slice(1));
    expect(map.points).toHaveLength(map.words.length);
    const vectors = map.words.map((_, i) => h1(i + 1));
    const n = vectors.length;
    const mean = vectors[0].map((_, j) => vectors.reduce((s, v) => s + v[j], 0) / n);
    const totalVariance = vectors.reduce((s, v) => s + v.reduce((t, x, j) => t + (x - mean[j]) ** 2, 0), 0) / n;
    const xs = map.points.map((p) => p[0]);
    const ys = map.points.map((p) => p[1]);
    const avg = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    // Centred, uncorrelated axes whose variances are the shares the reply reports, strongest first.
    expect(avg(xs)).toBeCloseTo(0, 10);
    expect(avg(ys)).toBeCloseTo(0, 10);
    expect(avg(xs.map((x, i) => x * ys[i]))).toBeCloseTo(0, 10);
    const shares = [avg(xs.map((x) => x * x)) / totalVariance, avg(ys.map((y) => y * y)) / totalVariance];
    expect(map.explainedVariance).not.toBeNull();
    expect(map.explainedVariance![0]).toBeCloseTo(shares[0], 10);
    expect(map.explainedVariance![1]).toBeCloseTo(shares[1], 10);
    expect(shares[0]).toBeGreaterThanOrEqual(shares[1]);
    // No 2-D projection onto orthonormal axes can stretch a distance.
    for (let i = 0; i < n; i += 7) for (let j = i + 1; j < n; j += 5) expect(euclid(map.points[i], map.points[j])).toBeLessThanOrEqual(euclid(vectors[i], vectors[j]) + 1e-12);
  });

  it('UMAP is reproducible for a seed, differs between seeds, and keeps near words near', async () => {
    const first = await ask({ type: 'embeddingMap', method: 'umap' });
    const again = await ask({ type: 'embeddingMap', method: 'umap' });
    const seeded = await ask({ type: 'embeddingMap', method: 'umap', seed: 1 });
    const other = await ask({ type: 'embeddingMap', method: 'umap', seed: 2 });
    expect(first.explainedVariance).toBeNull();
    expect(first.words).toEqual(boris.vocabulary.tokens.slice(1));
    expect(again.points).toEqual(first.points);
    expect(seeded.points).toEqual(first.points);
    expect(other.points).not.toEqual(first.points);
    for (const p of first.points) expect(p.every(Number.isFinite)).toBe(true);
    // For most words, the nearest word by h1 is among the 10 nearest on the map.
    const vectors = first.words.map((_, i) => h1(i + 1));
    const n = vectors.length;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const others = [...Array(n).keys()].filter((j) => j !== i);
      const nearest = others.reduce((best, j) => (euclid(vectors[i], vectors[j]) < euclid(vectors[i], vectors[best]) ? j : best));
      const onMap = others.sort((a, b) => euclid(first.points[i], first.points[a]) - euclid(first.points[i], first.points[b])).slice(0, 10);
      if (onMap.includes(nearest)) kept++;
    }
    expect(kept / n).toBeGreaterThan(0.6);
  });

  it('refuses an unknown method with a message', async () => {
    const error = await askError({ type: 'embeddingMap', method: 'tsne' });
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/method/);
  });
});

describe('divergence', () => {
  /** Every context of [boundary, tokens...] by the engine's step function. */
  function contexts(sentence: string): Float64Array[] {
    return run(boris.weights, [BOUNDARY, ...encode(boris.vocabulary, tokenize(sentence))]).map((s) => s.h2);
  }

  it('gives the per-step distances, the widest step and the final difference of two paths', async () => {
    const a = 'i am good';
    const b = 'frogs are very nice';
    const result = await ask({ type: 'divergence', sentences: [a, b], metric: 'euclidean' });
    const ca = contexts(a);
    const cb = contexts(b);
    expect(result.stepDistances).toHaveLength(Math.min(ca.length, cb.length));
    // Both start from the same boundary step, so the first distance is exactly zero.
    expect(result.stepDistances[0]).toBe(0);
    result.stepDistances.forEach((d, step) => expect(d).toBeCloseTo(euclid(ca[step], cb[step]), 12));
    expect(result.stepDistances[result.widestStep]).toBe(Math.max(...result.stepDistances));
    expect(result.finalDifference).toEqual(Array.from(ca.at(-1)!, (x, unit) => x - cb.at(-1)![unit]));
    const compared = await ask({ type: 'compare', sentences: [a, b], metric: 'euclidean' });
    expect(euclid(result.finalDifference, new Array(result.finalDifference.length).fill(0))).toBeCloseTo(compared.distances[0][1], 12);
  });

  it('uses the cosine metric when asked', async () => {
    const result = await ask({ type: 'divergence', sentences: ['i am good', 'i am happy'], metric: 'cosine' });
    const ca = contexts('i am good');
    const cb = contexts('i am happy');
    const cosine = (x: Float64Array, y: Float64Array) => {
      let dot = 0;
      for (let i = 0; i < x.length; i++) dot += x[i] * y[i];
      return 1 - dot / (euclid(x, new Float64Array(x.length)) * euclid(y, new Float64Array(y.length)));
    };
    result.stepDistances.forEach((d, step) => expect(d).toBeCloseTo(cosine(ca[step], cb[step]), 12));
  });

  it('says which sentence has no words', async () => {
    const error = await askError({ type: 'divergence', sentences: ['i am good', ' $$ '], metric: 'euclidean' });
    expect(error.kind).toBe('input');
    expect(error.message).toBe('sentence 2 has no words to compare');
  });
});
