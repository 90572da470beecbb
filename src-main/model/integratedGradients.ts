/**
 * Integrated gradients along the path h1(alpha) = alpha . h1 (every step scaled together, baseline all
 * h1 zero), by an adaptive composite Gauss-Legendre rule that checks itself exactly.
 *
 * Write u_s = W1[:, :E] . h1_s and L(alpha) for the target's log-probability with every h1 scaled by
 * alpha (the starting context held fixed). Step s's integrated gradient is
 *
 *   IG_s = h1_s . integral_0^1 g_s(alpha) d alpha = u_s . integral_0^1 d_s(alpha) d alpha
 *
 * where d_s = dL/d(pre-activation of c_s), since g_s = W1[:, :E]^T d_s. Their sum is the integral of
 * dL/dalpha = sum_s d_s . u_s, so the steps' IG add up to L(1) - L(0) exactly when the integral is
 * exact. The rule:
 *
 * 1. [0, 1] is cut into ceil(m / 8) equal panels, each integrated with the 8-point Gauss-Legendre
 *    rule (m points in one panel when m < 8). m is the `--ig-steps` option, 64 by default.
 * 2. L can be evaluated exactly at any alpha, so each panel [a, b] is checked: its quadrature of
 *    dL/dalpha must equal L(b) - L(a). What it misses is the panel's error; the panels' errors add up
 *    to exactly the completeness gap.
 * 3. While the panels' absolute errors add up to more than 5e-5, the panel with the largest error is
 *    halved and both halves integrated afresh with the same rule, while the points spent stay within
 *    max(m, 65536 / steps), and until 48 halvings in a row have not brought the total error down to
 *    half its lowest so far (a chaotic path, below, where more points buy nothing). A panel narrower than 2^-44 is not halved again, and its error not
 *    counted in that sum (it stays in the gap).
 * 4. Every step's vector integrand d_s uses the same nodes and weights as the scalar check.
 *
 * Why adaptive: in a trained model the recurrence amplifies near the zero context, so along the path
 * a text's contexts leap from near zero to saturated (and flip between saturated states) within tiny
 * stretches of alpha. No fixed rule of practical size resolves those; halving the panels that miss
 * puts the points there. On Boris's corpus lines the rule meets 1e-4 at m = 64 with a few hundred
 * points. Over a dialogue or a conversation of several turns (20 steps and more) L(alpha) turns
 * chaotic along the path: on one of Boris's 32-step training dialogues, L moved by more than 0.05
 * between neighbouring alphas 5e-5 apart 1,027 times out of 20,000. There no quadrature meets
 * completeness, and the gap says so.
 */
import { gaussLegendre } from './gaussLegendre.ts';
import type { Weights } from './network.ts';

/** Gauss-Legendre points per panel. */
export const PANEL_POINTS = 8;
/** The panels' absolute errors must add up to at most this. */
export const PANEL_TOLERANCE = 5e-5;
/**
 * The work budget: quadrature points times steps (one point costs a pass forward and back through
 * every step). A corpus line of 16 steps may take 4096 points; a conversation of 64 steps, 1024.
 */
export const WORK_BUDGET = 65536;
/**
 * Halvings allowed without the panels' total error falling to half its lowest so far: after that many
 * the path is taken to be chaotic (see below), where more points buy nothing, and the rule stops.
 */
export const PATIENCE = 48;
/** The points spent before the rule may stop for want of progress. */
export const PATIENT_POINTS = 1024;
/** A panel narrower than this is not halved again: what it misses is a jump in L finer than float64 follows. */
export const NARROWEST_PANEL = 2 ** -44;

export interface IntegratedGradients {
  /** IG_s for every step. */
  values: Float64Array;
  /** Gradient evaluations spent. */
  points: number;
  /** Panels in the final partition of [0, 1]. */
  panels: number;
  /** sum_s IG_s - (L(1) - L(0)): what the quadrature missed. */
  gap: number;
  /** L(1) and L(0). */
  loss: number;
  baselineLoss: number;
}

