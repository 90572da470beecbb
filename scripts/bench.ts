/**
 * `npm run bench`: the engine's speed, with a naive implementation of the same maths as a baseline,
 * measured in one run so that ratios are fair on a shared, noisy machine. Prints one JSON object.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { step } from '../src-main/model/network.ts';
import { tokenizeCorpus } from '../src-main/model/tokenizer.ts';
import { TRAINING_DEFAULTS, Trainer } from '../src-main/model/training.ts';
import { type Vocabulary, buildVocabulary, encode, vocabularyFromWordmap } from '../src-main/model/vocabulary.ts';
import { NaiveTrainer, naiveModel, naiveStep } from '../tests/reference/naive.ts';
import { explanationLatency } from './bench-explain.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const seedData = join(root, '..', 'shared', 'seed-data');
const E = 10;
const REPEATS = 5;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number, digits = 3): number => Number(value.toPrecision(digits + 3));

interface Corpus {
  name: string;
  vocabulary: Vocabulary;
  lines: number[][];
}

function loadCorpus(name: string, corpusPath: string, wordmapPath?: string): Corpus {
  const tokens = tokenizeCorpus(readFileSync(corpusPath, 'utf8'));
  const vocabulary = wordmapPath ? vocabularyFromWordmap(JSON.parse(readFileSync(wordmapPath, 'utf8'))) : buildVocabulary(tokens);
  return { name, vocabulary, lines: tokens.map((line) => encode(vocabulary, line)) };
}

/** A trainer at E = 10 with the default learning rate and no sample lines. */
function trainerFor(corpus: Corpus, epochs: number, seed: number): Trainer {
  return new Trainer(corpus.lines, corpus.vocabulary, { embedding: E, epochs, learningRate: TRAINING_DEFAULTS.learningRate, seed, samplesPerEpoch: 0 });
}

/** Median training tokens per second over several short runs (held-out evaluation time excluded). */
function trainingSpeed(corpus: Corpus, epochs: number): { tokensPerSecond: number; runs: number[] } {
  const runs: number[] = [];
  // One untimed run first, so that the timed ones measure compiled code, not the JIT warming up.
  const warmUp = trainerFor(corpus, 3, 99);
  while (!warmUp.done) warmUp.runLines(1 << 30);
  for (let r = 0; r < REPEATS; r++) {
    const trainer = trainerFor(corpus, epochs, r + 1);
    while (!trainer.done) trainer.runLines(1 << 30);
    runs.push(Math.round(trainer.tokensPerSecond));
  }
  return { tokensPerSecond: median(runs), runs };
}

function naiveTrainingSpeed(corpus: Corpus): { tokensPerSecond: number; runs: number[] } {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const start = trainerFor(corpus, 1, r + 1);
    const naive = new NaiveTrainer(naiveModel(start.weights), TRAINING_DEFAULTS.learningRate);
    const began = performance.now();
    let tokens = 0;
    for (const line of start.split.train) {
      naive.trainLine(line);
      tokens += line.length + 1;
    }
    runs.push(Math.round((tokens * 1000) / (performance.now() - began)));
  }
  return { tokensPerSecond: median(runs), runs };
}

/** Median microseconds of one generation step (embedding, context, next-token distribution). */
function stepLatency(corpus: Corpus): { engine: number; naive: number } {
  const trainer = trainerFor(corpus, 1, 1);
  const weights = trainer.weights;
  const naive = naiveModel(weights);
  const batch = 2000;
  const engine: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < 25; r++) {
    let context: Float64Array = new Float64Array(E);
    let t0 = performance.now();
    for (let i = 0; i < batch; i++) context = step(weights, i % weights.vocabulary, context, 0.5).context;
    engine.push(((performance.now() - t0) * 1000) / batch);
    let naiveContext = new Array<number>(E).fill(0);
    t0 = performance.now();
    for (let i = 0; i < batch; i++) naiveContext = naiveStep(naive, i % weights.vocabulary, naiveContext).h2;
    baseline.push(((performance.now() - t0) * 1000) / batch);
  }
  return { engine: median(engine), naive: median(baseline) };
}

function thousandEpochs(corpus: Corpus): { seconds: number; bestEpoch: number; bestHeldOutAccuracy: number } {
  const began = performance.now();
  const trainer = trainerFor(corpus, 1000, 1);
  while (!trainer.done) trainer.runLines(1 << 30);
  return {
    seconds: round((performance.now() - began) / 1000),
    bestEpoch: trainer.bestEpoch,
    bestHeldOutAccuracy: round(trainer.history[trainer.bestEpoch].testAccuracy),
  };
}

const corpora: Corpus[] = [loadCorpus('boris', join(root, 'resources', 'corpus', 'boris.txt'))];
const hasOriginal = existsSync(join(seedData, 'sentences.txt')) && existsSync(join(seedData, 'wordmap.json'));
if (hasOriginal) corpora.unshift(loadCorpus('original', join(seedData, 'sentences.txt'), join(seedData, 'wordmap.json')));

const main = corpora[0];
const training: Record<string, unknown> = {};
for (const corpus of corpora) {
  const engine = trainingSpeed(corpus, 20);
  const naive = naiveTrainingSpeed(corpus);
  training[corpus.name] = {
    lines: corpus.lines.length,
    vocabulary: corpus.vocabulary.tokens.length,
    tokensPerSecond: engine.tokensPerSecond,
    runs: engine.runs,
    naiveTokensPerSecond: naive.tokensPerSecond,
    naiveRuns: naive.runs,
    speedup: round(engine.tokensPerSecond / naive.tokensPerSecond),
  };
}
const latency = stepLatency(main);
const long = thousandEpochs(main);
const mainSpeed = (training[main.name] as { tokensPerSecond: number }).tokensPerSecond;
const explanations = await explanationLatency(root);

console.log(
  JSON.stringify(
    {
      machine: { node: process.version, cpus: (await import('node:os')).cpus().length },
      embedding: E,
      note: hasOriginal ? undefined : 'the original corpus (../shared/seed-data) is missing; measured on Boris only',
      training,
      generationStepMicroseconds: { engine: round(latency.engine), naive: round(latency.naive), speedup: round(latency.naive / latency.engine) },
      thousandEpochs: { corpus: main.name, ...long },
      explanationRequestsMs: explanations,
      targets: {
        trainingTokensPerSecond: { target: 500_000, measured: mainSpeed, met: mainSpeed >= 500_000 },
        thousandEpochsSeconds: { target: 10, measured: long.seconds, met: long.seconds < 10 },
      },
    },
    null,
    2,
  ),
);
