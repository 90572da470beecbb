/**
 * The dynamics of the context: how a context carried in is stretched or squeezed by one step, where a
 * word repeated for ever leads the context (its fixed point), and how both change over training.
 *
 * One step maps the context carried in, c, to h2 = tanh(W1 . [h1 ; c]). Its derivative with respect
 * to c is the E x E Jacobian
 *
 *     J = diag(1 - h2^2) . W1[:, E:2E]
 *
 * A small difference between two contexts carried in is multiplied by J. Its eigenvalues say by how
 * much, direction by direction: the spectral radius (the largest |lambda|) below 1 means differences
 * fade step after step; above 1, some direction grows until tanh saturates it.
 *
 * Plain functions over Float64Arrays; the nonsymmetric eigenproblem and the singular values are
 * ml-matrix's (a port of JAMA's well-tested routines).
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition, solve } from 'ml-matrix';
import type { Checkpoint } from '../network/model.ts';
import { type Weights, nextContext, recurrentWeights, tokenEmbedding } from '../network/network.ts';
import { BOUNDARY } from '../network/vocabulary.ts';
import { type Sliced, finish } from '../network/slices.ts';

/** A complex number as [real, imaginary], the shape the CLI and the service send. */
export type Complex = [number, number];

export interface Spectrum {
  /** Every eigenvalue of the Jacobian, largest |lambda| first (ties: real part, then imaginary part, descending). */
  eigenvalues: Complex[];
  /** The largest |lambda|. */
  spectralRadius: number;
}

/** Fixed-point iteration: at most this many steps ... */
export const FIXED_POINT_MAX_STEPS = 10_000;
/** ... until no unit moves by more than this. */
export const FIXED_POINT_TOLERANCE = 1e-12;
/** Newton's method, when the iteration does not settle: at most this many steps. */
const NEWTON_MAX_STEPS = 100;
/** The trajectory kept for drawing: its first points, where it moves most. */
export const TRAJECTORY_POINTS = 120;

/** J = diag(1 - h2^2) . W1[:, E:2E]: the derivative of the new context h2 with respect to the context carried in. */
export function contextJacobian(weights: Weights, h2: ArrayLike<number>): Float64Array {
  const e = weights.embeddingSize;
  if (h2.length !== e) throw new RangeError(`a context has ${e} numbers, not ${h2.length}`);
  const j = recurrentWeights(weights);
  for (let i = 0; i < e; i++) {
    const slope = 1 - h2[i] * h2[i];
    for (let k = 0; k < e; k++) j[i * e + k] *= slope;
  }
  return j;
}

function toMatrix(values: Float64Array, n: number): Matrix {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(values.subarray(i * n, (i + 1) * n)));
  return new Matrix(rows);
}

/**
 * The eigenvalues of a square n x n row-major matrix, largest |lambda| first. The matrix is first
 * scaled by a power of two (exact) so that its largest entry is about 1: the QR iteration never
 * overflows, however large the weights. A value that is not finite is refused, since the iteration
 * would never settle on it.
 */
export function eigenvalues(values: Float64Array, n: number): Complex[] {
  let largest = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError('the matrix holds a value that is not a finite number');
    largest = Math.max(largest, Math.abs(value));
  }
  const scale = largest > 0 ? 2 ** Math.ceil(Math.log2(largest)) : 1;
  const decomposition = new EigenvalueDecomposition(toMatrix(values.map((value) => value / scale), n), { assumeSymmetric: false });
  const re = decomposition.realEigenvalues;
  const im = decomposition.imaginaryEigenvalues;
  const pairs = re.map((r, i): Complex => [r * scale, im[i] * scale]);
  return pairs.sort((a, b) => Math.hypot(b[0], b[1]) - Math.hypot(a[0], a[1]) || b[0] - a[0] || b[1] - a[1]);
}

export function spectrum(values: Float64Array, n: number): Spectrum {
  const list = eigenvalues(values, n);
  return { eigenvalues: list, spectralRadius: list.reduce((m, [r, i]) => Math.max(m, Math.hypot(r, i)), 0) };
}

/** The Jacobian's spectrum for a step whose new context is `h2`. */
export function stepSpectrum(weights: Weights, h2: ArrayLike<number>): Spectrum {
  return spectrum(contextJacobian(weights, h2), weights.embeddingSize);
}

/** The largest singular value of W1[:, E:2E]: how much one step can stretch a difference before tanh squeezes it. */
export function largestSingularValue(weights: Weights): number {
  const svd = new SingularValueDecomposition(toMatrix(recurrentWeights(weights), weights.embeddingSize), {
    computeLeftSingularVectors: false,
    computeRightSingularVectors: false,
  });
  return Math.max(...svd.diagonal);
}

