import { adamStepSize } from './adam.ts';
import { SlmError, inputError } from '../network/errors.ts';
import { type Weights, cloneWeights, copyWeightsInto } from '../network/network.ts';
import { createRng, shuffle, type Rng } from '../network/rng.ts';
import { BOUNDARY, type CappedVocabulary, type Vocabulary, capCounts } from '../network/vocabulary.ts';
import { VOCABULARY_CAP } from '../network/limits.ts';
import { generateLineSteps } from '../network/generation.ts';
import { evaluateLinesSteps } from './evaluation.ts';
import type { Sliced } from '../network/slices.ts';
import { KernelPass } from '../kernel/linePass.ts';
import { type LinesEvaluation, evaluateLines } from './evaluation.ts';
import type { Checkpoint, TrainingRecord } from '../network/model.ts';
import { CheckpointRecorder } from './checkpoints.ts';
import { type CorpusSplit, TRAINING_DEFAULTS, type TrainingOptions, initialWeights, splitCorpus, validateOptions } from './setup.ts';

const SAMPLE_TEMPERATURE = 0.5;

export interface EpochReport {
  /** 0 is the untrained model, measured before the first update. */
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
  /** Wall-clock seconds this epoch took. */
  seconds: number;
  samples: string[];
}

export type TrainerStatus = 'running' | 'completed' | 'stopped' | 'diverged';

/**
 * Trains step by step so that a host can interleave other work: `runLines(n)` trains up to n lines and
 * returns the epochs it finished. The best epoch (highest held-out accuracy, then lowest held-out loss)
 * is kept in `best`; a NaN or Inf stops the run with status 'diverged' and `best` untouched.
 */
export class Trainer {
  readonly weights: Weights;
  readonly best: Weights;
  readonly history: EpochReport[] = [];
  readonly split: CorpusSplit;
  readonly epochs: number;
  bestEpoch = 0;
  status: TrainerStatus = 'running';
  error: SlmError | null = null;

  private readonly vocabulary: Vocabulary;
  private readonly learningRate: number;
  private readonly clipNorm: number;
  private readonly samplesPerEpoch: number;
  private readonly carryContext: number;
  /** Decides which lines start from a carried context; its own stream, so 0 changes nothing. */
  private readonly carryRng: Rng;
  private readonly seed: number;
  private readonly rng: Rng;
  private readonly pass: KernelPass;
  /** The weights after every epoch (thinned evenly for long runs; see checkpoints.ts). */
  private readonly recorder: CheckpointRecorder;
  /** Adam steps taken, for its bias correction. */
  private adamSteps = 0;
  private order: number[] = [];
  private position = 0;
  private epochLoss = 0;
  private epochPredictions = 0;
  private epochStarted = 0;
  private tokensTrained = 0;
  private trainingMs = 0;
  /** Time spent on held-out evaluation and samples, left out of the tokens-per-second figure. */
  private evaluationMs = 0;
  /**
   * The end of an epoch under way (its held-out evaluation and samples), in pieces: `runLines`
   * takes one piece for each line it may still train, so an epoch's end never holds up a host that
   * trains in slices.
   */
  private ending: Sliced<EpochReport | null> | null = null;
  /** The measuring of epoch 0 under way (with `deferStart`): the next line, and sums for train and test. */
  private starting: { next: number; began: number; sums: { loss: number; correct: number; predictions: number }[] } | null = null;

