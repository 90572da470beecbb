import { describe, expect, it } from 'vitest';
import { Trainer, initialWeights } from '../src-main/model/training.ts';
import { vocabularyFromTokens } from '../src-main/model/vocabulary.ts';
import { NaiveTrainer, naiveModel } from './reference/naive.ts';

/**
 * The WebAssembly training kernel against the naive nested-array implementation of the same update
 * (BPTT, mean cross-entropy, gradient-norm clipping, Adam with bias correction).
 */
const vocabulary = vocabularyFromTokens(['', '-', 'who', 'are', 'you', '?', 'boris', '.']);
// Two lines: the first trains, the second is held out, so every epoch is one update on line one.
const lines = [
  [2, 3, 4, 5, 6, 7],
  [2, 5, 6],
];

function trainBoth(clipNorm: number, epochs: number) {
  const start = initialWeights(5, vocabulary.tokens.length, 11);
  const trainer = new Trainer(lines, vocabulary, { embedding: 5, epochs, learningRate: 0.05, seed: 11, clipNorm, samplesPerEpoch: 0 });
  while (!trainer.done) trainer.runLines(100);
  const naive = new NaiveTrainer(naiveModel(start), 0.05, clipNorm);
  for (let e = 0; e < epochs; e++) naive.trainLine(lines[0]);
  return { trainer, naive };
}

function maxDifference(trainer: Trainer, naive: NaiveTrainer): number {
  let worst = 0;
  for (const key of ['w0', 'w1', 'w2'] as const) {
    const flat = naive.model[key].flat();
    trainer.weights[key].forEach((w, i) => (worst = Math.max(worst, Math.abs(w - flat[i]))));
  }
  return worst;
}

describe('the training kernel', () => {
  it('takes the same Adam steps as the naive reference, without clipping', () => {
    const { trainer, naive } = trainBoth(1e9, 12);
    expect(maxDifference(trainer, naive)).toBeLessThan(1e-12);
  });

  it('takes the same Adam steps as the naive reference when clipping is active', () => {
    const { trainer, naive } = trainBoth(0.05, 12);
    expect(maxDifference(trainer, naive)).toBeLessThan(1e-12);
    // and the clip really changed the run
    const unclipped = trainBoth(1e9, 12).trainer;
    let moved = 0;
    trainer.weights.w1.forEach((w, i) => (moved = Math.max(moved, Math.abs(w - unclipped.weights.w1[i]))));
    expect(moved).toBeGreaterThan(1e-6);
  });
});
