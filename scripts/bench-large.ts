/**
 * The large model of the benchmark: V = 4,096 and E = 32, on a made-up corpus of 4,080 invented words
 * (tests/helpers/largeCorpus.ts), the size real text reaches. scripts/bench.ts measures its training
 * speed against the C reference and writes it, trained for an epoch, to dist/bench-large.slm.json, which
 * scripts/bench-renderer.mjs opens in the app to time opening it, its first drawn token and playing.
 */
import { writeFileSync } from 'node:fs';
import { serializeModel } from '../src-main/model/formats/slmJson.ts';
import { ORIGINAL_TEMPERATURE } from '../src-main/model/network/model.ts';
import { TRAINING_DEFAULTS } from '../src-main/model/training/setup.ts';
import { Trainer, trainingRecord } from '../src-main/model/training/training.ts';
import { largeCorpus } from '../tests/helpers/largeCorpus.ts';
import { type PreparedCorpus, prepareCorpus } from './bench-training-run.ts';

export const LARGE = { words: 4080, lines: 2000, embedding: 32, epochsPerRun: 2, repeats: 3 } as const;

export function largeBenchCorpus(): PreparedCorpus {
  return prepareCorpus(largeCorpus({ words: LARGE.words, lines: LARGE.lines }).text);
}

/** Trains the large model for one epoch and writes its model file; returns the seconds the epoch took. */
export function writeLargeModel(corpus: PreparedCorpus, path: string): number {
  const options = { embedding: LARGE.embedding, epochs: 1, learningRate: TRAINING_DEFAULTS.learningRate, seed: 1 };
  const began = performance.now();
  const trainer = new Trainer(corpus.lines, corpus.vocabulary, options);
  while (!trainer.done) trainer.runLines(1 << 30);
  const seconds = (performance.now() - began) / 1000;
  const name = `Large (V ${corpus.vocabulary.tokens.length}, E ${LARGE.embedding})`;
  writeFileSync(path, serializeModel({ name, vocabulary: corpus.vocabulary, weights: trainer.best, defaultTemperature: ORIGINAL_TEMPERATURE, training: trainingRecord(trainer, options, 'large.txt') }));
  return seconds;
}
