import type { Weights } from './network.ts';
import type { Vocabulary } from './vocabulary.ts';

/** One epoch of a training run as a model file keeps it (no wall-clock times, so files are reproducible). */
export interface HistoryEpoch {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number;
}

export interface TrainingRecord {
  corpus: string;
  seed: number;
  epochs: number;
  learningRate: number;
  heldOutFraction: number;
  /** Share of lines trained from the previous line's context (0 when absent from older files). */
  carryContext: number;
  /** W1's context half started as this multiple of the identity (0, the plain start, when absent). */
  contextIdentity: number;
  /** The gradient-norm clip (5 when absent from older files). */
  clipNorm: number;
  /** The vocabulary cap the corpus was read under (the largest, 4,094 words, when absent from older files). */
  maxVocabulary: number;
  /** When the cap left words out: how many, and their share of the corpus's tokens (read as the unknown word). */
  droppedWords?: number;
  droppedShare?: number;
  /**
   * The corpus's own text, kept by models trained in the app so that once saved and opened again
   * they still speak of it (example prompts, the context plane, unit profiles). Absent otherwise.
   */
  corpusText?: string;
  bestEpoch: number;
  history: HistoryEpoch[];
  /**
   * The weights after each epoch (float32 values), epoch 0 being the initial weights. While a run
   * fits (Boris: up to 996 epochs; see model/training/checkpoints.ts) every epoch is kept and
   * `checkpoints[i].epoch` equals `history[i].epoch`; a longer run keeps an evenly thinned subset,
   * always with epoch 0 and the last epoch, so look a checkpoint up by its `epoch`. Empty when the
   * run kept none (version 1 files, written before checkpoints existed).
   */
  checkpoints: Checkpoint[];
}

/** The weights of a training run at the end of one epoch (epoch 0: before any training). */
export interface Checkpoint {
  epoch: number;
  weights: Weights;
}

/** A model as the app and the command line use it: vocabulary, weights and how to sample from it. */
export interface Model {
  name: string;
  vocabulary: Vocabulary;
  weights: Weights;
  /** Temperature replies use unless told otherwise; the original project sampled at 0.5. */
  defaultTemperature: number;
  training: TrainingRecord | null;
}

/**
 * Temperature of the original project's sampling: the default of models imported from it and of
 * models trained here.
 */
export const ORIGINAL_TEMPERATURE = 0.5;
