import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CheckpointRecorder, capacityFor, checkpointAt, checkpointValues } from '../src-main/model/training/checkpoints.ts';
import { MAX_CHECKPOINTS } from '../src-main/model/network/limits.ts';
import type { Model } from '../src-main/model/network/model.ts';
import { parseModel, serializeModel } from '../src-main/model/formats/slmJson.ts';
import { embeddingMap } from '../src-main/model/geometry/embeddingMap.ts';
import { createWeights } from '../src-main/model/network/network.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer, trainingRecord } from '../src-main/model/training/training.ts';
import { type TrainingOptions } from '../src-main/model/training/setup.ts';
import { buildVocabulary, encode } from '../src-main/model/network/vocabulary.ts';
import { bitsOf, expectSameBits, expectSlmError } from './helpers.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const TEXT = [
  'who are you? i am boris.',
  'what do you love? frogs.',
  'how are you? i am good.',
  'do you like frogs? very much.',
  'who loves frogs? boris.',
  'are you nice? i am very nice.',
  'what about you? i am fine.',
  'what is the best thing? frogs.',
].join('\n');

function trained(epochs: number, seed = 4) {
  const lines = tokenizeCorpus(TEXT);
  const vocabulary = buildVocabulary(lines);
  const options: TrainingOptions = { embedding: 5, epochs, learningRate: 0.01, seed, carryContext: 0.5 };
  const trainer = new Trainer(lines.map((l) => encode(vocabulary, l)), vocabulary, options);
  while (!trainer.done) trainer.runLines(5);
  const model: Model = { name: 'Small', vocabulary, weights: trainer.best, defaultTemperature: 0.5, training: trainingRecord(trainer, options, 'small.txt') };
  return { trainer, model };
}

