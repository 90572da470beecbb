import { describe, expect, it } from 'vitest';
import { SlmError } from '../src-main/model/network/errors.ts';
import { allFinite, run, type Weights } from '../src-main/model/network/network.ts';
import { tokenize, tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { BOUNDARY, buildVocabulary, encode, vocabularyFromTokens } from '../src-main/model/network/vocabulary.ts';
import { Trainer, lineLossAndGradients } from '../src-main/model/training/training.ts';
import { initialWeights, splitCorpus, type TrainingOptions } from '../src-main/model/training/setup.ts';
import { generateLine } from '../src-main/model/network/generation.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { expectSameBits, expectSlmError, randomWeights, sameBits } from './helpers.ts';
import { naiveLineLoss, naiveModel } from './reference/naive.ts';

// ---------------------------------------------------------------------------------------------
// Helpers written for the tests, independent of the engine.

/** Runs a trainer to the end in chunks, as a host would. */
function finish(trainer: Trainer, chunk = 7): void {
  let guard = 0;
  while (!trainer.done) {
    trainer.runLines(chunk);
    if (++guard > 1_000_000) throw new Error('the trainer never finished');
  }
}

const BORIS_TEXT = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 'who are you? i am boris.' : 'what do you love? frogs.')).join('\n');

/** A small corpus with some variety, so held-out accuracy moves from epoch to epoch. */
const MIXED_TEXT = [
  'who are you? i am boris.',
  'what do you love? frogs.',
  'how are you? i am good.',
  'what is the best thing? frogs.',
  'do you like frogs? very much.',
  'are you nice? i am very nice.',
  'who is boris? i am.',
  'what do you like? frogs are nice.',
  'how is the frog? fine.',
  'is it good? ok.',
  'what about you? i am fine.',
  'do you love frogs? i love frogs.',
  'who loves frogs? boris.',
  'are frogs good? very good.',
  'what is your thing? frogs.',
  'how about frogs? nice.',
  'who are they? frogs.',
  'what do frogs like? flies.',
  'are you ok? i am ok.',
  'is boris nice? very.',
].join('\n');

function corpus(text: string) {
  const lines = tokenizeCorpus(text);
  const vocabulary = buildVocabulary(lines);
  return { vocabulary, rows: lines.map((line) => encode(vocabulary, line)) };
}

// ---------------------------------------------------------------------------------------------

describe('gradients', () => {
  it('lineLossAndGradients matches central finite differences on every weight', () => {
    const E = 4;
    const V = 7;
    const lines = [[2, 3, 4], [5, 6, 1, 2, 3, 6], [1], [6, 6, 5, 4, 3, 2, 2, 4]];
    let worst = 0;
    let checked = 0;
    let nonZero = 0;
    for (const [index, line] of lines.entries()) {
      const weights = randomWeights(E, V, 500 + index, 1);
      const { loss, gradients } = lineLossAndGradients(weights, line);
      expect(Math.abs(loss - naiveLineLoss(naiveModel(weights), line))).toBeLessThan(1e-12);
      const h = 1e-6;
      for (const name of ['w0', 'w1', 'w2'] as const) {
        const matrix = weights[name];
        for (let i = 0; i < matrix.length; i++) {
          const held = matrix[i];
          matrix[i] = held + h;
          const plus = naiveLineLoss(naiveModel(weights), line);
          matrix[i] = held - h;
          const minus = naiveLineLoss(naiveModel(weights), line);
          matrix[i] = held;
          const numeric = (plus - minus) / (2 * h);
          const analytic = gradients[name][i];
          const relative = Math.abs(analytic - numeric) / Math.max(1e-8, Math.abs(analytic) + Math.abs(numeric));
          worst = Math.max(worst, relative);
          checked++;
          if (Math.abs(analytic) > 1e-6) nonZero++;
        }
      }
    }
    expect(checked).toBe(lines.length * (4 * 7 + 4 * 8 + 7 * 4));
    expect(nonZero).toBeGreaterThan(checked / 2);
    expect(worst).toBeLessThan(1e-6);
  });

  it('the training loss equals -mean(log p[target]) from network.run', () => {
    const weights = randomWeights(5, 9, 77, 1.3);
    for (const line of [[3], [2, 4, 6, 8], [1, 1, 1, 7, 8, 5, 2, 3, 4]]) {
      const steps = run(weights, [BOUNDARY, ...line]);
      const targets = [...line, BOUNDARY];
      const expected = -steps.reduce((sum, s, i) => sum + Math.log(s.probs[targets[i]]), 0) / steps.length;
      const { loss } = lineLossAndGradients(weights, line);
      expect(Math.abs(loss - expected)).toBeLessThanOrEqual(1e-12);
    }
  });

  it('does not change the weights it is given', () => {
    const weights = randomWeights(3, 6, 8);
    const copy = randomWeights(3, 6, 8);
    lineLossAndGradients(weights, [2, 3, 4]);
    expectSameBits(weights, copy);
  });
});

