import { type Weights, WEIGHT_NAMES, cloneWeights, createWeights } from '../network/network.ts';
import type { Checkpoint, Model } from '../network/model.ts';
import { inputError, quote } from '../network/errors.ts';
import { MAX_CHECKPOINTS, MAX_CHECKPOINT_VALUES } from '../network/limits.ts';

/**
 * A run's history of weights: the weights after every epoch (epoch 0: before any training).
 *
 * Values are rounded to float32 when recorded, because a model file keeps checkpoints as float32:
 * what a live run shows at an epoch is then exactly what the saved file replays at that epoch.
 *
 * Memory policy: every epoch is kept while the checkpoints fit in `capacityFor(weights)` (at most
 * MAX_CHECKPOINTS, and at most MAX_CHECKPOINT_VALUES numbers in all). When one more would not fit,
 * the run is thinned evenly: only epochs that are multiples of twice the current stride stay, and the
 * stride doubles. The latest epoch is always kept as well, so the scrubber can reach the run's end.
 * A run of n epochs thus keeps every epoch when n + 1 fits, and otherwise about capacity/2 to capacity
 * checkpoints spread evenly over the whole run, however long it is.
 */
export class CheckpointRecorder {
  readonly checkpoints: Checkpoint[] = [];
  /** Epochs kept (besides the latest) are the multiples of this. */
  stride = 1;
  readonly capacity: number;

  constructor(weights: Weights) {
    this.capacity = capacityFor(weights);
  }

  /** Records the weights at the end of `epoch` (epochs come in order). */
  record(epoch: number, weights: Weights): void {
    const last = this.checkpoints[this.checkpoints.length - 1];
    // The previous latest epoch was kept only for being the latest.
    if (last && last.epoch % this.stride !== 0) this.checkpoints.pop();
    this.checkpoints.push({ epoch, weights: float32Copy(weights) });
    while (this.checkpoints.length > this.capacity) this.thin();
  }

  private thin(): void {
    const stride = this.stride * 2;
    const latest = this.checkpoints[this.checkpoints.length - 1];
    const kept = this.checkpoints.filter((c) => c.epoch % stride === 0 || c === latest);
    this.checkpoints.length = 0;
    this.checkpoints.push(...kept);
    this.stride = stride;
  }
}

/** How many checkpoints of weights this size a run keeps at most (at least 2: the start and the end). */
export function capacityFor(weights: Pick<Weights, 'embeddingSize' | 'vocabularySize'>): number {
  const values = checkpointValues(weights);
  return Math.max(2, Math.min(MAX_CHECKPOINTS, Math.floor(MAX_CHECKPOINT_VALUES / values)));
}

/** The numbers in one checkpoint: W0, W1 and W2 together. */
export function checkpointValues({ embeddingSize, vocabularySize }: Pick<Weights, 'embeddingSize' | 'vocabularySize'>): number {
  return 2 * embeddingSize * vocabularySize + 2 * embeddingSize * embeddingSize;
}

/** A copy of the weights with every value rounded to the nearest float32. */
export function float32Copy(weights: Weights): Weights {
  const copy = createWeights(weights.embeddingSize, weights.vocabularySize);
  for (const name of WEIGHT_NAMES) {
    const from = weights[name];
    const to = copy[name];
    for (let i = 0; i < from.length; i++) to[i] = Math.fround(from[i]);
  }
  return copy;
}

/** The checkpoint of `epoch`, or the latest one before it when the run was thinned; null when none. */
export function checkpointAt(checkpoints: readonly Checkpoint[], epoch: number): Checkpoint | null {
  let found: Checkpoint | null = null;
  for (const c of checkpoints) {
    if (c.epoch > epoch) break;
    found = c;
  }
  return found;
}

/**
 * The model with the weights of its checkpoint at `epoch` (exactly that epoch; a thinned run has
 * no checkpoint for every epoch): named for the epoch, keeping the run's whole record, so its
 * history can still be scrubbed. Throws an input error naming the epochs there are.
 */
export function modelAtEpoch(model: Model, epoch: number): Model {
  const checkpoints = model.training?.checkpoints ?? [];
  if (checkpoints.length === 0) throw inputError(`${quote(model.name)} has no training history: it was saved without checkpoints (a version 1 file, an import or an older run)`);
  const found = checkpoints.find((c) => c.epoch === epoch);
  if (!found) {
    const last = checkpoints[checkpoints.length - 1].epoch;
    const every = checkpoints.length > 2 ? checkpoints[1].epoch - checkpoints[0].epoch : last;
    const which = every === 1 ? `epochs 0 to ${last}` : `epochs 0 to ${last}, every ${every} (and ${last})`;
    throw inputError(`${quote(model.name)} has no checkpoint for epoch ${epoch}; it keeps ${which}`);
  }
  return { ...model, name: `${model.name}, epoch ${epoch}`, weights: cloneWeights(found.weights) };
}

/** The epoch whose checkpoint holds exactly these weights once rounded to float32, or null when none does. */
export function epochOfWeights(checkpoints: readonly Checkpoint[], weights: Weights): number | null {
  const same = (a: Float64Array, b: Float64Array) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== Math.fround(b[i])) return false;
    return true;
  };
  // From the end: a model keeps its best or last epoch's weights, usually late in the run.
  for (let i = checkpoints.length - 1; i >= 0; i--) {
    const c = checkpoints[i].weights;
    if (same(c.w1, weights.w1) && same(c.w0, weights.w0) && same(c.w2, weights.w2)) return checkpoints[i].epoch;
  }
  return null;
}