  constructor(lines: readonly number[][], vocabulary: Vocabulary, options: TrainingOptions) {
    validateOptions(options);
    const V = vocabulary.tokens.length;
    for (const line of lines) {
      for (const token of line) {
        if (!(token >= 0 && token < V)) throw inputError(`a corpus token row ${token} is outside the vocabulary of ${V} tokens`);
      }
    }
    this.vocabulary = vocabulary;
    this.split = splitCorpus(lines, options.heldOutFraction);
    this.epochs = options.epochs;
    this.learningRate = options.learningRate;
    this.clipNorm = options.clipNorm ?? TRAINING_DEFAULTS.clipNorm;
    this.samplesPerEpoch = options.samplesPerEpoch ?? TRAINING_DEFAULTS.samplesPerEpoch;
    this.seed = options.seed;
    this.carryContext = options.carryContext ?? 0;
    this.carryRng = createRng((options.seed ^ 0x2545f491) >>> 0);
    const start = options.initialWeights ?? initialWeights(options.embedding, V, options.seed, options.contextIdentity ?? 0);
    if (start.embeddingSize !== options.embedding || start.vocabularySize !== V) {
      throw inputError(`the starting weights are for E = ${start.embeddingSize}, V = ${start.vocabularySize}, not E = ${options.embedding}, V = ${V}`);
    }
    const longest = lines.reduce((most, line) => Math.max(most, line.length), 0) + 1;
    this.pass = kernelFor(start, longest, this.split.train);
    this.weights = this.pass.weights;
    this.best = cloneWeights(start);
    this.recorder = new CheckpointRecorder(start);
    // The shuffle has its own stream, so that changing the initialisation never changes the order.
    this.rng = createRng((options.seed ^ 0x5bd1e995) >>> 0);
    this.starting = { next: 0, began: now(), sums: [0, 1].map(() => ({ loss: 0, correct: 0, predictions: 0 })) };
    if (!options.deferStart) {
      this.measureStart(Infinity);
      this.continueEnding(Infinity);
    }
  }

  /**
   * Measures the untrained weights on up to `maxLines` more lines (the training lines, then the
   * held-out ones, in order, as `evaluate` does); records epoch 0 and starts epoch 1 after the last.
   */
  private measureStart(maxLines: number): void {
    const starting = this.starting!;
    const { train, test } = this.split;
    for (let n = 0; n < maxLines && starting.next < train.length + test.length; n++, starting.next++) {
      const held = starting.next >= train.length;
      const line = held ? test[starting.next - train.length] : train[starting.next];
      const sums = starting.sums[held ? 1 : 0];
      const steps = line.length + 1;
      sums.loss += this.pass.forward(line) * steps;
      sums.correct += this.pass.correctPredictions(line);
      sums.predictions += steps;
    }
    if (starting.next < train.length + test.length) return;
    this.starting = null;
    this.ending = this.startEnding(starting);
  }

  /** Records epoch 0 once its lines are measured: its samples (one piece each), then its checkpoint. */
  private *startEnding(starting: NonNullable<Trainer['starting']>): Sliced<null> {
    const [trainSums, testSums] = starting.sums;
    const trainLoss = trainSums.loss / trainSums.predictions;
    const testLoss = testSums.loss / testSums.predictions;
    const samples = yield* this.samplesSteps(0);
    this.history.push({
      epoch: 0,
      trainLoss,
      testLoss,
      testAccuracy: testSums.correct / testSums.predictions,
      seconds: (now() - starting.began) / 1000,
      samples,
    });
    this.recorder.record(0, this.weights);
    if (!Number.isFinite(trainLoss) || !Number.isFinite(testLoss)) {
      this.diverge('the starting weights already give a loss that is not a finite number');
    }
    this.beginEpoch();
    return null;
  }

  /** Takes up to `maxPieces` pieces of the epoch's end under way; returns its report when it is done. */
  private continueEnding(maxPieces: number): { pieces: number; done: boolean; report: EpochReport | null } {
    let pieces = 0;
    while (this.ending && pieces < maxPieces) {
      const began = now();
      const next = this.ending.next();
      this.evaluationMs += now() - began;
      pieces++;
      if (next.done) {
        this.ending = null;
        return { pieces, done: true, report: next.value };
      }
    }
    return { pieces, done: this.ending === null, report: null };
  }

  /** The weights after epoch 0, 1, ... as float32 values; evenly thinned when a long run would not fit. */
  get checkpoints(): readonly Checkpoint[] {
    return this.recorder.checkpoints;
  }

  /** Completed epochs (0 while epoch 0 is still being measured). */
  get epoch(): number {
    return Math.max(0, this.history.length - 1);
  }

