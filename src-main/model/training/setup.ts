import { inputError } from '../network/errors.ts';
import { type Weights, createWeights } from '../network/network.ts';
import { createRng } from '../network/rng.ts';
import { CARRY_CONTEXT, CLIP_NORM, CONTEXT_IDENTITY, EMBEDDING, EPOCHS, LEARNING_RATE, SEED } from '../network/limits.ts';

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
   * The share of training lines (0 to 1, chosen by the seed) that start from the context the line
   * before them ended with, instead of zeros, without back-propagating into it. A model trained so
   * keeps answering well when a chat carries its context from turn to turn. Held-out evaluation
   * always starts from zeros. Default 0.
   */
  carryContext?: number;
  /**
   * Starts W1's context half (the weights from the old context to the new) as this multiple of the
   * identity, with its other entries at 0.3 of their seeded values, so that at first each context cell
   * mostly keeps its own value from step to step and what a line said survives the next line. 0
   * (the default) leaves the seeded initialisation as it is. Ignored with `initialWeights`.
   */
  contextIdentity?: number;
  /**
   * Measure the untrained weights (epoch 0) in `runLines`' slices instead of in the constructor, so a
   * host that trains in slices is not held up by a large corpus before its first slice. Until that is
   * done, `history` is empty and `runLines` returns no epochs.
   */
  deferStart?: boolean;
}

export const TRAINING_DEFAULTS = {
  embedding: 10,
  epochs: 300,
  learningRate: 0.005,
  seed: 1,
  clipNorm: CLIP_NORM.default,
  heldOutFraction: 0.1,
  samplesPerEpoch: 3,
} as const;

/** What `contextIdentity` keeps of the seeded context-to-context weights off the diagonal. */
const OFF_DIAGONAL_SHARE = 0.3;

export interface CorpusSplit {
  train: number[][];
  test: number[][];
}

/** The first floor((1 - heldOutFraction) n) lines train; the rest are held out. */
export function splitCorpus(lines: readonly number[][], heldOutFraction: number = TRAINING_DEFAULTS.heldOutFraction): CorpusSplit {
  if (lines.length < 2) {
    throw inputError(`the corpus needs at least 2 lines with words in them (one to train on, one to test on); it has ${lines.length}`);
  }
  const trainCount = trainLineCount(lines.length, heldOutFraction);
  return { train: lines.slice(0, trainCount), test: lines.slice(trainCount) };
}

/** How many of `lines` (at least 2) are trained on: the first share, leaving at least one held out. */
export function trainLineCount(lines: number, heldOutFraction: number = TRAINING_DEFAULTS.heldOutFraction): number {
  return Math.min(lines - 1, Math.max(1, Math.floor((1 - heldOutFraction) * lines + 1e-9)));
}

/**
 * Seeded uniform initialisation, scaled by each matrix's fan-in; with `contextIdentity` above 0, W1's
 * context half is then made that multiple of the identity plus 0.3 of its seeded values off the diagonal.
 */
export function initialWeights(embedding: number, vocabulary: number, seed: number, contextIdentity = 0): Weights {
  const weights = createWeights(embedding, vocabulary);
  const rng = createRng(seed);
  const fill = (matrix: Float64Array, scale: number) => {
    for (let i = 0; i < matrix.length; i++) matrix[i] = (rng.next() * 2 - 1) * scale;
  };
  fill(weights.w0, 1);
  fill(weights.w1, 1 / Math.sqrt(2 * embedding));
  fill(weights.w2, 1 / Math.sqrt(embedding));
  if (contextIdentity > 0) {
    for (let i = 0; i < embedding; i++) {
      for (let j = 0; j < embedding; j++) {
        const at = i * 2 * embedding + embedding + j;
        weights.w1[at] = i === j ? contextIdentity : weights.w1[at] * OFF_DIAGONAL_SHARE;
      }
    }
  }
  return weights;
}

/** Throws a clear message for any option out of its range (model/network/limits.ts). */
export function validateOptions(options: TrainingOptions): void {
  const whole = (value: number, name: string, min: number, max: number) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw inputError(`${name} must be a whole number from ${min} to ${max}, not ${value}`);
    }
  };
  whole(options.embedding, 'the embedding size', EMBEDDING.min, EMBEDDING.max);
  whole(options.epochs, 'the number of epochs', EPOCHS.min, EPOCHS.max);
  whole(options.seed, 'the seed', SEED.min, SEED.max);
  if (!(options.learningRate > LEARNING_RATE.above && options.learningRate <= LEARNING_RATE.max)) {
    throw inputError(`the learning rate must be above ${LEARNING_RATE.above} and at most ${LEARNING_RATE.max}, not ${options.learningRate}`);
  }
  const carry = options.carryContext ?? 0;
  if (!(carry >= CARRY_CONTEXT.min && carry <= CARRY_CONTEXT.max)) throw inputError(`the share of lines that carry their context must be from 0 to 1, not ${carry}`);
  const identity = options.contextIdentity ?? 0;
  if (!(identity >= CONTEXT_IDENTITY.min && identity <= CONTEXT_IDENTITY.max)) {
    throw inputError(`the context identity must be from ${CONTEXT_IDENTITY.min} to ${CONTEXT_IDENTITY.max}, not ${identity}`);
  }
  const clip = options.clipNorm ?? TRAINING_DEFAULTS.clipNorm;
  if (!(clip > CLIP_NORM.above && clip <= CLIP_NORM.max)) throw inputError(`the gradient clip must be above ${CLIP_NORM.above} and at most ${CLIP_NORM.max}, not ${clip}`);
  const f = options.heldOutFraction ?? TRAINING_DEFAULTS.heldOutFraction;
  if (!(f > 0 && f < 1)) throw inputError(`the held-out fraction must be between 0 and 1, not ${f}`);
}
