import { SlmError, inputError } from './errors.ts';
import { type Weights, cloneWeights, copyWeightsInto, createWeights } from './network.ts';
import { createRng, shuffle, type Rng } from './rng.ts';
import { BOUNDARY, type Vocabulary } from './vocabulary.ts';
import { generateLine } from './generation.ts';
import type { TrainingRecord } from './model.ts';

/**
 * Training: full back-propagation through time over each line, cross-entropy loss (the mean over the
 * line's predictions), gradient-norm clipping, then one Adam step per line. Initialisation and the
 * per-epoch shuffle come from the seed, so the same seed gives the same weights bit for bit.
 */
export interface TrainingOptions {
  embedding: number;
  epochs: number;
  learningRate: number;
  seed: number;
  /** Gradients whose overall norm is larger are scaled down to this norm. */
  clipNorm?: number;
  /** Share of the corpus's last lines held out for testing; the first floor((1 - f) n) lines train. */
  heldOutFraction?: number;
  /** Sample lines written after each epoch. */
  samplesPerEpoch?: number;
  /** Start from these weights instead of a seeded initialisation (sizes must match). */
  initialWeights?: Weights;
  /**
   * Start each training line from the context the previous line (in shuffled order) ended with,
   * instead of zeros, without back-propagating into it. A model trained so keeps answering well when
   * a chat carries its context from turn to turn. Held-out evaluation always starts from zeros.
   */
  carryContext?: boolean;
}

export const TRAINING_DEFAULTS = {
  embedding: 10,
  epochs: 200,
  learningRate: 0.01,
  seed: 1,
  clipNorm: 5,
  heldOutFraction: 0.1,
  samplesPerEpoch: 3,
} as const;

const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;
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

export interface CorpusSplit {
  train: number[][];
  test: number[][];
}

/** The first floor((1 - heldOutFraction) n) lines train; the rest are held out. */
export function splitCorpus(lines: readonly number[][], heldOutFraction: number = TRAINING_DEFAULTS.heldOutFraction): CorpusSplit {
  if (lines.length < 2) {
    throw inputError(`the corpus needs at least 2 lines with words in them (one to train on, one to test on); it has ${lines.length}`);
  }
  const trainCount = Math.min(lines.length - 1, Math.max(1, Math.floor((1 - heldOutFraction) * lines.length + 1e-9)));
  return { train: lines.slice(0, trainCount), test: lines.slice(trainCount) };
}

/** Seeded uniform initialisation, scaled by each matrix's fan-in. */
export function initialWeights(embedding: number, vocabulary: number, seed: number): Weights {
  const weights = createWeights(embedding, vocabulary);
  const rng = createRng(seed);
  const fill = (matrix: Float64Array, scale: number) => {
    for (let i = 0; i < matrix.length; i++) matrix[i] = (rng.next() * 2 - 1) * scale;
  };
  fill(weights.w0, 1);
  fill(weights.w1, 1 / Math.sqrt(2 * embedding));
  fill(weights.w2, 1 / Math.sqrt(embedding));
  return weights;
}

