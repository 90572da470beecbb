import { inputError } from '../network/errors.ts';
import { type Metric, distance } from './geometry.ts';

export interface PathDivergence {
  /** The distance between the two paths' contexts at each step both have, from the line boundary on. */
  stepDistances: number[];
  /** The step (an index into stepDistances) where the contexts are furthest apart; the first such. */
  widestStep: number;
  /** Per unit: the first path's final context minus the second's. */
  finalDifference: number[];
}

/**
 * How two context paths (each the h2 after every step of [boundary, tokens...]) move apart: step by
 * step over the steps they share, where they are furthest apart, and unit by unit at their ends.
 */
export function pathDivergence(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[], metric: Metric = 'euclidean'): PathDivergence {
  if (a.length === 0 || b.length === 0) throw inputError('each path needs at least one context');
  const shared = Math.min(a.length, b.length);
  const stepDistances = Array.from({ length: shared }, (_, step) => distance(a[step], b[step], metric));
  let widestStep = 0;
  for (let step = 1; step < shared; step++) if (stepDistances[step] > stepDistances[widestStep]) widestStep = step;
  const lastA = a[a.length - 1];
  const lastB = b[b.length - 1];
  if (lastA.length !== lastB.length) throw inputError(`the contexts have different sizes (${lastA.length} and ${lastB.length})`);
  const finalDifference = Array.from({ length: lastA.length }, (_, unit) => lastA[unit] - lastB[unit]);
  return { stepDistances, widestStep, finalDifference };
}