  get linesPerEpoch(): number {
    return this.split.train.length;
  }

  /** Share of the whole run done, from 0 to 1. */
  get progress(): number {
    return Math.min(1, (this.epoch * this.linesPerEpoch + this.position) / (this.epochs * this.linesPerEpoch));
  }

  /** Training tokens (network steps with a weight update behind them) per second of training time. */
  get tokensPerSecond(): number {
    return this.trainingMs > 0 ? (this.tokensTrained * 1000) / this.trainingMs : 0;
  }

  /** True once the run has stopped and the end of its last epoch, if one was under way, is recorded. */
  get done(): boolean {
    return this.status !== 'running' && this.ending === null;
  }

  /** Stops between lines; the best weights so far stay in `best`. */
  stop(): void {
    if (this.status === 'running') this.status = 'stopped';
  }

  /** Trains up to `maxLines` lines; returns the epochs that ended during the call. */
  runLines(maxLines: number): EpochReport[] {
    if (this.starting) {
      if (this.status === 'running') this.measureStart(maxLines);
      return [];
    }
    const finished: EpochReport[] = [];
    const started = now();
    const evaluationBefore = this.evaluationMs;
    let tokens = 0;
    const slots = this.pass.corpus!;
    // Lines train in slices of the epoch inside the kernel: the step sizes and carry choices for a
    // slice are worked out here first, in line order, exactly as they would be line by line.
    for (let n = 0; n < maxLines && (this.status === 'running' || this.ending); ) {
      if (this.ending) {
        const ended = this.continueEnding(maxLines - n);
        n += ended.pieces;
        if (ended.report) finished.push(ended.report);
        continue;
      }
      const from = this.position;
      const count = Math.min(maxLines - n, this.order.length - from);
      for (let slot = from; slot < from + count; slot++) {
        this.adamSteps++;
        slots.stepSizes[slot] = adamStepSize(this.learningRate, this.adamSteps);
        slots.carry[slot] = this.carryContext > 0 && this.carryRng.next() < this.carryContext ? 1 : 0;
      }
      const trained = this.pass.trainSlots(from, count, this.clipNorm);
      for (let slot = from; slot < from + trained; slot++) {
        const steps = this.split.train[this.order[slot]].length + 1;
        tokens += steps;
        this.epochLoss += slots.losses[slot] * steps;
        this.epochPredictions += steps;
      }
      this.position += trained;
      n += trained;
      if (trained < count) {
        this.adamSteps -= count - trained - 1;
        const loss = slots.losses[this.position];
        const norm = this.pass.lastGradientNorm();
        const what = Number.isFinite(loss) ? `the gradient became ${norm}` : `the loss became ${loss}`;
        this.diverge(`${what} at epoch ${this.epoch + 1}, line ${this.position + 1}`);
        break;
      }
      if (this.position === this.order.length) this.ending = this.endEpochSteps();
    }
    this.tokensTrained += tokens;
    this.trainingMs += now() - started - (this.evaluationMs - evaluationBefore);
    return finished;
  }

  /** Loss and accuracy over lines, each fed as [boundary, tokens..., boundary]. */
  evaluate(lines: readonly number[][], weights: Weights = this.weights): LinesEvaluation {
    return evaluateLines(weights === this.weights ? this.pass : kernelFor(weights, this.pass.capacity), lines);
  }

  private beginEpoch(): void {
    this.order = shuffle(Array.from({ length: this.split.train.length }, (_, i) => i), this.rng);
    this.pass.corpus!.order.set(this.order);
    this.position = 0;
    this.epochLoss = 0;
    this.epochPredictions = 0;
    this.epochStarted = now();
  }

