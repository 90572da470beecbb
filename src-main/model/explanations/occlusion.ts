/**
 * Leave it out (occlusion; README.md, "Explanations"): which of the words said mattered to the
 * prediction after step k, measured the way a learner would check it by hand.
 *
 * Tokens t_0..t_k are fed from a starting context (zeros for a fresh line); the prediction after step
 * k is scored on a fixed target y at temperature 1: L = log softmax(W2 . c_k)[y] and p = e^L. For each
 * step s <= k whose token is not the line boundary, the same tokens are fed with t_s read as the
 * unknown word (row 1), every other token unchanged, giving L_s and p_s. The step's
 *
 *   effect = L - L_s              (nats; positive: the word raised the prediction)
 *   points = 100 (p - p_s)        (percentage points)
 *
 * A step whose token already is the unknown word has effect 0, and so has the boundary, which is
 * never left out (it is where every line starts and ends, not a word).
 *
 * The cost: the contexts before s are the original ones (kept from one forward pass), so leaving out
 * step s re-feeds only t_s..t_k, one E x E product each (each token's share W1[:, :E] . h1 is taken
 * once). A re-fed context that comes back to the original bit for bit leaves everything after it
 * unchanged, so there L_s = L exactly and the feeding stops. In all, at most k(k + 1) / 2 re-fed steps;
 * the steps are left out from the latest back while the work stays within MAX_OCCLUSION_WORK
 * (limits.ts), and earlier steps than that are reported as not measured.
 */
import { MAX_OCCLUSION_WORK } from '../network/limits.ts';
import { type Weights, contextFromShare, inputShare, nextTokenLogits, softmaxInPlace, tokenEmbedding } from '../network/network.ts';
import { BOUNDARY, UNKNOWN } from '../network/vocabulary.ts';

export interface Occlusion {
  /** L = log p(y) after the last step, as fed. */
  logProbability: number;
  /** p(y), the softmax at temperature 1, as the engine's `step` gives it. */
  probability: number;
  /** L - L_s per step: 0 for the boundary and the unknown word; NaN for a step not measured. */
  effects: Float64Array;
  /** 100 (p - p_s) per step, in percentage points; NaN for a step not measured. */
  points: Float64Array;
  /** The earliest step measured: the steps before it cost more than the work budget allows. */
  measuredFrom: number;
  /** Steps re-fed in all (the work done, for the budget and the tests). */
  refed: number;
}

/**
 * Leave it out for the prediction after the last of `tokens` (rows; the whole text up to step k),
 * scored on `target`. `startContext` is the context before the first token (zeros when omitted).
 */
export function leaveEachOut(weights: Weights, tokens: readonly number[], target: number, startContext?: ArrayLike<number>): Occlusion {
  const E = weights.embeddingSize;
  const count = tokens.length;
  // Each distinct token's share of the pre-activation, taken once.
  const shares = new Map<number, Float64Array>();
  const shareOf = (row: number) => {
    let share = shares.get(row);
    if (!share) {
      share = inputShare(weights, tokenEmbedding(weights, row));
      shares.set(row, share);
    }
    return share;
  };
  // The original contexts: slot 0 is the starting context, slot s + 1 is c_s.
  const contexts = new Float64Array((count + 1) * E);
  for (let j = 0; j < E; j++) contexts[j] = startContext?.[j] ?? 0;
  for (let s = 0; s < count; s++) contextFromShare(weights, shareOf(tokens[s]), 0, contexts, s * E, contexts, (s + 1) * E);
  const last = contexts.subarray(count * E);
  const scores = nextTokenLogits(weights, last);
  const logProbability = logSoftmaxAt(scores, target);
  const probability = softmaxInPlace(scores, 1)[target];

  const effects = new Float64Array(count).fill(Number.NaN);
  const points = new Float64Array(count).fill(Number.NaN);
  const unknown = shareOf(UNKNOWN);
  // Two buffers the re-fed context moves between.
  const here = new Float64Array(E);
  const there = new Float64Array(E);
  const logits = new Float64Array(weights.vocabularySize);
  let work = 0;
  let refed = 0;
  let measuredFrom = count;
  for (let s = count - 1; s >= 0; s--) {
    const row = tokens[s];
    if (row === BOUNDARY || row === UNKNOWN) {
      effects[s] = 0;
      points[s] = 0;
    }
  }
  for (let s = count - 1; s >= 0; s--) {
    if (effects[s] === 0) {
      // The boundary or the unknown word: nothing to leave out.
      measuredFrom = s;
      continue;
    }
    // The budget: the latest step is always measured, then earlier ones while the work done allows.
    if (work > MAX_OCCLUSION_WORK) break;
    // c'_s from the original c_{s-1} with the unknown word, then the original tokens after it.
    let context = here;
    let spare = there;
    contextFromShare(weights, unknown, 0, contexts, s * E, context, 0);
    let refedHere = 1;
    let rejoined = sameContext(context, contexts, (s + 1) * E);
    for (let t = s + 1; t < count && !rejoined; t++) {
      contextFromShare(weights, shareOf(tokens[t]), 0, context, 0, spare, 0);
      refedHere++;
      const turned = context;
      context = spare;
      spare = turned;
      rejoined = sameContext(context, contexts, (t + 1) * E);
    }
    refed += refedHere;
    work += refedHere * (E * E + E);
    if (rejoined) {
      effects[s] = 0;
      points[s] = 0;
    } else {
      // The same scores give L_s and (as the engine's `step` computes it) p_s.
      nextTokenLogits(weights, context, logits);
      effects[s] = logProbability - logSoftmaxAt(logits, target);
      points[s] = 100 * (probability - softmaxInPlace(logits, 1)[target]);
      work += weights.vocabularySize * (E + 2);
    }
    measuredFrom = s;
  }
  return { logProbability, probability, effects, points, measuredFrom, refed };
}

/** Whether `context` equals the E numbers of `contexts` from `at`, bit for bit. */
function sameContext(context: Float64Array, contexts: Float64Array, at: number): boolean {
  for (let j = 0; j < context.length; j++) if (context[j] !== contexts[at + j]) return false;
  return true;
}

/** log softmax(logits)[target], without underflow. */
export function logSoftmaxAt(logits: Float64Array, target: number): number {
  let max = -Infinity;
  for (let k = 0; k < logits.length; k++) if (logits[k] > max) max = logits[k];
  let total = 0;
  for (let k = 0; k < logits.length; k++) total += Math.exp(logits[k] - max);
  return logits[target] - max - Math.log(total);
}
