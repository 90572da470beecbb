/**
 * Integrated gradients along h1(alpha) = alpha . h1 (every step scaled together from all-zero h1, the
 * starting context held fixed): step s's share of L(1) - L(0), the target's log-probability, is
 * IG_s = u_s . integral_0^1 d_s(alpha) d alpha, with u_s = W1[:, :E] . h1_s and d_s = dL/d(pre-activation
 * of c_s). The shares add up to L(1) - L(0) exactly when the integral is exact.
 *
 * The rule is composite Gauss-Legendre that checks itself: L is exact at any alpha, so each panel's
 * quadrature must equal L(b) - L(a), and the panel that misses most is halved while the misses exceed
 * PANEL_TOLERANCE, within the work budget and PATIENCE. It is adaptive because a trained model's
 * contexts leap between saturated states within tiny stretches of alpha; where the path turns chaotic
 * no rule meets completeness, and the gap says so. The passes run in the WebAssembly kernel
 * (kernel/integratedPath.ts); this module keeps the rule.
 */
import { gaussLegendre } from './gaussLegendre.ts';
import { KernelPath } from '../kernel/integratedPath.ts';
import { MAX_INTEGRATION_WORK } from '../network/limits.ts';
import type { Weights } from '../network/network.ts';
import { type Sliced, finish } from '../network/slices.ts';

/** Gauss-Legendre points per panel. */
export const PANEL_POINTS = 8;
/** The panels' absolute errors must add up to at most this. */
export const PANEL_TOLERANCE = 5e-5;
/**
 * The work budget: quadrature points times steps (one point costs a pass forward and back through
 * every step). A corpus line of 16 steps may take 16384 points; a conversation of 64 steps, 4096.
 */
export const WORK_BUDGET = 262144;
/**
 * Halvings allowed without the panels' total error falling to half its lowest so far: after that many
 * the path is taken to be chaotic (see below), where more points buy nothing, and the rule stops.
 */
export const PATIENCE = 96;
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
  /** Every step's share of the panel's integral: u_s . (its quadrature of d_s). */
  values: Float64Array;
  /** Its quadrature of dL/dalpha minus (L(b) - L(a)). */
  error: number;
}

/**
 * The integrated gradients of every step of `h1` ((k + 1) x E values) for `target`, by the adaptive
 * rule above, starting from `m` points.
 */
export function integratedGradients(weights: Weights, h1: Float64Array, target: number, m: number, startContext?: ArrayLike<number>): IntegratedGradients {
  return finish(integratedGradientsSteps(weights, h1, target, m, startContext));
}

/**
 * The work of one kernel call (a panel's points over every step), in multiply-adds of W1's size: a
 * panel has fewer points than PANEL_POINTS when a long text at a large E would make one call take
 * longer than a slice of the service's work should.
 */
export const PANEL_WORK = 2 ** 24;

/**
 * `integratedGradients` in steps: yields after each panel, so a host can answer other requests
 * meanwhile. The points are bounded by MAX_INTEGRATION_WORK (model/network/limits.ts): points times steps.
 */
export function* integratedGradientsSteps(weights: Weights, h1: Float64Array, target: number, asked: number, startContext?: ArrayLike<number>): Sliced<IntegratedGradients> {
  const steps = h1.length / weights.embeddingSize;
  const m = Math.max(1, Math.min(asked, Math.floor(MAX_INTEGRATION_WORK / steps)));
  const perPoint = steps * 2 * weights.embeddingSize * weights.embeddingSize;
  const order = Math.max(1, Math.min(m, PANEL_POINTS, Math.floor(PANEL_WORK / perPoint)));
  const path = new KernelPath(weights, h1, target, startContext, gaussLegendre(order));
  const budget = Math.max(m, Math.floor(WORK_BUDGET / path.steps));
  const ends = new Map<number, number>();
  const lossAt = (alpha: number): number => {
    let value = ends.get(alpha);
    if (value === undefined) ends.set(alpha, (value = path.loss(alpha)));
    return value;
  };
  let points = 0;
  const integrate = (a: number, b: number): Panel => {
    const { values, slope } = path.integrate(a, b);
    points += order;
    return { a, b, values, error: slope - (lossAt(b) - lossAt(a)) };
  };

  const count = Math.ceil(m / order);
  const panels: Panel[] = [];
  for (let i = 0; i < count; i++) {
    panels.push(integrate(i / count, (i + 1) / count));
    yield;
  }
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
    yield;
  }

  const values = new Float64Array(path.steps);
  for (const panel of panels) for (let s = 0; s < path.steps; s++) values[s] += panel.values[s];
  let total = 0;
  for (let s = 0; s < path.steps; s++) total += values[s];
  const loss = lossAt(1);
  const baselineLoss = lossAt(0);
  return { values, points, panels: panels.length, gap: total - (loss - baselineLoss), loss, baselineLoss };
}