describe('splitting the corpus', () => {
  it('trains on the first floor(0.9 n) lines and holds out the rest', () => {
    for (const n of [2, 3, 5, 9, 10, 11, 19, 20, 25, 99, 100, 101]) {
      const lines = Array.from({ length: n }, (_, i) => [2 + (i % 5), i]);
      const split = splitCorpus(lines);
      const trainCount = Math.floor((9 * n) / 10);
      expect(split.train).toEqual(lines.slice(0, trainCount));
      expect(split.test).toEqual(lines.slice(trainCount));
    }
  });

  it('a corpus of fewer than 2 lines is an input error', () => {
    expectSlmError(() => splitCorpus([]), 'input');
    expectSlmError(() => splitCorpus([[2, 3]]), 'input');
    const vocabulary = vocabularyFromTokens(['', '-', 'a', 'b']);
    expectSlmError(() => new Trainer([[2, 3]], vocabulary, { embedding: 3, epochs: 1, learningRate: 0.01, seed: 1 }), 'input');
  });

  it('the trainer holds out the last 10% of lines', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const trainer = new Trainer(rows, vocabulary, { embedding: 4, epochs: 1, learningRate: 0.01, seed: 1, samplesPerEpoch: 0 });
    expect(trainer.split.train).toEqual(rows.slice(0, 18));
    expect(trainer.split.test).toEqual(rows.slice(18));
  });

  it('rejects options it cannot use', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const base: TrainingOptions = { embedding: 4, epochs: 2, learningRate: 0.01, seed: 1 };
    expectSlmError(() => new Trainer(rows, vocabulary, { ...base, learningRate: 0 }), 'input', /learning rate/);
    expectSlmError(() => new Trainer(rows, vocabulary, { ...base, learningRate: Number.NaN }), 'input', /learning rate/);
    expectSlmError(() => new Trainer(rows, vocabulary, { ...base, embedding: 0 }), 'input', /embedding/);
    expectSlmError(() => new Trainer(rows, vocabulary, { ...base, epochs: 1.5 }), 'input', /epochs/);
    expectSlmError(() => new Trainer(rows, vocabulary, { ...base, heldOutFraction: 1 }), 'input', /held-out/);
    expectSlmError(() => new Trainer([[2, 99], [3]], vocabulary, base), 'input', /99/);
  });
});

