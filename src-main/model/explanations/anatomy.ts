import { type Weights, nextContext, nextTokenLogits, softmaxInPlace, tokenEmbedding } from '../network/network.ts';
import { shownTemperature } from '../network/sampling.ts';

/**
 * Every intermediate number of one step, for showing the step's maths in order: the column W0[:, tokenRow]
 * and its tanh (h1), the input [h1 ; c], each h2 unit's sum W1[j] . [h1 ; c] and its tanh (h2), the
 * scores W2 . h2, the scores divided by T and their softmax. The step's own functions make h1, h2 and
 * the probabilities, so they are the numbers `step` gives, bit for bit.
 */
export interface StepAnatomy {
  column: Float64Array;
  h1: Float64Array;
  input: Float64Array;
  preActivation: Float64Array;
  h2: Float64Array;
  logits: Float64Array;
  /** The temperature the probabilities are at (shownTemperature: 1 for greedy). */
  temperature: number;
  probs: Float64Array;
}

export function stepAnatomy(weights: Weights, tokenRow: number, context: Float64Array, temperature = 1): StepAnatomy {
  const { embeddingSize: e, vocabularySize: v, w0, w1 } = weights;
  const column = new Float64Array(e);
  for (let i = 0; i < e; i++) column[i] = w0[i * v + tokenRow];
  const h1 = tokenEmbedding(weights, tokenRow);
  const input = new Float64Array(2 * e);
  input.set(h1, 0);
  input.set(context, e);
  // Summed in nextContext's order, so that tanh of each is exactly h2.
  const preActivation = new Float64Array(e);
  for (let i = 0; i < e; i++) {
    const row = i * 2 * e;
    let sum = 0;
    for (let j = 0; j < e; j++) sum += w1[row + j] * h1[j];
    for (let j = 0; j < e; j++) sum += w1[row + e + j] * context[j];
    preActivation[i] = sum;
  }
  const h2 = nextContext(weights, h1, context);
  const logits = nextTokenLogits(weights, h2);
  const probs = softmaxInPlace(Float64Array.from(logits), temperature);
  return { column, h1, input, preActivation, h2, logits, temperature: shownTemperature(temperature), probs };
}