interface Panel {
  a: number;
  b: number;
  /** The panel's quadrature of d_s, flattened (steps x E). */
  sums: Float64Array;
  /** Its quadrature of dL/dalpha minus (L(b) - L(a)). */
  error: number;
}

/**
 * a[aAt .. aAt + n) . b[bAt .. bAt + n), summed in four interleaved chains (so that the additions do
 * not wait on each other), then combined.
 */
function dot(a: Float64Array, aAt: number, b: Float64Array, bAt: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[aAt + j] * b[bAt + j];
    s1 += a[aAt + j + 1] * b[bAt + j + 1];
    s2 += a[aAt + j + 2] * b[bAt + j + 2];
    s3 += a[aAt + j + 3] * b[bAt + j + 3];
  }
  for (; j < n; j++) s0 += a[aAt + j] * b[bAt + j];
  return s0 + s1 + (s2 + s3);
}

/** The path's arithmetic for one text, with its buffers allocated once. */
class Path {
  readonly E: number;
  readonly steps: number;
  /** u_s = W1[:, :E] . h1_s, flattened. */
  readonly inputs: Float64Array;
  private readonly recurrent: Float64Array;
  private readonly transposed: Float64Array;
  private readonly dPre: Float64Array;
  private readonly start: Float64Array;
  private readonly contexts: Float64Array;
  private readonly logits: Float64Array;
  private readonly dContext: Float64Array;

  constructor(
    private readonly weights: Weights,
    h1: Float64Array,
    private readonly target: number,
    start: ArrayLike<number> | undefined,
  ) {
    const E = (this.E = weights.embedding);
    this.steps = h1.length / E;
    this.inputs = new Float64Array(h1.length);
    const { w1 } = weights;
    for (let s = 0; s < this.steps; s++) {
      for (let i = 0; i < E; i++) {
        let sum = 0;
        for (let j = 0; j < E; j++) sum += w1[i * 2 * E + j] * h1[s * E + j];
        this.inputs[s * E + i] = sum;
      }
    }
    // W1's right half (the context's weights), contiguous, and the starting context (zeros when none).
    this.recurrent = new Float64Array(E * E);
    this.transposed = new Float64Array(E * E);
    for (let i = 0; i < E; i++) {
      for (let j = 0; j < E; j++) {
        this.recurrent[i * E + j] = w1[i * 2 * E + E + j];
        this.transposed[j * E + i] = w1[i * 2 * E + E + j];
      }
    }
    this.start = Float64Array.from({ length: E }, (_, j) => start?.[j] ?? 0);
    this.contexts = new Float64Array(h1.length);
    this.logits = new Float64Array(weights.vocabulary);
    this.dContext = new Float64Array(E);
    this.dPre = new Float64Array(E);
  }

  /** The contexts at alpha; returns L(alpha). */
  private forward(alpha: number): number {
    const { E, steps, inputs, contexts, logits, recurrent, start } = this;
    const { w2, vocabulary: V } = this.weights;
    for (let s = 0; s < steps; s++) {
      const here = s * E;
      const before = here - E;
      for (let i = 0; i < E; i++) {
        const row = i * E;
        const sum = alpha * inputs[here + i] + (s > 0 ? dot(recurrent, row, contexts, before, E) : dot(recurrent, row, start, 0, E));
        contexts[here + i] = Math.tanh(sum);
      }
    }
    const last = (steps - 1) * E;
    let max = -Infinity;
    for (let k = 0; k < V; k++) {
      const sum = dot(w2, k * E, contexts, last, E);
      logits[k] = sum;
      if (sum > max) max = sum;
    }
    let total = 0;
    for (let k = 0; k < V; k++) total += Math.exp(logits[k] - max);
    return logits[this.target] - max - Math.log(total);
  }

  loss(alpha: number): number {
    return this.forward(alpha);
  }