describe('the trainer', () => {
  const options: TrainingOptions = { embedding: 5, epochs: 6, learningRate: 0.02, seed: 12345, samplesPerEpoch: 2 };

  it('is deterministic: the same seed gives bit-identical weights and history', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const a = new Trainer(rows, vocabulary, options);
    const b = new Trainer(rows, vocabulary, options);
    finish(a, 5);
    finish(b, 3); // chunking must not matter
    expect(a.status).toBe('completed');
    expect(b.status).toBe('completed');
    expectSameBits(a.weights, b.weights);
    expectSameBits(a.best, b.best);
    const strip = (t: Trainer) => t.history.map(({ seconds: _seconds, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(a.history.length).toBe(options.epochs + 1);
    // Loss values are compared exactly, not approximately.
    a.history.forEach((h, i) => {
      expect(Object.is(h.trainLoss, b.history[i].trainLoss)).toBe(true);
      expect(Object.is(h.testLoss, b.history[i].testLoss)).toBe(true);
    });
    // The initialisation itself is seeded.
    expectSameBits(initialWeights(5, 9, 3), initialWeights(5, 9, 3));
    expect(sameBits(initialWeights(5, 9, 3), initialWeights(5, 9, 4))).toBe(false);
  });

  it('a different seed gives different weights', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const a = new Trainer(rows, vocabulary, options);
    const c = new Trainer(rows, vocabulary, { ...options, seed: 54321 });
    finish(a);
    finish(c);
    expect(sameBits(a.weights, c.weights)).toBe(false);
  });

  it('carries the context into a chosen share of lines, deterministically', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const none = new Trainer(rows, vocabulary, options);
    const zero = new Trainer(rows, vocabulary, { ...options, carryContext: 0 });
    const half = new Trainer(rows, vocabulary, { ...options, carryContext: 0.5 });
    const halfAgain = new Trainer(rows, vocabulary, { ...options, carryContext: 0.5 });
    const all = new Trainer(rows, vocabulary, { ...options, carryContext: 1 });
    for (const t of [none, zero, half, halfAgain, all]) finish(t);
    expectSameBits(none.weights, zero.weights);
    expectSameBits(half.weights, halfAgain.weights);
    expect(sameBits(none.weights, half.weights)).toBe(false);
    expect(sameBits(half.weights, all.weights)).toBe(false);
    expectSlmError(() => new Trainer(rows, vocabulary, { ...options, carryContext: 1.5 }), 'input', /from 0 to 1/);
  });

  it('starts from given weights when told to', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const start = randomWeights(4, vocabulary.tokens.length, 3);
    const trainer = new Trainer(rows, vocabulary, { embedding: 4, epochs: 1, learningRate: 0.01, seed: 1, initialWeights: start });
    expectSameBits(trainer.weights, start);
    expect(trainer.weights.w0).not.toBe(start.w0);
    expectSlmError(
      () => new Trainer(rows, vocabulary, { embedding: 5, epochs: 1, learningRate: 0.01, seed: 1, initialWeights: start }),
      'input',
    );
  });

  it('keeps the weights of the epoch with the best held-out accuracy', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const trainer = new Trainer(rows, vocabulary, { embedding: 6, epochs: 40, learningRate: 0.05, seed: 3, samplesPerEpoch: 0 });
    // Snapshot the weights at the end of every epoch, to check `best` against the right one.
    const snapshots: Weights[] = [cloneOf(trainer.weights)];
    while (!trainer.done) {
      const ended = trainer.runLines(1);
      if (ended.length > 0) snapshots.push(cloneOf(trainer.weights));
    }
    expect(trainer.status).toBe('completed');
    expect(snapshots.length).toBe(trainer.history.length);
    const accuracies = trainer.history.map((h) => h.testAccuracy);
    const bestAccuracy = Math.max(...accuracies);
    expect(trainer.history[trainer.bestEpoch].testAccuracy).toBe(bestAccuracy);
    // Among epochs with the best accuracy, the kept one has the lowest held-out loss.
    const lowestLoss = Math.min(...trainer.history.filter((h) => h.testAccuracy === bestAccuracy).map((h) => h.testLoss));
    expect(trainer.history[trainer.bestEpoch].testLoss).toBe(lowestLoss);
    const evaluation = trainer.evaluate(trainer.split.test, trainer.best);
    expect(evaluation.accuracy).toBe(trainer.history[trainer.bestEpoch].testAccuracy);
    expect(evaluation.loss).toBe(trainer.history[trainer.bestEpoch].testLoss);
    expectSameBits(trainer.best, snapshots[trainer.bestEpoch]);
    // The test means something only if the best epoch is not simply the last one.
    expect(trainer.bestEpoch).toBeLessThan(trainer.epoch);
    expect(sameBits(trainer.best, trainer.weights)).toBe(false);
    // Every reported held-out figure is what evaluate() gives for that epoch's weights.
    snapshots.forEach((w, epoch) => {
      const e = trainer.evaluate(trainer.split.test, w);
      expect(e.accuracy).toBe(trainer.history[epoch].testAccuracy);
      expect(e.loss).toBe(trainer.history[epoch].testLoss);
    });
  });

  it('an absurd learning rate diverges, says so, and keeps the last good weights', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const trainer = new Trainer(rows, vocabulary, { embedding: 5, epochs: 20, learningRate: 1e6, seed: 2, samplesPerEpoch: 1 });
    finish(trainer, 3);
    expect(trainer.status).toBe('diverged');
    expect(trainer.error).toBeInstanceOf(SlmError);
    expect(trainer.error!.kind).toBe('training');
    expect(trainer.error!.message).toMatch(/learning rate/);
    expect(trainer.error!.message).toMatch(/1000000/);
    expect(allFinite(trainer.weights)).toBe(true);
    expect(allFinite(trainer.best)).toBe(true);
    expectSameBits(trainer.weights, trainer.best);
    const evaluation = trainer.evaluate(trainer.split.test);
    expect(Number.isFinite(evaluation.loss)).toBe(true);
    expect(evaluation.accuracy).toBe(trainer.history[trainer.bestEpoch].testAccuracy);
    // Nothing more happens after divergence.
    const before = cloneOf(trainer.weights);
    expect(trainer.runLines(50)).toEqual([]);
    expectSameBits(trainer.weights, before);
  });

  it('starting weights that already overflow the loss are reported as diverged at once', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const start = randomWeights(3, vocabulary.tokens.length, 4);
    start.w0.fill(5);
    start.w1.fill(5);
    start.w2.fill(1e308); // every logit overflows to Infinity; the softmax gives NaN
    const trainer = new Trainer(rows, vocabulary, { embedding: 3, epochs: 5, learningRate: 0.01, seed: 1, initialWeights: start });
    expect(trainer.status).toBe('diverged');
    expect(trainer.error?.kind).toBe('training');
    expect(trainer.error?.message).toMatch(/learning rate/);
    expect(trainer.runLines(10)).toEqual([]);
    expectSameBits(trainer.weights, start);
  });

  it('accepts a corpus of 200,000 lines', () => {
    // training.ts computes the longest line with Math.max(...lines.map(...)), which throws
    // "RangeError: Maximum call stack size exceeded" for more than about 125,000 lines.
    const vocabulary = vocabularyFromTokens(['', '-', 'a', 'b']);
    const lines = Array.from({ length: 200_000 }, (_, i) => (i % 2 === 0 ? [2, 3] : [3]));
    const trainer = new Trainer(lines, vocabulary, { embedding: 2, epochs: 1, learningRate: 0.01, seed: 1, samplesPerEpoch: 0 });
    expect(trainer.split.train.length).toBe(180_000);
    expect(trainer.status).toBe('running');
  });

  it('stop() ends the run between lines', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const trainer = new Trainer(rows, vocabulary, { embedding: 5, epochs: 10, learningRate: 0.01, seed: 9, samplesPerEpoch: 0 });
    const start = cloneOf(trainer.weights);
    trainer.runLines(5);
    expect(trainer.status).toBe('running');
    expect(sameBits(trainer.weights, start)).toBe(false);
    trainer.stop();
    expect(trainer.status).toBe('stopped');
    expect(trainer.done).toBe(true);
    const weights = cloneOf(trainer.weights);
    const historyLength = trainer.history.length;
    expect(trainer.runLines(1000)).toEqual([]);
    expectSameBits(trainer.weights, weights);
    expect(trainer.history.length).toBe(historyLength);
    expect(trainer.status).toBe('stopped');
  });

  it('learns a tiny repetitive corpus', () => {
    const { vocabulary, rows } = corpus(BORIS_TEXT);
    const trainer = new Trainer(rows, vocabulary, { embedding: 8, epochs: 50, learningRate: 0.05, seed: 1, samplesPerEpoch: 0 });
    finish(trainer, 30);
    expect(trainer.status).toBe('completed');
    expect(trainer.history.at(-1)!.testAccuracy).toBeGreaterThan(0.8);
    expect(trainer.history.at(-1)!.testLoss).toBeLessThan(trainer.history[0].testLoss / 2);
    expect(trainer.history.at(-1)!.trainLoss).toBeLessThan(trainer.history[1].trainLoss);
    const reply = (prompt: string) =>
      generateLine(trainer.best, vocabulary, [BOUNDARY, ...encode(vocabulary, tokenize(prompt))], { temperature: 0, rng: createRng(1) });
    const boris = reply('who are you?');
    expect(boris.text).toBe('i am boris.');
    expect(boris.ended).toBe(true);
    expect(reply('what do you love?').text).toBe('frogs.');
  });
});