/** Loss and next-token accuracy of a set of lines, forward only. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  predictions: number;
}

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
  private readonly carryContext: boolean;
  private readonly seed: number;
  private readonly rng: Rng;
  private readonly pass: LinePass;
  private readonly adam: Adam;
  private order: number[] = [];
  private position = 0;
  private epochLoss = 0;
  private epochPredictions = 0;
  private epochStarted = 0;
  private tokensTrained = 0;
  private trainingMs = 0;
  /** Time spent on held-out evaluation and samples, left out of the tokens-per-second figure. */
  private evaluationMs = 0;

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
    this.carryContext = options.carryContext ?? false;
    if (options.initialWeights) {
      const w = options.initialWeights;
      if (w.embedding !== options.embedding || w.vocabulary !== V) {
        throw inputError(`the starting weights are for E = ${w.embedding}, V = ${w.vocabulary}, not E = ${options.embedding}, V = ${V}`);
      }
      this.weights = cloneWeights(w);
    } else {
      this.weights = initialWeights(options.embedding, V, options.seed);
    }
    this.best = cloneWeights(this.weights);
    // The shuffle has its own stream, so that changing the initialisation never changes the order.
    this.rng = createRng((options.seed ^ 0x5bd1e995) >>> 0);
    const longest = Math.max(...lines.map((line) => line.length)) + 1;
    this.pass = new LinePass(this.weights, longest);
    this.adam = new Adam(this.weights);
    const start = now();
    const train = this.evaluate(this.split.train);
    const test = this.evaluate(this.split.test);
    this.history.push({
      epoch: 0,
      trainLoss: train.loss,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      seconds: (now() - start) / 1000,
      samples: this.samples(0),
    });
    if (!Number.isFinite(train.loss) || !Number.isFinite(test.loss)) {
      this.diverge('the starting weights already give a loss that is not a finite number');
    }
    this.beginEpoch();
  }

  /** Completed epochs. */
  get epoch(): number {
    return this.history.length - 1;
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

  get done(): boolean {
    return this.status !== 'running';
  }

  /** Stops between lines; the best weights so far stay in `best`. */
  stop(): void {
    if (this.status === 'running') this.status = 'stopped';
  }

  /** Trains up to `maxLines` lines; returns the epochs that ended during the call. */
  runLines(maxLines: number): EpochReport[] {
    const finished: EpochReport[] = [];
    const started = now();
    const evaluationBefore = this.evaluationMs;
    let tokens = 0;
    for (let n = 0; n < maxLines && this.status === 'running'; n++) {
      const line = this.split.train[this.order[this.position]];
      const loss = this.pass.forward(line, this.carryContext);
      if (!Number.isFinite(loss)) {
        this.diverge(`the loss became ${loss} at epoch ${this.epoch + 1}, line ${this.position + 1}`);
        break;
      }
      this.pass.backward(line);
      const norm = this.pass.gradientNorm();
      if (!Number.isFinite(norm)) {
        this.diverge(`the gradient became ${norm} at epoch ${this.epoch + 1}, line ${this.position + 1}`);
        break;
      }
      if (norm > this.clipNorm) this.pass.scaleGradients(this.clipNorm / norm);
      this.adam.update(this.weights, this.pass.gradients, this.learningRate);
      tokens += line.length + 1;
      this.epochLoss += loss * (line.length + 1);
      this.epochPredictions += line.length + 1;
      this.position++;
      if (this.position === this.order.length) {
        const report = this.endEpoch();
        if (report) finished.push(report);
      }
    }
    this.tokensTrained += tokens;
    this.trainingMs += now() - started - (this.evaluationMs - evaluationBefore);
    return finished;
  }

  /** Loss and accuracy over lines, each fed as [boundary, tokens..., boundary]. */
  evaluate(lines: readonly number[][], weights: Weights = this.weights): Evaluation {
    const pass = weights === this.weights ? this.pass : new LinePass(weights, this.pass.capacity);
    let loss = 0;
    let correct = 0;
    let predictions = 0;
    for (const line of lines) {
      const steps = line.length + 1;
      loss += pass.forward(line) * steps;
      correct += pass.correctPredictions(line);
      predictions += steps;
    }
    return { loss: loss / predictions, accuracy: correct / predictions, predictions };
  }

  private beginEpoch(): void {
    this.order = shuffle(Array.from({ length: this.split.train.length }, (_, i) => i), this.rng);
    this.position = 0;
    this.epochLoss = 0;
    this.epochPredictions = 0;
    this.epochStarted = now();
  }

  private endEpoch(): EpochReport | null {
    const evaluationStart = now();
    const test = this.evaluate(this.split.test);
    const epoch = this.epoch + 1;
    if (!Number.isFinite(test.loss)) {
      this.evaluationMs += now() - evaluationStart;
      this.diverge(`the held-out loss became ${test.loss} after epoch ${epoch}`);
      return null;
    }
    const report = {
      epoch,
      trainLoss: this.epochLoss / this.epochPredictions,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      seconds: 0,
      samples: this.samples(epoch),
    };
    const best = this.history[this.bestEpoch];
    if (report.testAccuracy > best.testAccuracy || (report.testAccuracy === best.testAccuracy && report.testLoss < best.testLoss)) {
      this.bestEpoch = epoch;
      copyWeightsInto(this.best, this.weights);
    }
    const end = now();
    report.seconds = (end - this.epochStarted) / 1000;
    this.history.push(report);
    if (epoch >= this.epochs) this.status = 'completed';
    else this.beginEpoch();
    this.evaluationMs += end - evaluationStart;
    return report;
  }

  private samples(epoch: number): string[] {
    const rng = createRng((this.seed * 7919 + epoch) >>> 0);
    const lines: string[] = [];
    for (let i = 0; i < this.samplesPerEpoch; i++) {
      lines.push(generateLine(this.weights, this.vocabulary, [BOUNDARY], { temperature: SAMPLE_TEMPERATURE, rng }).text);
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

function validateOptions(options: TrainingOptions): void {
  const whole = (value: number, name: string, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw inputError(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
    }
  };
  whole(options.embedding, 'the embedding size', 1, 256);
  whole(options.epochs, 'the number of epochs', 1, 1_000_000);
  whole(options.seed, 'the seed', 0, 2 ** 32 - 1);
  if (!(options.learningRate > 0) || !Number.isFinite(options.learningRate)) {
    throw inputError(`the learning rate must be a positive number, not ${options.learningRate}`);
  }
  const f = options.heldOutFraction ?? TRAINING_DEFAULTS.heldOutFraction;
  if (!(f > 0 && f < 1)) throw inputError(`the held-out fraction must be between 0 and 1, not ${f}`);
}

function now(): number {
  return performance.now();
}

/**
 * Forward and backward passes over one line, in preallocated buffers. The line is fed as
 * [boundary, tokens...] and each step predicts the next of [tokens..., boundary]. For each step s,
 * `joint` holds [h1_s ; c_(s-1)], the input of W1, and `contexts` holds c_s.
 */
class LinePass {
  readonly capacity: number;
  readonly gradients: Weights;
  private readonly weights: Weights;
  private readonly joint: Float64Array;
  private readonly contexts: Float64Array;
  private readonly probs: Float64Array;
  private readonly dContext: Float64Array;
  private readonly dJoint: Float64Array;
  private readonly dZ: Float64Array;
  /** The context the line starts from. */
  private readonly carried: Float64Array;
  /** Steps of the last forward pass, so that its final context can be carried into the next. */
  private lastSteps = 1;

  constructor(weights: Weights, capacity: number) {
    const { embedding: E, vocabulary: V } = weights;
    this.weights = weights;
    this.capacity = capacity;
    this.gradients = createWeights(E, V);
    this.joint = new Float64Array(capacity * 2 * E);
    this.contexts = new Float64Array(capacity * E);
    this.probs = new Float64Array(capacity * V);
    this.dContext = new Float64Array(E);
    this.dJoint = new Float64Array(2 * E);
    this.dZ = new Float64Array(E);
    this.carried = new Float64Array(E);
  }

  /**
   * Runs the line from a zero context, or with `carry` from the context the previous forward pass
   * ended with; returns the mean cross-entropy of its predictions.
   */
  forward(line: readonly number[], carry = false): number {
    const { embedding: E, vocabulary: V, w0, w1, w2 } = this.weights;
    const { joint, contexts, probs } = this;
    const steps = line.length + 1;
    if (steps > this.capacity) throw inputError(`a line of ${line.length} tokens is longer than this pass was sized for`);
    const width = 2 * E;
    if (carry) for (let i = 0; i < E; i++) this.carried[i] = contexts[this.lastSteps * E - E + i];
    else this.carried.fill(0);
    this.lastSteps = steps;
    let loss = 0;
    for (let s = 0; s < steps; s++) {
      const x = s === 0 ? BOUNDARY : line[s - 1];
      const y = s === line.length ? BOUNDARY : line[s];
      const jo = s * width;
      const co = s * E;
      for (let i = 0; i < E; i++) joint[jo + i] = Math.tanh(w0[i * V + x]);
      if (s === 0) for (let i = 0; i < E; i++) joint[jo + E + i] = this.carried[i];
      else for (let i = 0; i < E; i++) joint[jo + E + i] = contexts[co - E + i];
      for (let i = 0, r = 0; i < E; i++) {
        let z = 0;
        for (let j = 0; j < width; j++, r++) z += w1[r] * joint[jo + j];
        contexts[co + i] = Math.tanh(z);
      }
      const po = s * V;
      let max = -Infinity;
      for (let k = 0, r = 0; k < V; k++) {
        let o = 0;
        for (let j = 0; j < E; j++, r++) o += w2[r] * contexts[co + j];
        probs[po + k] = o;
        if (o > max) max = o;
      }
      let total = 0;
      for (let k = 0; k < V; k++) {
        const e = Math.exp(probs[po + k] - max);
        probs[po + k] = e;
        total += e;
      }
      const inverse = 1 / total;
      for (let k = 0; k < V; k++) probs[po + k] *= inverse;
      loss -= Math.log(probs[po + y]);
    }
    return loss / steps;
  }

  /** How many of the last forward pass's predictions have their argmax on the right token. */
  correctPredictions(line: readonly number[]): number {
    const V = this.weights.vocabulary;
    let correct = 0;
    for (let s = 0; s <= line.length; s++) {
      const po = s * V;
      let best = 0;
      for (let k = 1; k < V; k++) if (this.probs[po + k] > this.probs[po + best]) best = k;
      if (best === (s === line.length ? BOUNDARY : line[s])) correct++;
    }
    return correct;
  }

  /** Gradients of the mean loss of the last forward pass, written into `gradients`. */
  backward(line: readonly number[]): void {
    const { embedding: E, vocabulary: V, w1, w2 } = this.weights;
    const { joint, contexts, probs, dContext, dJoint, dZ } = this;
    const g0 = this.gradients.w0;
    const g1 = this.gradients.w1;
    const g2 = this.gradients.w2;
    g0.fill(0);
    g1.fill(0);
    g2.fill(0);
    dJoint.fill(0);
    const steps = line.length + 1;
    const scale = 1 / steps;
    const width = 2 * E;
    for (let s = steps - 1; s >= 0; s--) {
      const x = s === 0 ? BOUNDARY : line[s - 1];
      const y = s === line.length ? BOUNDARY : line[s];
      const jo = s * width;
      const co = s * E;
      const po = s * V;
      // The context's gradient: from this step's prediction, plus what the next step sent back.
      for (let j = 0; j < E; j++) dContext[j] = dJoint[E + j];
      for (let k = 0, r = 0; k < V; k++) {
        const dOut = (k === y ? probs[po + k] - 1 : probs[po + k]) * scale;
        for (let j = 0; j < E; j++, r++) {
          g2[r] += dOut * contexts[co + j];
          dContext[j] += w2[r] * dOut;
        }
      }
      for (let i = 0; i < E; i++) {
        const c = contexts[co + i];
        dZ[i] = dContext[i] * (1 - c * c);
      }
      for (let j = 0; j < width; j++) dJoint[j] = 0;
      for (let i = 0, r = 0; i < E; i++) {
        const dz = dZ[i];
        for (let j = 0; j < width; j++, r++) {
          g1[r] += dz * joint[jo + j];
          dJoint[j] += w1[r] * dz;
        }
      }
      for (let j = 0; j < E; j++) {
        const a = joint[jo + j];
        g0[j * V + x] += dJoint[j] * (1 - a * a);
      }
    }
  }

  gradientNorm(): number {
    return Math.sqrt(sumOfSquares(this.gradients.w0) + sumOfSquares(this.gradients.w1) + sumOfSquares(this.gradients.w2));
  }

  scaleGradients(factor: number): void {
    scaleInPlace(this.gradients.w0, factor);
    scaleInPlace(this.gradients.w1, factor);
    scaleInPlace(this.gradients.w2, factor);
  }
}

function sumOfSquares(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return sum;
}

function scaleInPlace(values: Float64Array, factor: number): void {
  for (let i = 0; i < values.length; i++) values[i] *= factor;
}

class Adam {
  private readonly m: Weights;
  private readonly v: Weights;
  private t = 0;

  constructor(weights: Weights) {
    this.m = createWeights(weights.embedding, weights.vocabulary);
    this.v = createWeights(weights.embedding, weights.vocabulary);
  }

  update(weights: Weights, gradients: Weights, learningRate: number): void {
    this.t++;
    const stepSize = (learningRate * Math.sqrt(1 - BETA2 ** this.t)) / (1 - BETA1 ** this.t);
    adamStep(weights.w0, gradients.w0, this.m.w0, this.v.w0, stepSize);
    adamStep(weights.w1, gradients.w1, this.m.w1, this.v.w1, stepSize);
    adamStep(weights.w2, gradients.w2, this.m.w2, this.v.w2, stepSize);
  }
}

function adamStep(w: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, stepSize: number): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = BETA1 * m[i] + (1 - BETA1) * gi;
    const vi = BETA2 * v[i] + (1 - BETA2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (stepSize * mi) / (Math.sqrt(vi) + ADAM_EPSILON);
  }
}

/** Exposed for the gradient check in the tests: the mean loss of one line and its gradients. */
export function lineLossAndGradients(weights: Weights, line: readonly number[]): { loss: number; gradients: Weights } {
  const pass = new LinePass(weights, line.length + 1);
  const loss = pass.forward(line);
  pass.backward(line);
  return { loss, gradients: cloneWeights(pass.gradients) };
}

/** What a model file keeps of a finished run. */
export function trainingRecord(trainer: Trainer, options: TrainingOptions, corpus: string): TrainingRecord {
  return {
    corpus,
    seed: options.seed,
    epochs: options.epochs,
    learningRate: options.learningRate,
    heldOutFraction: options.heldOutFraction ?? TRAINING_DEFAULTS.heldOutFraction,
    bestEpoch: trainer.bestEpoch,
    history: trainer.history.map(({ epoch, trainLoss, testLoss, testAccuracy }) => ({ epoch, trainLoss, testLoss, testAccuracy })),
  };
}
