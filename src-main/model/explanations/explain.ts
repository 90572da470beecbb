/**
 * Saliency through time (README.md, "Explanations"): why the model predicts what it does after step k.
 *
 * Tokens t_0..t_n are fed from a starting context c_{-1} (zeros for a fresh line), with
 * h1_s = tanh(W0[:, t_s]) and c_s = tanh(W1 . [h1_s ; c_{s-1}]). For the prediction after step k and a
 * target y, L = log softmax(W2 . c_k)[y] at temperature 1. Each step s <= k gets
 *
 *   g_s                = dL/dh1_s through the recurrence (everything else held fixed)
 *   gradientNorm       = |g_s|
 *   saliency           = g_s . h1_s                      (gradient times input)
 *   integratedGradient = h1_s . integral_0^1 g_s(alpha h1) d alpha
 *
 * where the integrated-gradient path scales every h1 by alpha together (baseline: all h1 zero), so the
 * steps' integrated gradients add up to L(h1) - L(0); integratedGradients.ts takes the integral, and
 * `completenessGap` reports what it missed.
 *
 * Beside them, each step's Leave it out (occlusion.ts): L - L_s and 100 (p - p_s), where L_s is the
 * same prediction with the step's token read as the unknown word.
 */
import { inputError } from '../network/errors.ts';
import { type Weights, nextContext, nextTokenLogits, softmaxInPlace, tokenEmbedding } from '../network/network.ts';
import { integratedGradientsSteps } from './integratedGradients.ts';
import { MAX_EXPLAINED_STEPS } from '../network/limits.ts';
import { leaveEachOut, logSoftmaxAt } from './occlusion.ts';
import { argmax } from '../network/sampling.ts';
import { type Sliced, finish } from '../network/slices.ts';

export const DEFAULT_IG_STEPS = 64;
export const MAX_IG_STEPS = 1024;

export interface StepSaliency {
  /** The fed token's row. */
  row: number;
  gradientNorm: number;
  saliency: number;
  integratedGradient: number;
  /** Leave it out: L - L_s in nats (0 for the boundary and the unknown word); null when not measured (beyond the work budget). */
  occlusion: number | null;
  /** Leave it out: 100 (p - p_s), in percentage points; null when not measured. */
  occlusionPoints: number | null;
}

export interface Explanation {
  /** The step whose prediction is explained. */
  step: number;
  /** The target token's row. */
  target: number;
  /** Whether the target was given (the token that came next) or taken as the most likely token. */
  targetGiven: boolean;
  /** L(h1): log-probability of the target. */
  logProbability: number;
  /** L(0): the same with every h1 set to zero (the integrated gradients' baseline). */
  baselineLogProbability: number;
  /** One entry per step 0..step. */
  steps: StepSaliency[];
  /** Quadrature points (gradient evaluations) the integrated gradients took: at least the m asked for. */
  igPoints: number;
  /** Sum of the integrated gradients minus (L(h1) - L(0)): what the quadrature missed. */
  completenessGap: number;
}

export interface ExplainOptions {
  /** Target row; when omitted, the most likely token after the step. */
  target?: number;
  /** Quadrature points the integrated gradients start from (default 64); more are added where needed. */
  igSteps?: number;
  /** The context before the first token (zeros when omitted); held fixed. */
  startContext?: ArrayLike<number>;
}

/** L and g_s for every step, for token embeddings `h1` (rows of E, one per step, possibly scaled). */
export interface LossGradient {
  loss: number;
  /** g_s, flattened: step s's gradient is [s * E, (s + 1) * E). */
  gradients: Float64Array;
}

/**
 * The contexts c_0..c_k (flattened, (k + 1) x E) after feeding token embeddings `h1` ((k + 1) x E
 * values) from `startContext` (zeros when omitted).
 */
function contextsOf(weights: Weights, h1: Float64Array, startContext?: ArrayLike<number>): Float64Array {
  const E = weights.embeddingSize;
  const contexts = new Float64Array(h1.length);
  let before = Float64Array.from({ length: E }, (_, j) => startContext?.[j] ?? 0);
  for (let s = 0; s < h1.length / E; s++) {
    const here = contexts.subarray(s * E, (s + 1) * E);
    nextContext(weights, h1.subarray(s * E, (s + 1) * E), before, here);
    before = here;
  }
  return contexts;
}

/** W2 . c_k: the scores after the last of the contexts. */
function lastLogits(weights: Weights, contexts: Float64Array): Float64Array {
  const E = weights.embeddingSize;
  return nextTokenLogits(weights, contexts.subarray(contexts.length - E));
}

/**
 * The log-probability of `target` after the last of the given embeddings, and its gradient with
 * respect to every embedding, by back-propagation through time. `h1` holds (k + 1) x E values.
 */
export function lossAndGradient(weights: Weights, h1: Float64Array, target: number, startContext?: ArrayLike<number>): LossGradient {
  const contexts = contextsOf(weights, h1, startContext);
  return gradientAt(weights, contexts, lastLogits(weights, contexts), target);
}