export interface FixedPoint extends Spectrum {
  /** The vocabulary row of the word fed again and again. */
  row: number;
  /** c* with c* = tanh(W1 . [h1(word) ; c*]). */
  point: Float64Array;
  /** Steps taken: iterations from zeros, plus Newton steps when the iteration did not settle. */
  iterations: number;
  /** How it was found: by iterating the step from zeros, or by Newton's method after it. */
  method: 'iteration' | 'newton';
  /** True when |c* - tanh(W1 . [h1 ; c*])| is within the tolerance in every unit. */
  converged: boolean;
  /** The largest |c* - tanh(W1 . [h1 ; c*])| over the units. */
  residual: number;
  /** Spectral radius below 1: contexts near c* fall into it. */
  stable: boolean;
  /** The contexts from zeros as the word is fed again and again (its first TRAJECTORY_POINTS, zeros first). */
  trajectory: Float64Array[];
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The largest |g(c)| for g(c) = c - tanh(W1 . [h1 ; c]); `scratch` gets tanh(W1 . [h1 ; c]). */
function residualOf(weights: Weights, h1: Float64Array, c: Float64Array, scratch: Float64Array<ArrayBuffer>): number {
  nextContext(weights, h1, c, scratch);
  return maxDifference(c, scratch);
}

/**
 * Damped Newton on g(c) = c - tanh(W1 . [h1 ; c]), whose derivative is I - J, moving `c` in place.
 * It starts from the middle of where the iteration circled (c and the step after it), and halves a
 * step until |g| falls, so that it cannot jump back onto the circle. Returns the steps taken.
 */
function newton(weights: Weights, h1: Float64Array, c: Float64Array, scratch: Float64Array<ArrayBuffer>): number {
  const e = weights.embeddingSize;
  nextContext(weights, h1, c, scratch);
  for (let i = 0; i < e; i++) c[i] = (c[i] + scratch[i]) / 2;
  let size = residualOf(weights, h1, c, scratch);
  let steps = 0;
  while (steps < NEWTON_MAX_STEPS && size > FIXED_POINT_TOLERANCE) {
    steps++;
    const g = Matrix.columnVector(Array.from(c, (value, i) => value - scratch[i]));
    let delta: Matrix;
    try {
      delta = solve(Matrix.eye(e).sub(toMatrix(contextJacobian(weights, scratch), e)), g);
    } catch {
      break; // I - J is singular here: Newton cannot go on; the residual says how near it got.
    }
    let scale = 1;
    const trial = new Float64Array(e);
    let better = false;
    while (!better && scale >= 1e-6) {
      for (let i = 0; i < e; i++) trial[i] = c[i] - scale * delta.get(i, 0);
      const trialSize = residualOf(weights, h1, trial, scratch);
      // NaN (a step that overflowed) is never better.
      better = trialSize < size;
      if (better) size = trialSize;
      else scale /= 2;
    }
    if (!better) break; // no step along Newton's direction helps: the residual says how near it got
    c.set(trial);
  }
  return steps;
}

/**
 * The fixed point of feeding one word for ever, c <- tanh(W1 . [h1(word) ; c]): iterated from zeros
 * (at most FIXED_POINT_MAX_STEPS, until no unit moves by more than FIXED_POINT_TOLERANCE); when the
 * iteration does not settle (it circles or wanders), Newton's method from where it got to.
 */
export function fixedPoint(weights: Weights, row: number): FixedPoint {
  const e = weights.embeddingSize;
  if (!(Number.isInteger(row) && row >= 0 && row < weights.vocabularySize)) throw new RangeError(`the model has no row ${row}`);
  const h1 = tokenEmbedding(weights, row);
  let c = new Float64Array(e);
  let next = new Float64Array(e);
  const trajectory = [c.slice()];
  let iterations = 0;
  let converged = false;
  while (iterations < FIXED_POINT_MAX_STEPS) {
    nextContext(weights, h1, c, next);
    iterations++;
    if (trajectory.length < TRAJECTORY_POINTS) trajectory.push(next.slice());
    const moved = maxDifference(next, c);
    [c, next] = [next, c];
    if (moved <= FIXED_POINT_TOLERANCE) {
      converged = true;
      break;
    }
  }
  let method: FixedPoint['method'] = 'iteration';
  if (!converged) {
    method = 'newton';
    iterations += newton(weights, h1, c, next);
  }
  nextContext(weights, h1, c, next);
  const residual = maxDifference(c, next);
  converged = residual <= FIXED_POINT_TOLERANCE;
  const point = c.slice();
  const { eigenvalues: list, spectralRadius } = stepSpectrum(weights, point);
  return { row, point, iterations, method, converged, residual, eigenvalues: list, spectralRadius, stable: converged && spectralRadius < 1, trajectory };
}

/** One checkpoint's memory figures. */
export interface CheckpointDynamics {
  epoch: number;
  /** The spectral radius at the fixed point of the line boundary fed again and again. */
  boundarySpectralRadius: number;
  /** Whether that fixed point was found within the tolerance. */
  boundaryConverged: boolean;
  largestSingularValue: number;
}

/** Per checkpoint of a run: the boundary's fixed-point spectral radius and W1[:, E:2E]'s largest singular value. */
export function trainingDynamics(checkpoints: readonly Checkpoint[]): CheckpointDynamics[] {
  return finish(trainingDynamicsSteps(checkpoints));
}

/** `trainingDynamics` in steps: yields after each checkpoint. */
export function* trainingDynamicsSteps(checkpoints: readonly Checkpoint[]): Sliced<CheckpointDynamics[]> {
  const curves: CheckpointDynamics[] = [];
  for (const { epoch, weights } of checkpoints) {
    const boundary = fixedPoint(weights, BOUNDARY);
    curves.push({
      epoch,
      boundarySpectralRadius: boundary.spectralRadius,
      boundaryConverged: boundary.converged,
      largestSingularValue: largestSingularValue(weights),
    });
    yield;
  }
  return curves;
}

/** The Jacobian's spectrum at each of these contexts, in steps: yields after each. */
export function* stepSpectraSteps(weights: Weights, contexts: readonly ArrayLike<number>[]): Sliced<Spectrum[]> {
  const spectra: Spectrum[] = [];
  for (const context of contexts) {
    spectra.push(stepSpectrum(weights, context));
    yield;
  }
  return spectra;
}