  /** Adds weight . d_s(alpha) into `sums`; returns dL/dalpha at alpha. */
  accumulate(alpha: number, weight: number, sums: Float64Array): number {
    const loss = this.forward(alpha);
    const { E, steps, inputs, contexts, logits, target } = this;
    const { w2, vocabulary: V } = this.weights;
    // softmax from the log-probabilities: p_k = exp(logit_k - logsumexp) = exp(logit_k - logit_y + L).
    const shift = logits[target] - loss;
    const dContext = this.dContext.fill(0);
    for (let k = 0; k < V; k++) {
      const d = (k === target ? 1 : 0) - Math.exp(logits[k] - shift);
      const row = k * E;
      for (let j = 0; j < E; j++) dContext[j] += w2[row + j] * d;
    }
    const { transposed, dPre } = this;
    let slope = 0;
    for (let s = steps - 1; s >= 0; s--) {
      const here = s * E;
      for (let i = 0; i < E; i++) {
        const c = contexts[here + i];
        const d = dContext[i] * (1 - c * c);
        dPre[i] = d;
        sums[here + i] += weight * d;
        slope += d * inputs[here + i];
      }
      // dL/dc_{s-1} = W1[:, E:]^T dPre, a row of the transposed matrix at a time.
      for (let j = 0; j < E; j++) dContext[j] = dot(transposed, j * E, dPre, 0, E);
    }
    return slope;
  }
}

/**
 * The integrated gradients of every step of `h1` ((k + 1) x E values) for `target`, by the adaptive
 * rule above, starting from `m` points.
 */
export function integratedGradients(weights: Weights, h1: Float64Array, target: number, m: number, startContext?: ArrayLike<number>): IntegratedGradients {
  const path = new Path(weights, h1, target, startContext);
  const budget = Math.max(m, Math.floor(WORK_BUDGET / path.steps));
  const order = Math.min(m, PANEL_POINTS);
  const rule = gaussLegendre(order);
  const ends = new Map<number, number>();
  const lossAt = (alpha: number): number => {
    let value = ends.get(alpha);
    if (value === undefined) ends.set(alpha, (value = path.loss(alpha)));
    return value;
  };
  let points = 0;
  const integrate = (a: number, b: number): Panel => {
    const sums = new Float64Array(h1.length);
    let slope = 0;
    for (let i = 0; i < order; i++) {
      const weight = (b - a) * rule.weights[i];
      slope += weight * path.accumulate(a + (b - a) * rule.nodes[i], weight, sums);
    }
    points += order;
    return { a, b, sums, error: slope - (lossAt(b) - lossAt(a)) };
  };

  const count = Math.ceil(m / order);
  const panels: Panel[] = [];
  for (let i = 0; i < count; i++) panels.push(integrate(i / count, (i + 1) / count));
  let lowest = Infinity;
  let sinceLowest = 0;
  for (;;) {
    // What the panels that may still be halved miss, and the worst of them.
    let total = 0;
    let worst = -1;
    for (let i = 0; i < panels.length; i++) {
      if (panels[i].b - panels[i].a < NARROWEST_PANEL) continue;
      const error = Math.abs(panels[i].error);
      total += error;
      if (worst < 0 || error > Math.abs(panels[worst].error)) worst = i;
    }
    if (total <= PANEL_TOLERANCE || worst < 0 || points + 2 * order > budget) break;
    if (total <= lowest / 2) {
      lowest = total;
      sinceLowest = 0;
    } else if (++sinceLowest > PATIENCE && points >= PATIENT_POINTS) {
      break;
    }
    const { a, b } = panels[worst];
    const middle = (a + b) / 2;
    panels.splice(worst, 1, integrate(a, middle), integrate(middle, b));
  }

  const E = weights.embedding;
  const steps = h1.length / E;
  const values = new Float64Array(steps);
  for (const panel of panels) {
    for (let s = 0; s < steps; s++) {
      let sum = 0;
      for (let i = 0; i < E; i++) sum += panel.sums[s * E + i] * path.inputs[s * E + i];
      values[s] += sum;
    }
  }
  let total = 0;
  for (let s = 0; s < steps; s++) total += values[s];
  const loss = lossAt(1);
  const baselineLoss = lossAt(0);
  return { values, points, panels: panels.length, gap: total - (loss - baselineLoss), loss, baselineLoss };
}