/** L and g_s from a forward pass's contexts and final scores (`logits` is overwritten). */
function gradientAt(weights: Weights, contexts: Float64Array, logits: Float64Array, target: number): LossGradient {
  const E = weights.embeddingSize;
  const V = weights.vocabularySize;
  const steps = contexts.length / E;
  const width = 2 * E;
  const { w1, w2 } = weights;
  const loss = logSoftmaxAt(logits, target);
  const probs = softmaxInPlace(logits, 1);
  // dL/dlogits = onehot(y) - p; dL/dc_k = W2^T (onehot(y) - p).
  let dContext = new Float64Array(E);
  for (let k = 0; k < V; k++) {
    const d = (k === target ? 1 : 0) - probs[k];
    for (let j = 0; j < E; j++) dContext[j] += w2[k * E + j] * d;
  }
  const gradients = new Float64Array(steps * E);
  const dPre = new Float64Array(E);
  for (let s = steps - 1; s >= 0; s--) {
    for (let i = 0; i < E; i++) {
      const c = contexts[s * E + i];
      dPre[i] = dContext[i] * (1 - c * c);
    }
    const before = new Float64Array(E);
    for (let i = 0; i < E; i++) {
      const d = dPre[i];
      if (d === 0) continue;
      const row = i * width;
      for (let j = 0; j < E; j++) {
        gradients[s * E + j] += w1[row + j] * d;
        before[j] += w1[row + E + j] * d;
      }
    }
    dContext = before;
  }
  return { loss, gradients };
}

/**
 * Explains the prediction after step `step` of `tokens` (rows, the first usually the boundary): the
 * gradient, saliency and integrated gradient of every step up to it.
 */
export function explainPrediction(weights: Weights, tokens: readonly number[], step: number, options: ExplainOptions = {}): Explanation {
  return finish(explainPredictionSteps(weights, tokens, step, options));
}

/** `explainPrediction` in steps: yields between pieces of the integrated gradients' work. */
export function* explainPredictionSteps(weights: Weights, tokens: readonly number[], step: number, options: ExplainOptions = {}): Sliced<Explanation> {
  const E = weights.embeddingSize;
  const V = weights.vocabularySize;
  if (tokens.length === 0) throw inputError('there is nothing to explain: give at least one token');
  if (!Number.isInteger(step) || step < 0 || step >= tokens.length) {
    throw inputError(`the step to explain must be a whole number from 0 to ${tokens.length - 1}, not ${step}`);
  }
  if (step + 1 > MAX_EXPLAINED_STEPS) {
    throw inputError(`saliency through time looks back over at most ${MAX_EXPLAINED_STEPS.toLocaleString('en')} steps; step ${step.toLocaleString('en')} is further into the conversation than that (start a new conversation to explain it)`);
  }
  const m = options.igSteps ?? DEFAULT_IG_STEPS;
  if (!Number.isInteger(m) || m < 1 || m > MAX_IG_STEPS) {
    throw inputError(`the number of integrated-gradient steps must be a whole number from 1 to ${MAX_IG_STEPS}, not ${m}`);
  }
  for (const row of tokens) if (!(Number.isInteger(row) && row >= 0 && row < V)) throw inputError(`the token row ${row} is outside the vocabulary of ${V}`);
  if (options.startContext && options.startContext.length !== E) {
    throw inputError(`the starting context must have ${E} numbers (the model's E), not ${options.startContext.length}`);
  }
  const count = step + 1;
  const h1 = new Float64Array(count * E);
  const cell = new Float64Array(E);
  for (let s = 0; s < count; s++) h1.set(tokenEmbedding(weights, tokens[s], cell), s * E);

  const given = options.target;
  if (given !== undefined && !(Number.isInteger(given) && given >= 0 && given < V)) {
    throw inputError(`the target row ${given} is outside the vocabulary of ${V}`);
  }
  const contexts = contextsOf(weights, h1, options.startContext);
  const logits = lastLogits(weights, contexts);
  // Without a target: the most likely token after the step (the same at every temperature).
  const target = given ?? argmax(logits);
  const full = gradientAt(weights, contexts, logits, target);
  yield;
  const integral = yield* integratedGradientsSteps(weights, h1, target, m, options.startContext);
  yield;
  const leftOut = leaveEachOut(weights, tokens.slice(0, count), target, options.startContext);
  const measured = (x: number) => (Number.isNaN(x) ? null : x);

  const steps: StepSaliency[] = [];
  for (let s = 0; s < count; s++) {
    let norm = 0;
    let saliency = 0;
    for (let j = 0; j < E; j++) {
      const g = full.gradients[s * E + j];
      norm += g * g;
      saliency += g * h1[s * E + j];
    }
    steps.push({
      row: tokens[s],
      gradientNorm: Math.sqrt(norm),
      saliency,
      integratedGradient: integral.values[s],
      occlusion: measured(leftOut.effects[s]),
      occlusionPoints: measured(leftOut.points[s]),
    });
  }
  return {
    step,
    target,
    targetGiven: given !== undefined,
    logProbability: full.loss,
    baselineLogProbability: integral.baselineLoss,
    steps,
    igPoints: integral.points,
    completenessGap: integral.gap,
  };
}