function cloneOf(w: Weights): Weights {
  return { ...w, w0: w.w0.slice(), w1: w.w1.slice(), w2: w.w2.slice() };
}

describe('a deferred start (the service measures epoch 0 in slices)', () => {
  it('measures epoch 0 a few lines per call, then trains exactly as an eager trainer does', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const options = { embedding: 5, epochs: 3, learningRate: 0.01, seed: 4, samplesPerEpoch: 1 };
    const eager = new Trainer(rows, vocabulary, options);
    const deferred = new Trainer(rows, vocabulary, { ...options, deferStart: true });
    expect(deferred.history).toEqual([]);
    expect(deferred.epoch).toBe(0);
    expect(deferred.progress).toBe(0);
    let calls = 0;
    while (deferred.history.length === 0) {
      expect(deferred.runLines(2)).toEqual([]);
      calls++;
    }
    // The lines two at a time, then one more call for epoch 0's samples and checkpoint.
    expect(calls).toBe(Math.ceil(rows.length / 2) + 1);
    const strip = ({ seconds: _, ...rest }: { seconds: number }) => rest;
    expect(strip(deferred.history[0])).toEqual(strip(eager.history[0]));
    while (!eager.done) eager.runLines(7);
    while (!deferred.done) deferred.runLines(7);
    expect(deferred.history.map(strip)).toEqual(eager.history.map(strip));
    expectSameBits(deferred.best, eager.best);
  });

  it('a run stopped before epoch 0 is measured ends with no history and its starting weights', () => {
    const { vocabulary, rows } = corpus(MIXED_TEXT);
    const trainer = new Trainer(rows, vocabulary, { embedding: 5, epochs: 3, learningRate: 0.01, seed: 4, deferStart: true });
    trainer.runLines(1);
    trainer.stop();
    expect(trainer.done).toBe(true);
    expect(trainer.runLines(10)).toEqual([]);
    expect(trainer.history).toEqual([]);
    expectSameBits(trainer.best, initialWeights(5, vocabulary.tokens.length, 4));
  });
});

