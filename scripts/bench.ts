/**
 * `npm run bench`: the engine's speed, with a naive implementation of the same maths as a baseline,
 * measured in one run so that ratios are fair on a shared, noisy machine. Prints one JSON object.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { step } from '../src-main/model/network/network.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { TRAINING_DEFAULTS, splitCorpus } from '../src-main/model/training/setup.ts';
import type { Vocabulary } from '../src-main/model/network/vocabulary.ts';
import { NaiveTrainer, naiveModel, naiveStep } from '../tests/reference/naive.ts';
import { explanationLatency } from './bench-explain.ts';
import { dynamicsLatency } from './bench-dynamics.ts';
import { prepareCorpus } from './bench-training-run.ts';
import { historyCosts } from './bench-history.ts';
import { LARGE, largeBenchCorpus, writeLargeModel } from './bench-large.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const seedData = join(root, '..', 'shared', 'seed-data');
const REPEATS = 5;
/** Epochs of each timed training run (ours and the C reference's). */
const RUN_EPOCHS = 20;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number, digits = 3): number => Number(value.toPrecision(digits + 3));

interface Corpus {
  name: string;
  /** E used for this corpus: 10 on the original's (as the original), 16 on Boris's (the size these rows have always been measured at; Boris himself has 24). */
  embedding: number;
  vocabulary: Vocabulary;
  lines: number[][];
  /** Epochs of each timed run and timed runs of each side, when not RUN_EPOCHS and REPEATS (the large model's are long). */
  epochs?: number;
  repeats?: number;
}

function loadCorpus(name: string, embedding: number, corpusPath: string, wordmapPath?: string): Corpus {
  const wordmap = wordmapPath ? JSON.parse(readFileSync(wordmapPath, 'utf8')) : undefined;
  return { name, embedding, ...prepareCorpus(readFileSync(corpusPath, 'utf8'), wordmap) };
}

/** A trainer at the corpus's E with the default learning rate and no sample lines. */
function trainerFor(corpus: Corpus, epochs: number, seed: number): Trainer {
  return new Trainer(corpus.lines, corpus.vocabulary, { embedding: corpus.embedding, epochs, learningRate: TRAINING_DEFAULTS.learningRate, seed, samplesPerEpoch: 0 });
}

function ourRun(corpus: Corpus, seed: number): number {
  const trainer = trainerFor(corpus, corpus.epochs ?? RUN_EPOCHS, seed);
  while (!trainer.done) trainer.runLines(1 << 30);
  return Math.round(trainer.tokensPerSecond);
}

/**
 * The C reference (scripts/bench-reference.c): written out with the corpus's training lines into a
 * temporary folder and compiled with `cc -O3 -march=native`. Null (with the reason) without a compiler.
 */
