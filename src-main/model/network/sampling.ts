import type { Rng } from './rng.ts';

export interface SamplingOptions {
  /** 0 means greedy (see shownTemperature). */
  temperature: number;
  /** Sample only among the k most likely tokens; 0 or undefined means all of them. */
  topK?: number;
  rng: Rng;
}

/**
 * Temperature 0 is greedy decoding: the likeliest token is always taken. Its own distribution, the
 * scores divided by 0, would put everything on that token, so its probabilities are computed and shown
 * at T = 1, the model's own. This is that rule, for the softmax, the sampler, the anatomy, the reply
 * tree and the app's bars alike: the temperature a turn's probabilities are at.
 */
export function shownTemperature(temperature: number): number {
  return isGreedy(temperature) ? 1 : temperature;
}

/** Whether a temperature means greedy decoding (0, or anything that is not a positive, finite number). */
export function isGreedy(temperature: number): boolean {
  return !(temperature > 0 && Number.isFinite(temperature));
}

/** Row of the largest probability (the first, on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** Rows of the k largest values, largest first (earlier rows first on ties). */
export function topRows(values: ArrayLike<number>, k: number): number[] {
  const count = Math.max(0, Math.min(k, values.length));
  // The views ask for a handful of V = 4,096 rows many times a frame: one pass that keeps the best
  // few is much cheaper than sorting them all. The same order as the sort below, NaN aside.
  if (count <= 32) {
    const rows: number[] = [];
    for (let row = 0; row < values.length && count > 0; row++) {
      const value = values[row];
      if (rows.length === count && !(value > values[rows[count - 1]])) continue;
      let at = rows.length;
      while (at > 0 && values[rows[at - 1]] < value) at--;
      rows.splice(at, 0, row);
      if (rows.length > count) rows.pop();
    }
    if (!rows.some((row) => Number.isNaN(values[row]))) return rows;
  }
  const rows = Array.from({ length: values.length }, (_, i) => i);
  rows.sort((a, b) => values[b] - values[a] || a - b);
  return rows.slice(0, count);
}

/** Picks the next token from a distribution already computed at the sampling temperature. */
export function sampleToken(probs: ArrayLike<number>, options: SamplingOptions): number {
  if (isGreedy(options.temperature)) return argmax(probs);
  const k = options.topK && options.topK > 0 ? Math.min(options.topK, probs.length) : probs.length;
  const rows = k < probs.length ? topRows(probs, k) : Array.from({ length: probs.length }, (_, i) => i);
  let total = 0;
  for (const row of rows) total += probs[row];
  let target = options.rng.next() * total;
  for (const row of rows) {
    target -= probs[row];
    if (target < 0) return row;
  }
  return rows[rows.length - 1];
}