describe('contextIdentity: W1 context half started near the identity', () => {
  const E = 6;
  const V = 9;
  const contextWeight = (w: Weights, i: number, j: number) => w.w1[i * 2 * E + E + j];

  it('puts A on the diagonal of the context half, keeps 0.3 of the seeded values off it, and leaves the rest as seeded', () => {
    const plain = initialWeights(E, V, 7);
    const memory = initialWeights(E, V, 7, 1.5);
    expect(initialWeights(E, V, 7, 0)).toEqual(plain);
    expect(memory.w0).toEqual(plain.w0);
    expect(memory.w2).toEqual(plain.w2);
    for (let i = 0; i < E; i++) {
      for (let j = 0; j < E; j++) {
        expect(memory.w1[i * 2 * E + j]).toBe(plain.w1[i * 2 * E + j]);
        expect(contextWeight(memory, i, j)).toBe(i === j ? 1.5 : contextWeight(plain, i, j) * 0.3);
      }
    }
  });

  it('starts the trainer from those weights (epoch 0), and refuses an identity or a clip out of range', () => {
    const lines = tokenizeCorpus('who are you? i am boris.\nwhy? boris is my name.\nhello. hello friend.\n');
    const vocabulary = buildVocabulary(lines);
    const encoded = lines.map((line) => encode(vocabulary, line));
    const options = { embedding: E, epochs: 1, learningRate: 0.01, seed: 7, samplesPerEpoch: 0 };
    const trainer = new Trainer(encoded, vocabulary, { ...options, contextIdentity: 2 });
    expect(trainer.weights.w1).toEqual(initialWeights(E, vocabulary.tokens.length, 7, 2).w1);
    expect(() => new Trainer(encoded, vocabulary, { ...options, contextIdentity: 5 })).toThrow(/context identity must be from 0 to 4, not 5/);
    expect(() => new Trainer(encoded, vocabulary, { ...options, contextIdentity: -1 })).toThrow(/context identity/);
    expect(() => new Trainer(encoded, vocabulary, { ...options, clipNorm: 0 })).toThrow(/gradient clip must be above 0/);
  });
});
