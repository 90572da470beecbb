import { quickselect } from 'd3';
import type { ModelInfo, WeightName } from '../../src-main/service/protocol.ts';
import { activationColour } from './colours.ts';
import { quotedInput, quotedOutput, tokenMark } from './tokens.ts';

/**
 * How the weight matrices are laid out and coloured. Weights are row-major as the model stores them
 * (the protocol's `matrixShape`: W0 is E x V, W1 is E x 2E, W2 is V x E). Colour comes from the one
 * diverging scale (made for tanh values in [-1, 1]), with each matrix's values divided by its largest
 * |w|, so 0 is always neutral.
 */
export interface MatrixWeights {
  w0: ArrayLike<number>;
  w1: ArrayLike<number>;
  w2: ArrayLike<number>;
}

export function largestMagnitude(values: ArrayLike<number>): number {
  let most = 0;
  for (let i = 0; i < values.length; i++) {
    const m = Math.abs(values[i]);
    if (m > most) most = m;
  }
  return most;
}

/**
 * The colour scale's reach for a matrix: the 98th percentile of |w|, so that a few large weights do
 * not wash every other cell out; the colours of the few beyond it are clamped at the ends.
 */
export function colourReach(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  // The k-th smallest without sorting: a training run redraws a large matrix many times a second.
  const magnitudes = Float64Array.from(values, Math.abs);
  const k = Math.min(magnitudes.length - 1, Math.floor(0.98 * magnitudes.length));
  quickselect(magnitudes, k);
  return magnitudes[k] || largestMagnitude(magnitudes);
}

/** The colour of one weight in a matrix whose largest |w| is `scale`. */
export function weightColour(value: number, scale: number): string {
  return activationColour(scale > 0 ? value / scale : 0);
}

/** What a cell connects, in the model's own words. */
export function describeCell(name: WeightName, row: number, column: number, vocabulary: readonly string[], embedding: number): string {
  const token = (row: number) => vocabulary[row] ?? '?';
  if (name === 'w0') return `token ${quotedInput(token(column))} into h1 unit ${row}`;
  if (name === 'w1') {
    return column < embedding ? `h1 unit ${column} into context unit ${row}` : `previous context unit ${column - embedding} into context unit ${row}`;
  }
  return `context unit ${column} into the score of token ${quotedOutput(token(row))}`;
}

/** An h1 unit is knocked out when its W0 row is all zeros; an h2 (context) unit when its W1 row is. */
export function isKnockedOut(model: ModelInfo, layer: 'h1' | 'h2', unit: number): boolean {
  const E = model.embeddingSize;
  const V = model.tokens.length;
  const [matrix, width] = layer === 'h1' ? [model.weights.w0, V] : [model.weights.w1, 2 * E];
  for (let j = 0; j < width; j++) if (matrix[unit * width + j] !== 0) return false;
  return true;
}

/** What a heatmap of one matrix needs besides its values: shape, orientation, labels, axis names. */
export interface HeatmapSpec {
  name: WeightName;
  title: string;
  rows: number;
  columns: number;
  turned: boolean;
  rowLabels: string[];
  columnLabels: string[];
  axes: [string, string];
}

/**
 * W0 and W2 both have a token axis; W2 is drawn turned (units down, tokens across) so that a token's
 * column sits in the same place in both.
 */
export function heatmapSpec(name: WeightName, embedding: number, vocabulary: readonly string[]): HeatmapSpec {
  const V = vocabulary.length;
  const units = Array.from({ length: embedding }, (_, i) => String(i));
  const tokens = vocabulary.map(tokenMark);
  if (name === 'w0') {
    return { name, title: `W0 · token embedding (${embedding} × ${V})`, rows: embedding, columns: V, turned: false, rowLabels: units, columnLabels: tokens, axes: ['h1 unit', 'token'] };
  }
  if (name === 'w1') {
    const inputs = [...units.map((u) => `h1 ${u}`), ...units.map((u) => `c ${u}`)];
    return { name, title: `W1 · context (${embedding} × ${2 * embedding})`, rows: embedding, columns: 2 * embedding, turned: false, rowLabels: units, columnLabels: inputs, axes: ['context unit', 'h1, then previous context'] };
  }
  return { name, title: `W2 · next-token scores (${V} × ${embedding}, drawn turned)`, rows: V, columns: embedding, turned: true, rowLabels: units, columnLabels: tokens, axes: ['context unit', 'token'] };
}

/** A cell size that fits `columns` cells in `width` pixels after the row labels, within bounds. */
export function fitCell(width: number, columns: number, labelWidth = 40, min = 4, max = 16): number {
  return Math.max(min, Math.min(max, Math.floor((width - labelWidth - 4) / Math.max(1, columns))));
}