describe('training history', () => {
  it('records epoch 0 and every epoch after it, as float32 values, aligned with the metrics', () => {
    const { trainer, model } = trained(6);
    expect(trainer.checkpoints.map((c) => c.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(model.training!.checkpoints.map((c) => c.epoch)).toEqual(model.training!.history.map((h) => h.epoch));
    const last = trainer.checkpoints[6].weights;
    for (const name of ['w0', 'w1', 'w2'] as const) {
      expect(Array.from(last[name], Math.fround)).toEqual(Array.from(last[name]));
      // The last checkpoint is the final weights, rounded to float32 (and not merely a copy of them).
      expect(Array.from(last[name])).toEqual(Array.from(trainer.weights[name], Math.fround));
    }
    expect(Array.from(trainer.checkpoints[0].weights.w1)).not.toEqual(Array.from(last.w1));
  });

  it('checkpoint k of a 20-epoch run equals checkpoint k of a 10-epoch run with the same seed, bit for bit', () => {
    const short = trained(10).trainer.checkpoints;
    const long = trained(20).trainer.checkpoints;
    expect(long).toHaveLength(21);
    for (let k = 0; k <= 10; k++) {
      expect(long[k].epoch).toBe(k);
      expectSameBits(long[k].weights, short[k].weights);
    }
    // A different seed gives a different history, so the comparison above can fail.
    expect(bitsOf(trained(10, 5).trainer.checkpoints[10].weights.w1).equals(bitsOf(short[10].weights.w1))).toBe(false);
  });

  it('thins a long run evenly, keeping epoch 0 and the latest epoch, within its memory budget', () => {
    const big = createWeights(64, 4096);
    const recorder = new CheckpointRecorder(big);
    expect(recorder.capacity).toBe(capacityFor(big));
    expect(recorder.capacity * checkpointValues(big)).toBeLessThanOrEqual(3_000_000);
    for (let epoch = 0; epoch <= 200; epoch++) {
      recorder.record(epoch, big);
      expect(recorder.checkpoints.length).toBeLessThanOrEqual(recorder.capacity);
      expect(recorder.checkpoints[0].epoch).toBe(0);
      expect(recorder.checkpoints.at(-1)!.epoch).toBe(epoch);
    }
    const epochs = recorder.checkpoints.map((c) => c.epoch);
    const gaps = new Set(epochs.slice(1, -1).map((e, i) => e - epochs[i]));
    expect(gaps.size).toBe(1);
    expect(recorder.stride).toBe([...gaps][0]);
  });

  it("keeps every epoch of Boris's size up to the checkpoint limit, then thins a 100,000-epoch run to it", () => {
    const boris = createWeights(16, 78);
    expect(capacityFor(boris)).toBe(997);
    const recorder = new CheckpointRecorder(createWeights(1, 3));
    for (let epoch = 0; epoch <= 100_000; epoch++) recorder.record(epoch, recorder.checkpoints[0]?.weights ?? createWeights(1, 3));
    expect(recorder.checkpoints.length).toBeLessThanOrEqual(MAX_CHECKPOINTS);
    expect(recorder.checkpoints.length).toBeGreaterThan(MAX_CHECKPOINTS / 2);
    expect(recorder.checkpoints.at(-1)!.epoch).toBe(100_000);
    expect(checkpointAt(recorder.checkpoints, 99_999)!.epoch).toBe(99_999 - (99_999 % recorder.stride));
    expect(checkpointAt([], 3)).toBeNull();
  });
});

describe("the word map of an epoch, in the plane of the model's own weights", () => {
  it('is the ordinary PCA map at the own weights, and moves the words at another epoch', () => {
    const { model } = trained(6);
    const own = embeddingMap(model.weights, model.vocabulary, 'pca');
    const same = embeddingMap(model.weights, model.vocabulary, 'pca', 1, model.weights);
    expect(same.points).toEqual(own.points);
    same.explainedVariance!.forEach((share, i) => expect(share).toBeCloseTo(own.explainedVariance![i], 12));
    const early = embeddingMap(model.training!.checkpoints[1].weights, model.vocabulary, 'pca', 1, model.weights);
    expect(early.points).not.toEqual(own.points);
    const shares = early.explainedVariance!;
    expect(shares[0] + shares[1]).toBeLessThanOrEqual(1 + 1e-12);
    expect(Math.min(...shares)).toBeGreaterThanOrEqual(0);
  });
});

describe('model file version 2', () => {
  it('keeps the checkpoints exactly, and writes the same bytes again', () => {
    const { model } = trained(4);
    const text = serializeModel(model);
    expect(text).toContain('"version": 2');
    expect(text).toContain('"checkpointEncoding": "float32-le-base64"');
    const back = parseModel(text);
    expect(back.training!.checkpoints.map((c) => c.epoch)).toEqual([0, 1, 2, 3, 4]);
    back.training!.checkpoints.forEach((c, i) => expectSameBits(c.weights, model.training!.checkpoints[i].weights));
    expectSameBits(back.weights, model.weights);
    expect(serializeModel(back)).toBe(text);
  });

  it('still reads version 1 files, with no checkpoints', () => {
    const v1 = parseModel(readFileSync(join(root, 'tests/fixtures/v1/boris-v1.slm.json'), 'utf8'));
    expect(v1.training!.history.length).toBeGreaterThan(10);
    expect(v1.training!.checkpoints).toEqual([]);
  });

  it('refuses hostile checkpoints with a message, before decoding them', () => {
    const { model } = trained(2);
    const file = JSON.parse(serializeModel(model));
    const edited = (edit: (checkpoints: { epoch: unknown; weights: unknown }[], training: Record<string, unknown>) => void) => {
      const copy = structuredClone(file);
      edit(copy.training.checkpoints, copy.training);
      return JSON.stringify(copy);
    };
    expectSlmError(() => parseModel(edited((c) => c.push(...Array.from({ length: 1001 }, () => c[0])))), 'format', /1,004 checkpoints; a model file of this size keeps at most 1,001/);
    expectSlmError(() => parseModel(edited((c) => (c[1].weights = String(c[1].weights).slice(4)))), 'format', /must be \d[\d,]* characters of base64/);
    expectSlmError(() => parseModel(edited((c) => (c[1].weights = '!' + String(c[1].weights).slice(1)))), 'format', /not valid base64/);
    expectSlmError(() => parseModel(edited((c) => (c[2].epoch = 1))), 'format', /above the one before it/);
    expectSlmError(() => parseModel(edited((c) => (c[2].epoch = 9))), 'format', /last epoch \(2\)/);
    expectSlmError(() => parseModel(edited((_, t) => (t.checkpointEncoding = 'float16'))), 'format', /checkpointEncoding/);
    expectSlmError(() => parseModel(edited((c) => (c[0] = null as never))), 'format', /must be an object/);
    // A NaN stored as float32: 0x7fc00000, little-endian, as the first value.
    const nan = edited((c) => {
      const bytes = Buffer.from(String(c[0].weights), 'base64');
      bytes.writeFloatLE(NaN, 0);
      c[0].weights = bytes.toString('base64');
    });
    expectSlmError(() => parseModel(nan), 'format', /NaN at value 0/);
  });

});
