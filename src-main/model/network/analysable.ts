/**
 * Whether a model's numbers can be analysed without overflow. The analyses (the context's dynamics,
 * memory, explanations, knock-outs) add up products of weights and values up to 1, and multiply
 * those again; with a weight near float64's largest (1.8e308) they overflow to Infinity and then to
 * NaN. A model with a weight larger than MAX_ANALYSABLE_WEIGHT (model/network/limits.ts) is refused by them
 * in plain words, and `assertNoNaN` is the last guard on an answer.
 */
import { inputError } from './errors.ts';
import { MAX_ANALYSABLE_WEIGHT } from './limits.ts';
import { WEIGHT_NAMES, type Weights } from './network.ts';

const TOO_LARGE = "the model's numbers are too large to analyse";

/** Refuses weights any of whose values is larger (in size) than MAX_ANALYSABLE_WEIGHT, or not finite. */
export function assertAnalysable(weights: Weights): void {
  for (const name of WEIGHT_NAMES) {
    const values = weights[name];
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (!(Math.abs(x) <= MAX_ANALYSABLE_WEIGHT)) {
        throw inputError(
          `${TOO_LARGE}: ${name.toUpperCase()} holds ${x}, and these figures are computed only for weights up to ${MAX_ANALYSABLE_WEIGHT} in size (larger ones overflow). Reset the weights, or edit that one back to a smaller value`,
        );
      }
    }
  }
}

/**
 * Refuses an answer holding NaN anywhere (numbers, arrays, typed arrays, plain objects): what a
 * computation that overflowed leaves. Infinity is left alone (a loss may be infinite).
 */
export function assertNoNaN(answer: unknown): void {
  const stack: unknown[] = [answer];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'number') {
      if (Number.isNaN(value)) throw inputError(`${TOO_LARGE}: a figure overflowed and is not a number. Reset the weights, or edit the largest ones back to smaller values`);
    } else if (ArrayBuffer.isView(value)) {
      if (value instanceof Float64Array || value instanceof Float32Array) for (const x of value) if (Number.isNaN(x)) stack.push(x);
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) stack.push(item);
    }
  }
}
