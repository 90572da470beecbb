/**
 * One training run for the benchmark, the same code in Node and in a browser's Web Worker: tokenize a
 * corpus, build (or take) its vocabulary, train with the engine's Trainer and report its training
 * tokens per second (held-out evaluation left out, as the Trainer counts it). No Node or DOM import.
 * scripts/bench.ts calls it directly; scripts/bench-renderer.mjs bundles it for Node and for a worker.
 */
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { type Vocabulary, buildVocabulary, encode, vocabularyFromWordmap } from '../src-main/model/network/vocabulary.ts';

export interface TrainingRunRequest {
  corpus: string;
  /** The original's `{token: row}`; without it the vocabulary is built from the corpus. */
  wordmap?: Record<string, number>;
  embedding: number;
  epochs: number;
  learningRate: number;
  seed: number;
}

export interface TrainingRunResult {
  tokensPerSecond: number;
  /** Wall-clock seconds of the whole run, held-out evaluation included. */
  seconds: number;
  bestHeldOutAccuracy: number;
  bestEpoch: number;
}

export interface PreparedCorpus {
  vocabulary: Vocabulary;
  lines: number[][];
}

export function prepareCorpus(text: string, wordmap?: Record<string, number>): PreparedCorpus {
  const tokens = tokenizeCorpus(text);
  const vocabulary = wordmap ? vocabularyFromWordmap(wordmap) : buildVocabulary(tokens);
  return { vocabulary, lines: tokens.map((line) => encode(vocabulary, line)) };
}

export function trainOn(corpus: PreparedCorpus, request: Omit<TrainingRunRequest, 'corpus' | 'wordmap'>): TrainingRunResult {
  const began = performance.now();
  const trainer = new Trainer(corpus.lines, corpus.vocabulary, {
    embedding: request.embedding,
    epochs: request.epochs,
    learningRate: request.learningRate,
    seed: request.seed,
    samplesPerEpoch: 0,
  });
  while (!trainer.done) trainer.runLines(1 << 30);
  return {
    tokensPerSecond: Math.round(trainer.tokensPerSecond),
    seconds: (performance.now() - began) / 1000,
    bestHeldOutAccuracy: trainer.history[trainer.bestEpoch].testAccuracy,
    bestEpoch: trainer.bestEpoch,
  };
}

export function trainingRun(request: TrainingRunRequest): TrainingRunResult {
  return trainOn(prepareCorpus(request.corpus, request.wordmap), request);
}