  /** The end of an epoch, in pieces (a few held-out lines, or one sample's tokens, each). */
  private *endEpochSteps(): Sliced<EpochReport | null> {
    const test = yield* evaluateLinesSteps(this.pass, this.split.test, undefined, 4);
    const epoch = this.epoch + 1;
    if (!Number.isFinite(test.loss)) {
      this.diverge(`the held-out loss became ${test.loss} after epoch ${epoch}`);
      return null;
    }
    const report = {
      epoch,
      trainLoss: this.epochLoss / this.epochPredictions,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      seconds: 0,
      samples: yield* this.samplesSteps(epoch),
    };
    const best = this.history[this.bestEpoch];
    if (report.testAccuracy > best.testAccuracy || (report.testAccuracy === best.testAccuracy && report.testLoss < best.testLoss)) {
      this.bestEpoch = epoch;
      copyWeightsInto(this.best, this.weights);
    }
    const end = now();
    report.seconds = (end - this.epochStarted) / 1000;
    this.history.push(report);
    this.recorder.record(epoch, this.weights);
    if (epoch >= this.epochs) this.status = 'completed';
    else this.beginEpoch();
    return report;
  }

  /** The sample lines written after an epoch, in pieces of 16 tokens. */
  private *samplesSteps(epoch: number): Sliced<string[]> {
    const rng = createRng((this.seed * 7919 + epoch) >>> 0);
    const lines: string[] = [];
    for (let i = 0; i < this.samplesPerEpoch; i++) {
      const steps = generateLineSteps(this.weights, this.vocabulary, [BOUNDARY], { temperature: SAMPLE_TEMPERATURE, rng });
      for (let written = 1; ; written++) {
        const next = steps.next();
        if (next.done) {
          lines.push(next.value.text);
          break;
        }
        if (written % 16 === 0) yield;
      }
    }
    return lines;
  }

  private diverge(what: string): void {
    this.status = 'diverged';
    const bestReport = this.history[this.bestEpoch];
    this.error = new SlmError(
      'training',
      `training diverged: ${what}. Try a smaller learning rate than ${this.learningRate}. ` +
        `The best weights so far (epoch ${this.bestEpoch}, held-out accuracy ${(bestReport.testAccuracy * 100).toFixed(1)}%) are kept.`,
    );
    copyWeightsInto(this.weights, this.best);
  }
}

function now(): number {
  return performance.now();
}

/** Exposed for the gradient check in the tests: the mean loss of one line and its gradients. */
export function lineLossAndGradients(weights: Weights, line: readonly number[]): { loss: number; gradients: Weights } {
  const pass = kernelFor(weights, line.length + 1);
  const loss = pass.forward(line);
  pass.backward(line);
  return { loss, gradients: cloneWeights(pass.gradients) };
}

/** A kernel holding a copy of `weights`, for lines of up to `capacity` steps (and `corpus`, to train on). */
function kernelFor(weights: Weights, capacity: number, corpus?: readonly number[][]): KernelPass {
  const pass = new KernelPass(weights.embeddingSize, weights.vocabularySize, capacity, corpus);
  copyWeightsInto(pass.weights, weights);
  return pass;
}

/** What a model file keeps of a finished run; `capped` is how its vocabulary was built, when from the corpus under a cap. */
export function trainingRecord(trainer: Trainer, options: TrainingOptions, corpus: string, capped?: CappedVocabulary): TrainingRecord {
  const cap = capped ? capCounts(capped) : null;
  return {
    corpus,
    seed: options.seed,
    epochs: options.epochs,
    learningRate: options.learningRate,
    heldOutFraction: options.heldOutFraction ?? TRAINING_DEFAULTS.heldOutFraction,
    carryContext: options.carryContext ?? 0,
    contextIdentity: options.contextIdentity ?? 0,
    clipNorm: options.clipNorm ?? TRAINING_DEFAULTS.clipNorm,
    maxVocabulary: capped?.cap ?? VOCABULARY_CAP.default,
    ...(cap && cap.dropped > 0 ? { droppedWords: cap.dropped, droppedShare: cap.share } : {}),
    bestEpoch: trainer.bestEpoch,
    history: trainer.history.map(({ epoch, trainLoss, testLoss, testAccuracy }) => ({ epoch, trainLoss, testLoss, testAccuracy })),
    checkpoints: [...trainer.checkpoints],
  };
}