function buildReference(corpora: Corpus[]): { run(corpus: Corpus, seed: number): number; cleanUp(): void } | { skipped: string } {
  const folder = mkdtempSync(join(tmpdir(), 'slm-bench-c-'));
  const source = join(folder, 'reference.c');
  const binary = join(folder, 'reference');
  writeFileSync(source, readFileSync(join(root, 'scripts', 'bench-reference.c')));
  const compiler = process.env.CC ?? 'cc';
  const built = spawnSync(compiler, ['-O3', '-march=native', '-o', binary, source, '-lm'], { encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    rmSync(folder, { recursive: true, force: true });
    return { skipped: `no working C compiler (${compiler}): ${built.error?.message ?? built.stderr.trim().slice(0, 200)}` };
  }
  for (const corpus of corpora) {
    const { train } = splitCorpus(corpus.lines);
    const text = `${corpus.vocabulary.tokens.length} ${train.length}\n${train.map((line) => [line.length, ...line].join(' ')).join('\n')}\n`;
    writeFileSync(join(folder, `${corpus.name}.txt`), text);
  }
  return {
    run(corpus, seed) {
      const args = [join(folder, `${corpus.name}.txt`), String(corpus.embedding), String(corpus.epochs ?? RUN_EPOCHS), String(TRAINING_DEFAULTS.learningRate), String(seed)];
      const ran = spawnSync(binary, args, { encoding: 'utf8' });
      if (ran.status !== 0) throw new Error(`the C reference failed: ${ran.stderr}`);
      return Math.round(JSON.parse(ran.stdout).tokensPerSecond);
    },
    cleanUp: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** Ours and the C reference, interleaved run by run so that both see the same machine. */
function trainingSpeed(corpus: Corpus, reference: ReturnType<typeof buildReference>) {
  // One untimed run of each first, so that the timed ones measure compiled code and warm caches.
  ourRun(corpus, 99);
  if ('run' in reference) reference.run(corpus, 99);
  const ours: number[] = [];
  const c: number[] = [];
  for (let r = 0; r < (corpus.repeats ?? REPEATS); r++) {
    ours.push(ourRun(corpus, r + 1));
    if ('run' in reference) c.push(reference.run(corpus, r + 1));
  }
  const result = { tokensPerSecond: median(ours), runs: ours };
  if (!('run' in reference)) return { ...result, cReference: { skipped: reference.skipped } };
  return { ...result, cReference: { tokensPerSecond: median(c), runs: c, ratio: round(median(ours) / median(c)) } };
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
  const E = weights.embeddingSize;
  const batch = 2000;
  const engine: number[] = [];
  const baseline: number[] = [];
  for (let r = 0; r < 25; r++) {
    let context: Float64Array = new Float64Array(E);
    let t0 = performance.now();
    for (let i = 0; i < batch; i++) context = step(weights, i % weights.vocabularySize, context, 0.5).h2;
    engine.push(((performance.now() - t0) * 1000) / batch);
    let naiveContext = new Array<number>(E).fill(0);
    t0 = performance.now();
    for (let i = 0; i < batch; i++) naiveContext = naiveStep(naive, i % weights.vocabularySize, naiveContext).h2;
    baseline.push(((performance.now() - t0) * 1000) / batch);
  }
  return { engine: median(engine), naive: median(baseline) };
}

/** 1000 epochs, held-out evaluation after each included: whole runs, the median of three. */
function thousandEpochs(corpus: Corpus): { seconds: number; runs: number[]; bestEpoch: number; bestHeldOutAccuracy: number } {
  const runs: number[] = [];
  let trainer: Trainer | null = null;
  for (let r = 0; r < 3; r++) {
    const began = performance.now();
    trainer = trainerFor(corpus, 1000, 1);
    while (!trainer.done) trainer.runLines(1 << 30);
    runs.push(round((performance.now() - began) / 1000));
  }
  return {
    seconds: median(runs),
    runs,
    bestEpoch: trainer!.bestEpoch,
    bestHeldOutAccuracy: round(trainer!.history[trainer!.bestEpoch].testAccuracy),
  };
}

/** The original's training (scripts/bench-original.py, numpy) per epoch, when python3 with numpy is here. */
function originalPerEpoch(): { secondsPerEpoch: number; runs: number[] } | { skipped: string } {
  const ran = spawnSync('python3', [join(root, 'scripts', 'bench-original.py'), seedData, '3'], { encoding: 'utf8' });
  if (ran.error) return { skipped: `python3 is not available (${ran.error.message})` };
  if (ran.status !== 0) {
    const why = /No module named .?numpy/.test(ran.stderr) ? 'python3 has no numpy' : `the script failed: ${ran.stderr.trim().slice(-200)}`;
    return { skipped: why };
  }
  const out = JSON.parse(ran.stdout);
  return { secondsPerEpoch: round(out.medianSecondsPerEpoch), runs: out.seconds.map((s: number) => round(s)) };
}

/**
 * `node dist/bench.js --large`: only the large model (V = 4,096, E = 32): its training speed against the
 * C reference, and its model file written for the renderer's benchmark (`bench-renderer.mjs --large`).
 * `npm run bench` runs it after everything else.
 */
function largeModelRow(): Record<string, unknown> {
  const corpus: Corpus = { name: 'large', embedding: LARGE.embedding, ...largeBenchCorpus(), epochs: LARGE.epochsPerRun, repeats: LARGE.repeats };
  const reference = buildReference([corpus]);
  try {
    const speed = trainingSpeed(corpus, reference);
    const modelFile = join(root, 'dist', 'bench-large.slm.json');
    const epochSeconds = writeLargeModel(corpus, modelFile);
    return {
      lines: corpus.lines.length,
      tokens: corpus.lines.reduce((sum, line) => sum + line.length + 1, 0),
      vocabulary: corpus.vocabulary.tokens.length,
      embedding: corpus.embedding,
      epochsPerRun: LARGE.epochsPerRun,
      ...speed,
      oneEpochWithEvaluationSeconds: round(epochSeconds),
      modelFile,
    };
  } finally {
    if ('cleanUp' in reference) reference.cleanUp();
  }
}

if (process.argv.includes('--large')) {
  console.log(JSON.stringify({ machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model }, largeModel: largeModelRow() }, null, 2));
  process.exit(0);
}

const corpora: Corpus[] = [loadCorpus('boris', 16, join(root, 'resources', 'corpus', 'boris.txt'))];
const hasOriginal = existsSync(join(seedData, 'sentences.txt')) && existsSync(join(seedData, 'wordmap.json'));
if (hasOriginal) corpora.unshift(loadCorpus('original', 10, join(seedData, 'sentences.txt'), join(seedData, 'wordmap.json')));

const reference = buildReference(corpora);
const training: Record<string, ReturnType<typeof trainingSpeed> & Record<string, unknown>> = {};
for (const corpus of corpora) {
  const speed = trainingSpeed(corpus, reference);
  const naive = naiveTrainingSpeed(corpus);
  training[corpus.name] = {
    lines: corpus.lines.length,
    vocabulary: corpus.vocabulary.tokens.length,
    embedding: corpus.embedding,
    epochsPerRun: RUN_EPOCHS,
    ...speed,
    naiveTokensPerSecond: naive.tokensPerSecond,
    naiveRuns: naive.runs,
    naiveSpeedup: round(speed.tokensPerSecond / naive.tokensPerSecond),
  };
}
if ('cleanUp' in reference) reference.cleanUp();
const main = corpora[0];
const latency = stepLatency(main);
const long = thousandEpochs(main);
const explanations = await explanationLatency(root);
const dynamics = await dynamicsLatency(root);
const history = historyCosts(root, corpora[corpora.length - 1]);
const largeModel = largeModelRow();
const original = hasOriginal ? originalPerEpoch() : { skipped: 'the original corpus (../shared/seed-data) is missing' };
const oursPerEpoch = long.seconds / 1000;

const cRatio = (training[main.name].cReference as { ratio?: number }).ratio;
const boris = training.boris.tokensPerSecond;
const targets = {
  '1 cReference': cRatio === undefined ? { skipped: (training[main.name].cReference as { skipped: string }).skipped } : { corpus: main.name, target: 1.0, ratio: cRatio, met: cRatio >= 1.0 },
  '2a thousandEpochsSeconds': hasOriginal ? { target: 3, measured: long.seconds, met: long.seconds <= 3 } : { skipped: 'the original corpus is missing' },
  '2b vsOriginalPerEpoch':
    'secondsPerEpoch' in original
      ? { target: 200, originalSecondsPerEpoch: original.secondsPerEpoch, oursSecondsPerEpoch: round(oursPerEpoch), ratio: round(original.secondsPerEpoch / oursPerEpoch), met: original.secondsPerEpoch / oursPerEpoch >= 200 }
      : original,
  '3 borisTokensPerSecond': { target: 600_000, measured: boris, met: boris >= 600_000 },
  '4 browserWorker': 'measured by the renderer benchmark below (scripts/bench-renderer.mjs)',
};

console.log(
  JSON.stringify(
    {
      machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model },
      note: hasOriginal ? undefined : 'the original corpus (../shared/seed-data) is missing; measured on Boris only',
      training,
      generationStepMicroseconds: { engine: round(latency.engine), naive: round(latency.naive), speedup: round(latency.naive / latency.engine) },
      thousandEpochs: { corpus: main.name, embedding: main.embedding, ...long },
      original,
      explanationRequestsMs: explanations,
      dynamicsMs: dynamics,
      history,
      largeModel,
      targets,
    },
    null,
    2,
  ),
);
